// The yardstick for kindlab's own `up`: the same cluster built by hand, as a careful learner would
// with the same tools: a bare `kind create cluster` from the same config and node image, then the
// same objects (the engine's own, after the same in-memory adjustments) applied with kubectl and
// waited for with kubectl's own waits. A second purpose rides on that cluster: with kube-router's
// firewall turned off the cluster has a CNI that ignores NetworkPolicy, and kindlab's enforcement
// canary must then fail (run through the product itself, `lab run netpol`).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { stringify } from 'yaml';
import type { ClusterSettings, KindlabApi } from '../../electron/api.ts';
import { calicoInstallation } from '../../electron/engine/addons/calico.ts';
import { adjustIngressObjects } from '../../electron/engine/addons/ingress.ts';
import { adjustKubeRouterObjects } from '../../electron/engine/addons/kube-router.ts';
import { cacheFile, parseManifest } from '../../electron/engine/addons/manifests.ts';
import { poolObjects } from '../../electron/engine/addons/metallb.ts';
import type { Pins } from '../../electron/engine/addons/pins.ts';
import { adjustTraefikRbac, traefikObjects } from '../../electron/engine/addons/traefik.ts';
import { writeChoices } from '../../electron/engine/cluster/choices.ts';
import { KIND_NETWORK, renderKindConfig } from '../../electron/engine/cluster/kind-config.ts';
import type { KubeObject } from '../../electron/engine/kube/client.ts';
import { parseNetworkInspect } from '../../electron/engine/network/inspect.ts';
import { computePools } from '../../electron/engine/network/pools.ts';
import { clusterPaths } from '../../electron/engine/paths.ts';
import type { Table } from './table.ts';

const BARE = 'kindlab-bare';

interface Ctx {
  settings: ClusterSettings;
  nodeImage: string;
  pins: Pins;
  dataDir: string;
  table: Table;
  engine: KindlabApi;
}

async function timed(ctx: Ctx, phase: string, body: () => Promise<void>): Promise<number> {
  const t0 = Date.now();
  try {
    await body();
    const s = (Date.now() - t0) / 1000;
    ctx.table.add({ stage: 'baseline (by hand)', phase, seconds: s, result: 'ok' });
    return s;
  } catch (err) {
    const s = (Date.now() - t0) / 1000;
    const why = (err as { shortMessage?: string; message: string }).shortMessage ?? (err as Error).message;
    ctx.table.add({ stage: 'baseline (by hand)', phase, seconds: s, result: `FAILED: ${why.split('\n')[0]}` });
    throw err;
  }
}

async function manifestText(ctx: Pick<Ctx, 'pins' | 'dataDir'>, id: string): Promise<string> {
  const pin = ctx.pins.manifests.find((m) => m.id === id);
  if (!pin) throw new Error(`no pin ${id}`);
  return readFile(cacheFile(ctx.dataDir, pin), 'utf8');
}

/** Every object a choice installs, as the engine would apply it, per phase. */
async function objectsByHand(ctx: Ctx): Promise<{ cni: KubeObject[][]; ingress: KubeObject[]; metallb: KubeObject[]; pools: () => Promise<KubeObject[]> }> {
  const m = (id: string, file: string) => manifestText(ctx, id).then((t) => parseManifest(t, file));
  const cni =
    ctx.settings.cni === 'kube-router'
      ? [adjustKubeRouterObjects(await m('kube-router-generic', 'generic-kuberouter.yaml'), ctx.pins.kubeRouter.image)]
      : [await m('calico-operator-crds', 'operator-crds.yaml'), await m('calico-tigera-operator', 'tigera-operator.yaml'), [calicoInstallation(KIND_NETWORK.podSubnet)]];
  const ingress =
    ctx.settings.ingress === 'traefik'
      ? [...traefikObjects(ctx.pins.traefik.image), ...adjustTraefikRbac(await m('traefik-ingress-nginx-rbac', 'kubernetes-ingress-nginx-rbac.yml'))]
      : adjustIngressObjects(await m('ingress-nginx-kind', 'deploy.yaml'));
  const metallb = await m('metallb-native', 'metallb-native.yaml');
  const pools = async () => {
    const r = await execa('docker', ['network', 'inspect', 'kind']);
    return poolObjects(computePools(parseNetworkInspect(r.stdout)));
  };
  return { cni, ingress, metallb, pools };
}

async function kubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  const r = await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { ...(input !== undefined ? { input } : {}), timeout: 600_000 });
  return r.stdout;
}

const yamlOf = (objs: KubeObject[]) => objs.map((o) => stringify(o)).join('---\n');
const apply = (kc: string, objs: KubeObject[]) => kubectl(kc, ['apply', '--server-side', '--force-conflicts', '-f', '-'], yamlOf(objs));

