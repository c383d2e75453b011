// MetalLB in layer-2 mode from the pinned native manifest. Pools are applied only once the
// controller, the speakers and the webhook's endpoints are ready, with a retry for the short
// window in which the controller is Ready but its webhook is not serving yet.
import type { AddonHealth, PoolPlan } from '../../api.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { daemonSetReady, deploymentReady, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { watchPullProblems } from '../kube/watchdog.ts';
import { applyAll, applyWithWebhookRetry } from './apply.ts';
import { parseManifest } from './manifests.ts';
import { waitForWebhookService, webhookServiceReady } from './webhook.ts';
import { type Addon, type AddonContext, seconds } from './types.ts';

export const METALLB_NS = 'metallb-system';
const WEBHOOK_SERVICE = 'metallb-webhook-service';
export const L2_ADVERTISEMENT = 'l2-all-pools';

/**
 * Pure: the IPAddressPools and the L2Advertisement for a pool plan. Only pool-01 hands out
 * addresses on its own: MetalLB picks among equal pools in no fixed order, and the book's results
 * (nginx-lb gets pool-01's first address) hold only when pool-02 answers explicit requests alone —
 * as in the book, where pool-02 did not exist yet when nginx-lb was created.
 */
export function poolObjects(plan: PoolPlan): KubeObject[] {
  return [
    ...plan.pools.map((p, i) => ({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: p.name, namespace: METALLB_NS, labels: { 'app.kubernetes.io/managed-by': 'kindlab' } },
      spec: { addresses: p.addresses, ...(i > 0 ? { autoAssign: false } : {}) },
    })),
    // No selector: advertises every pool, like the book's l2advertisement.yaml.
    { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: L2_ADVERTISEMENT, namespace: METALLB_NS, labels: { 'app.kubernetes.io/managed-by': 'kindlab' } } },
  ];
}


async function health(client: KubeClient, version: string): Promise<AddonHealth> {
  const base = { id: 'metallb' as const, version };
  const ctl = await client.get('apps/v1', 'Deployment', 'controller', METALLB_NS);
  if (!ctl) return { ...base, state: 'missing', message: 'not installed' };
  const speaker = await client.get('apps/v1', 'DaemonSet', 'speaker', METALLB_NS);
  if (!deploymentReady(ctl)) return { ...base, state: 'degraded', message: 'controller not ready' };
  if (!speaker || !daemonSetReady(speaker)) return { ...base, state: 'degraded', message: 'speakers not ready' };
  if (!(await webhookServiceReady(client, METALLB_NS, WEBHOOK_SERVICE))) return { ...base, state: 'degraded', message: 'webhook has no ready endpoint' };
  return { ...base, state: 'ready', message: 'controller and speakers ready (layer 2)' };
}

export const metallbAddon: Addon = {
  id: 'metallb',
  phase: 'metallb',
  title: { en: 'MetalLB load balancer', zh: 'MetalLB 负载均衡器' },
  health: (ctx) => health(ctx.client, ctx.pins.metallb.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const objs = parseManifest(await ctx.manifest('metallb-native'), 'metallb-native.yaml');
    ctx.progress(0.05, 'applying the MetalLB manifest');
    await applyAll(client, objs, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.3 * f, 'applying the MetalLB manifest'), crdTimeoutMs: seconds(ctx, 90) });
    const dog = watchPullProblems(client, METALLB_NS, seconds(ctx, 120), signal, ctx.lang);
    try {
      ctx.progress(0.35, 'waiting for the controller and the speakers');
      await Promise.race([
        Promise.all([
          waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: METALLB_NS }, named('controller', deploymentReady, 'deployment'), {
            timeoutMs: seconds(ctx, 300),
            signal,
            what: 'MetalLB controller',
            onProgress: (v) => ctx.progress(0.35 + 0.3 * (v.fraction ?? 0), dog.current() ?? v.message ?? ''),
            diagnose: () => diagnose(client, { namespace: METALLB_NS, labelSelector: 'component=controller' }),
          }),
          waitFor(client, { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: METALLB_NS }, named('speaker', daemonSetReady, 'daemonset'), {
            timeoutMs: seconds(ctx, 300),
            signal,
            what: 'MetalLB speakers',
            diagnose: () => diagnose(client, { namespace: METALLB_NS, labelSelector: 'component=speaker' }),
          }),
        ]),
        dog.tripped,
      ]);
    } finally {
      dog.stop();
    }
    ctx.progress(0.75, 'waiting for the webhook endpoint');
    await waitForWebhookService(client, METALLB_NS, WEBHOOK_SERVICE, { what: 'MetalLB webhook', timeoutMs: seconds(ctx, 120), signal });
  },
};

/** The pools phase: derived from the kind network, applied through the webhook with retries. */
export const poolsAddon: Addon = {
  id: 'pools',
  phase: 'pools',
  title: { en: 'Address pools', zh: '地址池' },
  async health(ctx) {
    const base = { id: 'metallb' as const, version: ctx.pins.metallb.version };
    if (!(await ctx.client.served('metallb.io/v1beta1', 'IPAddressPool'))) return { ...base, state: 'missing', message: 'MetalLB not installed' };
    const plan = await ctx.poolPlan();
    for (const p of plan.pools) {
      const got = await ctx.client.get('metallb.io/v1beta1', 'IPAddressPool', p.name, METALLB_NS);
      const want = poolObjects(plan).find((o) => o.metadata.name === p.name)?.spec as { addresses: string[]; autoAssign?: boolean };
      const have = got?.spec as { addresses?: string[]; autoAssign?: boolean } | undefined;
      if ((have?.addresses ?? []).join(',') !== want.addresses.join(',') || (have?.autoAssign ?? true) !== (want.autoAssign ?? true)) {
        return { ...base, state: 'missing', message: `pool ${p.name} missing or different` };
      }
    }
    if (!(await ctx.client.get('metallb.io/v1beta1', 'L2Advertisement', L2_ADVERTISEMENT, METALLB_NS))) return { ...base, state: 'missing', message: 'no L2Advertisement' };
    return { ...base, state: 'ready', message: plan.pools.map((p) => `${p.name} ${p.addresses.join(',')}`).join('; ') };
  },
  async install(ctx: AddonContext) {
    const plan = await ctx.poolPlan();
    ctx.log(`kind network ${plan.subnet}: ${plan.pools.map((p) => `${p.name}=${p.addresses.join(',')}`).join(' ')}`);
    const objs = poolObjects(plan);
    let i = 0;
    for (const o of objs) {
      await applyWithWebhookRetry(ctx.client, o, { signal: ctx.signal, log: ctx.log, webhookRetryMs: seconds(ctx, 90) });
      ctx.progress(++i / objs.length, `${o.kind} ${o.metadata.name}`);
    }
  },
};
