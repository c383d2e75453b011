import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { addonsFor, detectInstalled } from './choice.ts';
import { adjustKubeRouterObjects, kubeRouterAddon, withPortmap } from './kube-router.ts';
import { parseManifest } from './manifests.ts';
import { DEFAULT_PINS } from './pins.ts';
import { INGRESS_CLASS, TRAEFIK_NS, adjustTraefikRbac, traefikAddon, traefikObjects } from './traefik.ts';

const fixture = (file: string) => parseManifest(readFileSync(new URL(`../../../test/fixtures/manifests/${file}`, import.meta.url), 'utf8'), file);
type Loose = Record<string, any>;

describe('kube-router, adjusted in memory after the sha256 check', () => {
  const objs = adjustKubeRouterObjects(fixture('generic-kuberouter.yaml'), DEFAULT_PINS.kubeRouter.image);
  const ds = objs.find((o) => o.kind === 'DaemonSet') as Loose;

  it('pins the untagged image to the release and never pulls when the node has it', () => {
    const containers = [...ds.spec.template.spec.containers, ...ds.spec.template.spec.initContainers];
    expect(containers).toHaveLength(2);
    for (const c of containers) expect([c.image, c.imagePullPolicy]).toEqual(['docker.io/cloudnativelabs/kube-router:v2.1.0', 'IfNotPresent']);
  });

  it('adds portmap to the CNI config, so that hostPort works for the ingress controller, once', () => {
    const cm = objs.find((o) => o.kind === 'ConfigMap') as Loose;
    const conf = JSON.parse(cm.data['cni-conf.json']);
    expect(conf.plugins.map((p: Loose) => p.type)).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[1]).toEqual({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
    expect(withPortmap(cm.data['cni-conf.json'])).toBe(cm.data['cni-conf.json']);
  });

  it('leaves the other objects as upstream wrote them', () => {
    const before = fixture('generic-kuberouter.yaml').filter((o) => o.kind !== 'DaemonSet' && o.kind !== 'ConfigMap');
    expect(objs.filter((o) => o.kind !== 'DaemonSet' && o.kind !== 'ConfigMap')).toEqual(before);
  });
});

describe('Traefik', () => {
  it("moves the upstream binding's subject into kindlab's namespace and changes nothing else", () => {
    const rbac = adjustTraefikRbac(fixture('kubernetes-ingress-nginx-rbac.yml'));
    const crb = rbac.find((o) => o.kind === 'ClusterRoleBinding') as Loose;
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'traefik-ingress-nginx-controller', namespace: TRAEFIK_NS }]);
    expect(rbac.find((o) => o.kind === 'ClusterRole')).toEqual(fixture('kubernetes-ingress-nginx-rbac.yml').find((o) => o.kind === 'ClusterRole'));
  });

  const objs = traefikObjects(DEFAULT_PINS.traefik.image);
  const dep = objs.find((o) => o.kind === 'Deployment') as Loose;
  const pod = dep.spec.template.spec;
  const args: string[] = pod.containers[0].args;

  it('claims the class nginx the labs name, through the ingress-nginx provider', () => {
    expect(objs.find((o) => o.kind === 'IngressClass')).toMatchObject({ metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
    expect(INGRESS_CLASS).toEqual({ name: 'nginx', controller: 'k8s.io/ingress-nginx' });
    expect(args).toEqual(expect.arrayContaining(['--providers.kubernetesingressnginx=true', '--providers.kubernetesingressnginx.ingressclass=nginx', '--providers.kubernetesingressnginx.controllerclass=k8s.io/ingress-nginx']));
  });

  it('runs where the ports are: on the ingress-ready worker, hostPorts 80 and 443 to unprivileged ports', () => {
    expect(pod.nodeSelector['ingress-ready']).toBe('true');
    expect(pod.containers[0].ports.filter((p: Loose) => p.hostPort).map((p: Loose) => [p.hostPort, p.containerPort])).toEqual([
      [80, 8000],
      [443, 8443],
    ]);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // HTTPS serves every rule with the default certificate, as ingress-nginx does.
    expect(args).toContain('--entryPoints.websecure.http.tls=true');
  });

  it('never reaches for the internet (no version check, no usage report) and uses the pinned image', () => {
    expect(args).toEqual(expect.arrayContaining(['--global.checknewversion=false', '--global.sendanonymoususage=false']));
    expect(pod.containers[0].image).toBe('docker.io/library/traefik:v3.6.12');
    expect(pod.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('keeps its Service a NodePort, like the adjusted ingress-nginx (no MetalLB address taken)', () => {
    expect(objs.find((o) => o.kind === 'Service')?.spec).toMatchObject({ type: 'NodePort' });
  });
});

describe('choosing and detecting', () => {
  it('maps each choice to its add-on, in the phases the operation shows', () => {
    const a = addonsFor({ cni: 'kube-router', ingress: 'traefik' });
    expect([a.cni.id, a.ingress.id, a.metallb.id, a.pools.id]).toEqual(['kube-router', 'traefik', 'metallb', 'pools']);
    expect([a.cni.phase, a.ingress.phase]).toEqual(['cni', 'ingress']);
    expect(kubeRouterAddon.plan(DEFAULT_PINS)[0]).toMatchObject({ kind: 'manifest', manifest: 'kube-router-generic' });
    expect(traefikAddon.plan(DEFAULT_PINS)[0]).toMatchObject({ kind: 'manifest', manifest: 'traefik-ingress-nginx-rbac' });
    for (const addon of [kubeRouterAddon, traefikAddon]) {
      for (const step of addon.plan(DEFAULT_PINS)) if (step.kind === 'manifest') expect(DEFAULT_PINS.manifests.map((m) => m.id)).toContain(step.manifest);
    }
  });

  it('reads what a cluster runs from its objects', async () => {
    const found = (present: Record<string, boolean>, calicoServed: boolean) =>
      ({
        served: async () => calicoServed,
        get: async (_v: string, kind: string, name: string) => (present[`${kind}/${name}`] ? ({ metadata: { name } } as KubeObject) : null),
      }) as unknown as KubeClient;
    expect(await detectInstalled(found({}, false))).toEqual({});
    expect(await detectInstalled(found({ 'DaemonSet/kube-router': true, 'Deployment/traefik': true }, false))).toEqual({ cni: 'kube-router', ingress: 'traefik' });
    expect(await detectInstalled(found({ 'Deployment/ingress-nginx-controller': true }, true))).toEqual({ cni: 'calico', ingress: 'ingress-nginx' });
  });
});