/** kubectl apply until the admission webhook answers, as a learner retries "failed calling webhook". */
async function applyUntilAccepted(kc: string, objs: KubeObject[], boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      await apply(kc, objs);
      return;
    } catch (err) {
      if (Date.now() > deadline || !/webhook/.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export interface BaselineResult {
  createSeconds: number;
  addonSeconds: number;
}

export async function baseline(ctx: Ctx): Promise<BaselineResult | null> {
  const paths = clusterPaths(ctx.dataDir, BARE);
  const kc = paths.kubeconfig;
  await mkdir(paths.dir, { recursive: true });
  const cgroupV1 = (await execa('docker', ['info', '--format', '{{.CgroupVersion}}'])).stdout.trim() === '1';
  await writeFile(paths.kindConfig, renderKindConfig({ ...ctx.settings, name: BARE }, { nodeImage: ctx.nodeImage, cgroupV1 }));
  await execa('kind', ['delete', 'cluster', '--name', BARE, '--kubeconfig', kc]).catch(() => undefined);
  let result: BaselineResult | null = null;
  try {
    const createSeconds = await timed(ctx, 'kind create cluster', async () => {
      await execa('kind', ['create', 'cluster', '--name', BARE, '--config', paths.kindConfig, '--kubeconfig', kc], { timeout: 900_000 });
    });
    const objs = await objectsByHand(ctx);
    const t0 = Date.now();
    await timed(ctx, `${ctx.settings.cni} apply + wait`, async () => {
      for (const part of objs.cni) {
        await apply(kc, part);
        if (part.some((o) => o.kind === 'CustomResourceDefinition')) await kubectl(kc, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
      }
      if (ctx.settings.cni === 'kube-router') {
        await kubectl(kc, ['-n', 'kube-system', 'rollout', 'status', 'ds/kube-router', '--timeout=300s']);
      } else {
        await kubectl(kc, ['-n', 'tigera-operator', 'rollout', 'status', 'deploy/tigera-operator', '--timeout=300s']);
        await kubectl(kc, ['wait', '--for=create', 'tigerastatus/calico', '--timeout=300s']);
        await kubectl(kc, ['wait', '--for=condition=Available', 'tigerastatus/calico', '--timeout=480s']);
      }
      await kubectl(kc, ['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=180s']);
      await kubectl(kc, ['-n', 'kube-system', 'rollout', 'status', 'deploy/coredns', '--timeout=180s']);
    });
    await Promise.all([
      timed(ctx, `${ctx.settings.ingress} apply + wait`, async () => {
        await apply(kc, objs.ingress);
        if (ctx.settings.ingress === 'traefik') {
          await kubectl(kc, ['-n', 'traefik', 'rollout', 'status', 'deploy/traefik', '--timeout=300s']);
        } else {
          await kubectl(kc, ['-n', 'ingress-nginx', 'wait', '--for=condition=complete', 'job/ingress-nginx-admission-create', 'job/ingress-nginx-admission-patch', '--timeout=240s']);
          await kubectl(kc, ['-n', 'ingress-nginx', 'rollout', 'status', 'deploy/ingress-nginx-controller', '--timeout=300s']);
        }
      }),
      timed(ctx, 'metallb apply + wait', async () => {
        await apply(kc, objs.metallb);
        await kubectl(kc, ['-n', 'metallb-system', 'rollout', 'status', 'deploy/controller', '--timeout=300s']);
        await kubectl(kc, ['-n', 'metallb-system', 'rollout', 'status', 'ds/speaker', '--timeout=300s']);
      }),
    ]);
    await timed(ctx, 'pools apply (retried while the webhook warms up)', async () => applyUntilAccepted(kc, await objs.pools(), 120_000));
    result = { createSeconds, addonSeconds: (Date.now() - t0) / 1000 };
    if (ctx.settings.cni === 'kube-router') await canaryOnNonEnforcingCni(ctx, kc);
    else ctx.table.add({ stage: 'baseline (by hand)', phase: 'canary without enforcement', seconds: 0, result: 'skipped: needs kube-router (its firewall can be turned off)' });
  } catch (err) {
    ctx.table.fail('baseline (by hand)', (err as { shortMessage?: string; message: string }).shortMessage ?? (err as Error).message);
  } finally {
    await execa('kind', ['delete', 'cluster', '--name', BARE, '--kubeconfig', kc]).catch(() => undefined);
    await rm(paths.dir, { recursive: true, force: true });
  }
  return result;
}

/**
 * kube-router without its firewall routes pods but ignores every NetworkPolicy: kindlab's canary
 * must say so, through the product's own lab run, and the checks that grade policies must not run.
 */
async function canaryOnNonEnforcingCni(ctx: Ctx, kc: string): Promise<void> {
  const t0 = Date.now();
  const stage = 'baseline (by hand)';
  const phase = 'canary without enforcement';
  const ds = JSON.parse(await kubectl(kc, ['-n', 'kube-system', 'get', 'ds', 'kube-router', '-o', 'json'])) as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const args = ds.spec.template.spec.containers[0]?.args ?? [];
  const i = args.indexOf('--run-firewall=true');
  if (i < 0) throw new Error(`kube-router's args have no --run-firewall=true: ${args.join(' ')}`);
  await kubectl(kc, ['-n', 'kube-system', 'patch', 'ds', 'kube-router', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: `/spec/template/spec/containers/0/args/${i}`, value: '--run-firewall=false' }])]);
  await kubectl(kc, ['-n', 'kube-system', 'rollout', 'status', 'ds/kube-router', '--timeout=300s']);
  // The engine learns of the bare cluster the way it knows its own: kubeconfig and choices in its folder.
  await writeChoices(clusterPaths(ctx.dataDir, BARE).dir, { cni: ctx.settings.cni, ingress: ctx.settings.ingress, nodeImage: ctx.nodeImage });
  const settings = { name: BARE };
  const run = (step: number) => ctx.engine.invoke('lab:run', { id: 'netpol', step, lang: 'en', settings });
  await run(1);
  const r = await run(2);
  const canary = r.steps.flatMap((s) => s.checks).find((c) => c.id === 'policy-enforced');
  const s = (Date.now() - t0) / 1000;
  if (canary?.status === 'fail') {
    ctx.table.add({ stage, phase, seconds: s, result: `ok: the canary failed as it must (${canary.layer}: ${canary.observed.slice(0, 90)})` });
  } else {
    ctx.table.add({ stage, phase, seconds: s, result: `FAILED: the canary ${canary?.status ?? 'did not run'} on a CNI that ignores NetworkPolicy` });
    ctx.table.fail(stage, `the NetworkPolicy canary ${canary?.status ?? 'did not run'} with kube-router's firewall off: ${canary?.observed ?? ''}`);
  }
}
