// The fake cluster with kindlab's alternatives: kube-router as the CNI (nodes turn Ready a moment
// after its pods run, CoreDNS follows) and Traefik as the ingress controller (the labs' class
// nginx Ingresses routed like ingress-nginx does, with Traefik's own 404 and status, no webhook).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adjustKubeRouterObjects } from '../../electron/engine/addons/kube-router.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import { traefikObjects } from '../../electron/engine/addons/traefik.ts';
import type { KubeObject, RestKubeClient } from '../../electron/engine/kube/client.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { applyAll, clientFor, fixtureObjects, until, waitPods } from './testkit.ts';

let api: FakeApiServer;
let client: RestKubeClient;

beforeEach(async () => {
  api = await startFakeApiServer({ scenario: { timings: { cniConfigMs: 400 } } });
  api.seed({ name: 'cluster01' });
  client = clientFor(api);
});

afterEach(async () => {
  await api.close();
});

type Cond = { type: string; status: string; reason?: string };
const conds = (o: KubeObject | null | undefined): Cond[] => ((o?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[];
const ready = (o: KubeObject | null | undefined) => conds(o).some((c) => c.type === 'Ready' && c.status === 'True');
const nodes = async () => (await client.list('v1', 'Node')).items;

async function installKubeRouter(): Promise<void> {
  await applyAll(client, adjustKubeRouterObjects(fixtureObjects('generic-kuberouter.yaml'), DEFAULT_PINS.kubeRouter.image));
  await until(async () => (await nodes()).every(ready), 'nodes Ready');
}

describe('kube-router as the CNI', () => {
  it('runs one hostNetwork pod per node; each node turns Ready cniConfigMs after its pod runs; CoreDNS then starts', async () => {
    await applyAll(client, adjustKubeRouterObjects(fixtureObjects('generic-kuberouter.yaml'), DEFAULT_PINS.kubeRouter.image));
    const pods = await waitPods(client, 'k8s-app=kube-router', 'kube-system', 2);
    expect(pods.map((p) => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(['cluster01-control-plane', 'cluster01-worker']);
    expect(pods.map((p) => (p.status as { podIP: string }).podIP).sort()).toEqual(['172.18.0.2', '172.18.0.3']);
    // Its pods run, but the CNI config is not written yet: the nodes are still NotReady, CoreDNS still waits.
    expect((await nodes()).some(ready)).toBe(false);
    const all = await until(async () => {
      const n = await nodes();
      return n.every(ready) ? n : null;
    }, 'nodes Ready', 5_000);
    // Calico reports itself in NetworkUnavailable; nothing does here.
    for (const n of all) expect(conds(n).find((c) => c.type === 'NetworkUnavailable')).toBeUndefined();
    for (const n of all) expect(((n.spec as { taints?: { key: string }[] }).taints ?? []).map((t) => t.key)).not.toContain('node.kubernetes.io/not-ready');
    await waitPods(client, 'k8s-app=kube-dns', 'kube-system', 2);
    const dns = (await client.list('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
    expect(dns.every((p) => /^10\.240\./.test((p.status as { podIP: string }).podIP))).toBe(true);
  });

  it('a pod waits in ContainerCreating until kube-router has given its node a network', async () => {
    await client.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'early', namespace: 'default' }, spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'c', image: 'nginx:1.30' }] } });
    await new Promise((r) => setTimeout(r, 600));
    const p = await client.get('v1', 'Pod', 'early', 'default');
    expect((p?.status as { phase: string }).phase).toBe('Pending');
    expect(JSON.stringify((p?.status as { containerStatuses?: unknown[] }).containerStatuses)).toContain('ContainerCreating');
    await installKubeRouter();
    await until(async () => ready(await client.get('v1', 'Pod', 'early', 'default')), 'the pod Ready');
  });
});

