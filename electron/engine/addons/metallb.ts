// MetalLB in layer-2 mode from the pinned native manifest. Pools are applied only once the
// controller, the speakers and the webhook's endpoints are ready, with a retry for the short
// window in which the controller is Ready but its webhook is not serving yet.
import type { LocalizedText, PoolPlan } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { daemonSetReady, deploymentReady, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { applyAll, applyWithWebhookRetry } from './apply.ts';
import { gated } from './gate.ts';
import { parseManifest } from './manifests.ts';
import { waitForWebhookService, webhookServiceReady } from './webhook.ts';
import { type Addon, type AddonContext, type Health, seconds } from './types.ts';

export const METALLB_NS = 'metallb-system';
const WEBHOOK_SERVICE = 'metallb-webhook-service';
const L2_ADVERTISEMENT = 'l2-all-pools';

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


async function health(client: KubeClient, version: string): Promise<Health> {
  const t = (text: LocalizedText) => both(text);
  const base = { id: 'metallb' as const, version };
  const ctl = await client.get('apps/v1', 'Deployment', 'controller', METALLB_NS);
  if (!ctl) return { ...base, state: 'missing', message: t({ en: 'not installed', zh: '未安装' }) };
  const speaker = await client.get('apps/v1', 'DaemonSet', 'speaker', METALLB_NS);
  if (!deploymentReady(ctl)) return { ...base, state: 'degraded', message: t({ en: 'controller not ready', zh: '控制器未就绪' }) };
  if (!speaker || !daemonSetReady(speaker)) return { ...base, state: 'degraded', message: t({ en: 'speakers not ready', zh: 'speaker 未就绪' }) };
  if (!(await webhookServiceReady(client, METALLB_NS, WEBHOOK_SERVICE))) return { ...base, state: 'degraded', message: t({ en: 'webhook has no ready endpoint', zh: 'Webhook 没有就绪的端点' }) };
  return { ...base, state: 'ready', message: t({ en: 'controller and speakers ready (layer 2)', zh: '控制器和 speaker 已就绪（二层模式）' }) };
}

export const metallbAddon: Addon = {
  id: 'metallb',
  phase: 'metallb',
  title: { en: 'MetalLB load balancer', zh: 'MetalLB 负载均衡器' },
  installTitle: { en: 'Install MetalLB', zh: '安装 MetalLB' },
  plan: () => [
    { kind: 'manifest', manifest: 'metallb-native', description: both({ en: 'MetalLB native manifest (layer 2)', zh: 'MetalLB 的 native 清单（二层模式）' }) },
    { kind: 'wait', description: both({ en: 'controller available, speakers ready, webhook endpoints ready', zh: '等待控制器可用、speaker 就绪、webhook 的端点就绪' }) },
  ],
  health: (ctx) => health(ctx.client, ctx.pins.metallb.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const t = (text: LocalizedText) => both(text);
    const objs = parseManifest(await ctx.manifest('metallb-native'), 'metallb-native.yaml');
    const applying = t({ en: 'applying the MetalLB manifest', zh: '正在应用 MetalLB 清单' });
    ctx.progress(0.05, applying);
    await applyAll(client, objs, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.3 * f, applying), crdTimeoutMs: seconds(ctx, 90) });
    await gated(ctx, [METALLB_NS], async (gate) => {
      ctx.progress(0.35, t({ en: 'waiting for the controller and the speakers', zh: '正在等待控制器和 speaker' }));
      await gate.race(
        Promise.all([
          waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: METALLB_NS }, named('controller', deploymentReady, 'deployment'), {
            timeoutMs: seconds(ctx, 300),
            signal,
            what: t({ en: 'MetalLB controller', zh: 'MetalLB 控制器' }),
            onProgress: gate.progress(0.35, 0.3),
            diagnose: () => diagnose(client, { namespace: METALLB_NS, labelSelector: 'component=controller' }),
          }),
          waitFor(client, { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: METALLB_NS }, named('speaker', daemonSetReady, 'daemonset'), {
            timeoutMs: seconds(ctx, 300),
            signal,
            what: t({ en: 'MetalLB speakers', zh: 'MetalLB speaker' }),
            diagnose: () => diagnose(client, { namespace: METALLB_NS, labelSelector: 'component=speaker' }),
          }),
        ]),
      );
    });
    ctx.progress(0.75, t({ en: 'waiting for the webhook endpoint', zh: '正在等待 Webhook 的端点' }));
    await waitForWebhookService(client, METALLB_NS, WEBHOOK_SERVICE, { what: t({ en: 'MetalLB webhook', zh: 'MetalLB Webhook' }), timeoutMs: seconds(ctx, 120), signal });
  },
};