describe('Traefik as the ingress controller', () => {
  const web: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'nginx-web' } }, template: { metadata: { labels: { app: 'nginx-web' } }, spec: { containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.30.4-alpine', ports: [{ containerPort: 8080 }] }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-web', namespace: 'default' }, spec: { selector: { app: 'nginx-web' }, ports: [{ port: 8080, targetPort: 8080 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nobody', namespace: 'default' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } },
  ];
  const ingress = (name: string, host: string, spec: Record<string, unknown> = { ingressClassName: 'nginx' }, backend = 'nginx-web', port = 8080): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default' },
    spec: { ...spec, rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: port } } } }] } }] },
  } as KubeObject);
  const curl = (host: string, url = 'http://172.18.0.3/') => api.exec(['curl', '-sS', '-m', '5', '-i', '-H', `Host: ${host}`, url]);

  beforeEach(async () => {
    await installKubeRouter();
    await applyAll(client, traefikObjects(DEFAULT_PINS.traefik.image));
    await applyAll(client, web);
    await waitPods(client, 'app.kubernetes.io/name=traefik,app.kubernetes.io/component=controller', 'traefik');
    await waitPods(client, 'app=nginx-web', 'default');
  });

  it('runs on the ingress-ready worker and answers on its host ports 80 and 443 by Host, with its own 404', async () => {
    const [ctl] = (await client.list('v1', 'Pod', { namespace: 'traefik' })).items;
    expect((ctl?.spec as { nodeName: string }).nodeName).toBe('cluster01-worker');
    await client.apply(ingress('nginx-ingress', 'webserver.127-0-0-1.nip.io'));
    const ok = curl('webserver.127-0-0-1.nip.io');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^HTTP\/1\.1 200 /);
    expect(ok.stdout).toContain('<title>Welcome to nginx!</title>');
    // Every rule over HTTPS too, with the default certificate (curl -k).
    expect(api.exec(['curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', 'webserver.127-0-0-1.nip.io:443:172.18.0.3', 'https://webserver.127-0-0-1.nip.io/']).stdout).toBe('200');
    const miss = curl('other.127-0-0-1.nip.io');
    expect(miss.stdout).toMatch(/^HTTP\/1\.1 404 /);
    expect(miss.stdout).toMatch(/Content-Type: text\/plain; charset=utf-8\r\n/);
    expect(miss.stdout.endsWith('\r\n\r\n404 page not found\n')).toBe(true);
    expect(miss.stdout).not.toContain('nginx');
    // Its ping entry point answers; the control-plane holds no ingress ports.
    const ctlIP = (ctl?.status as { podIP: string }).podIP;
    expect(api.exec(['curl', '-s', `http://${ctlIP}:9000/ping`]).stdout).toBe('OK');
    expect(api.exec(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: webserver.127-0-0-1.nip.io', 'http://172.18.0.2/']).stdout).toBe('000');
  });

  it('takes Ingresses of the class nginx (or its annotation) only, publishes ADDRESS localhost, records no event, and has no webhook', async () => {
    await client.apply(ingress('classed', 'a.example'));
    const annotated = ingress('annotated', 'b.example', {});
    await client.apply({ ...annotated, metadata: { ...annotated.metadata, annotations: { 'kubernetes.io/ingress.class': 'nginx' } } });
    await client.apply(ingress('classless', 'c.example', {}));
    await client.apply(ingress('other-class', 'd.example', { ingressClassName: 'haproxy' }));
    const status = (name: string) => client.get('networking.k8s.io/v1', 'Ingress', name, 'default').then((i) => (i?.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress);
    expect(await until(() => status('classed'), 'status of classed')).toEqual([{ hostname: 'localhost' }]);
    expect(await until(() => status('annotated'), 'status of annotated')).toEqual([{ hostname: 'localhost' }]);
    expect(await status('classless')).toBeUndefined();
    expect(await status('other-class')).toBeUndefined();
    expect(curl('a.example').stdout).toMatch(/^HTTP\/1\.1 200 /);
    expect(curl('b.example').stdout).toMatch(/^HTTP\/1\.1 200 /);
    expect(curl('c.example').stdout).toMatch(/^HTTP\/1\.1 404 /);
    expect(curl('d.example').stdout).toMatch(/^HTTP\/1\.1 404 /);
    const events = (await client.list('v1', 'Event', { namespace: 'default' })).items.filter((e) => (e as { reason?: string }).reason === 'Sync');
    expect(events).toEqual([]);
    // No admission webhook: the same host and path twice is accepted.
    await client.apply(ingress('copy', 'a.example'));
    expect((await client.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration')).items).toEqual([]);
    expect((await client.list('batch/v1', 'Job', { namespace: 'traefik' })).items).toEqual([]);
  });

  it('answers 503 for a backend without endpoints and 502 for one that refuses', async () => {
    await client.apply(ingress('none', 'none.example', { ingressClassName: 'nginx' }, 'nobody', 80));
    const none = curl('none.example');
    expect(none.stdout).toMatch(/^HTTP\/1\.1 503 /);
    expect(none.stdout).toMatch(/no available server\n$/);
    await client.apply(ingress('wrong-port', 'wrong.example', { ingressClassName: 'nginx' }, 'nginx-web', 8080));
    await client.apply({ ...web[1]!, spec: { selector: { app: 'nginx-web' }, ports: [{ port: 8080, targetPort: 9999 }] } } as KubeObject);
    await until(async () => {
      const s = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=nginx-web' })).items[0] as { ports?: { port: number }[] } | undefined;
      return s?.ports?.[0]?.port === 9999;
    }, 'the slice on port 9999');
    expect(curl('wrong.example').stdout).toMatch(/^HTTP\/1\.1 502 /);
  });
});