/** The pools phase: derived from the kind network, applied through the webhook with retries. */
export const poolsAddon: Addon = {
  id: 'pools',
  phase: 'pools',
  title: { en: 'Address pools', zh: '地址池' },
  installTitle: { en: 'Create the MetalLB address pools', zh: '创建 MetalLB 地址池' },
  plan: (pins) => [
    { kind: 'command', description: both({ en: 'read the IPv4 subnet of the kind network', zh: '读取 kind 网络的 IPv4 子网' }), argv: ['docker', 'network', 'inspect', 'kind'] },
    { kind: 'apply', description: both({ en: 'IPAddressPool pool-01 and pool-02, L2Advertisement l2-all-pools (retried while the webhook warms up)', zh: 'IPAddressPool pool-01 和 pool-02，L2Advertisement l2-all-pools（webhook 尚未就绪时会重试）' }), version: pins.metallb.version },
  ],
  async health(ctx) {
    const t = (text: LocalizedText) => both(text);
    const base = { id: 'metallb' as const, version: ctx.pins.metallb.version };
    if (!(await ctx.client.served('metallb.io/v1beta1', 'IPAddressPool'))) return { ...base, state: 'missing', message: t({ en: 'MetalLB not installed', zh: 'MetalLB 未安装' }) };
    const plan = await ctx.poolPlan();
    for (const p of plan.pools) {
      const got = await ctx.client.get('metallb.io/v1beta1', 'IPAddressPool', p.name, METALLB_NS);
      const want = poolObjects(plan).find((o) => o.metadata.name === p.name)?.spec as { addresses: string[]; autoAssign?: boolean };
      const have = got?.spec as { addresses?: string[]; autoAssign?: boolean } | undefined;
      if ((have?.addresses ?? []).join(',') !== want.addresses.join(',') || (have?.autoAssign ?? true) !== (want.autoAssign ?? true)) {
        return { ...base, state: 'missing', message: t({ en: `pool ${p.name} missing or different`, zh: `地址池 ${p.name} 不存在或与预期不同` }) };
      }
    }
    if (!(await ctx.client.get('metallb.io/v1beta1', 'L2Advertisement', L2_ADVERTISEMENT, METALLB_NS))) return { ...base, state: 'missing', message: t({ en: 'no L2Advertisement', zh: '没有 L2Advertisement' }) };
    return { ...base, state: 'ready', message: plan.pools.map((p) => `${p.name} ${p.addresses.join(',')}`).join('; ') };
  },
  async install(ctx: AddonContext) {
    const plan = await ctx.poolPlan();
    const pools = plan.pools.map((p) => `${p.name}=${p.addresses.join(',')}`).join(' ');
    ctx.log(both({ en: `kind network ${plan.subnet}: ${pools}`, zh: `kind 网络 ${plan.subnet}：${pools}` }));
    const objs = poolObjects(plan);
    let i = 0;
    for (const o of objs) {
      await applyWithWebhookRetry(ctx.client, o, { signal: ctx.signal, log: ctx.log, webhookRetryMs: seconds(ctx, 90) });
      ctx.progress(++i / objs.length, `${o.kind} ${o.metadata.name}`);
    }
  },
};
