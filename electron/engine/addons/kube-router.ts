// kube-router as the cluster's CNI and NetworkPolicy firewall, with kube-proxy left in charge of
// Services (the upstream "generic" DaemonSet: --run-router --run-firewall, no service proxy). The
// choice for machines that cannot run Calico, and the CNI tier 5 runs on. Two adjustments are made
// in memory after the sha256 check: the image is pinned to the release's tag and pulled only when
// missing (upstream names it without a tag and pulls it Always, which an offline classroom cannot
// do), and the CNI config gets the portmap plugin, so that hostPort works and the ingress
// controller answers on the worker's ports 80 and 443, as it does with Calico.
import type { LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { daemonSetReady, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { applyAll } from './apply.ts';
import { gated } from './gate.ts';
import { parseManifest } from './manifests.ts';
import { nodesNotReady, notReadyMessage, waitForPodNetwork } from './pod-network.ts';
import { type Addon, type AddonContext, type Health, seconds } from './types.ts';

export const KUBE_ROUTER_NS = 'kube-system';
export const KUBE_ROUTER_DS = 'kube-router';
const CONFIG_MAP = 'kube-router-cfg';

type Loose = Record<string, unknown>;

/** Pure: the CNI config list with a portmap plugin (hostPort), unchanged if it has one. */
export function withPortmap(conflist: string): string {
  const conf = JSON.parse(conflist) as { plugins?: Loose[] };
  const plugins = conf.plugins ?? [];
  if (plugins.some((p) => p.type === 'portmap')) return conflist;
  return `${JSON.stringify({ ...conf, plugins: [...plugins, { type: 'portmap', capabilities: { portMappings: true }, snat: true }] }, null, 2)}\n`;
}

function pinContainers(list: unknown, image: string): unknown {
  return Array.isArray(list) ? list.map((c: Loose) => ({ ...c, image, imagePullPolicy: 'IfNotPresent' })) : list;
}

/** Pure: the upstream objects with kindlab's two adjustments (pinned image, portmap). */
export function adjustKubeRouterObjects(objs: KubeObject[], image: string): KubeObject[] {
  return objs.map((o) => {
    if (o.kind === 'ConfigMap' && o.metadata.name === CONFIG_MAP) {
      const data = { ...((o as { data?: Record<string, string> }).data ?? {}) };
      if (data['cni-conf.json']) data['cni-conf.json'] = withPortmap(data['cni-conf.json']);
      return { ...o, data } as KubeObject;
    }
    if (o.kind === 'DaemonSet' && o.metadata.name === KUBE_ROUTER_DS) {
      const spec = structuredClone((o.spec as Loose) ?? {});
      const podSpec = (((spec.template as Loose) ??= {}).spec ??= {}) as Loose;
      podSpec.containers = pinContainers(podSpec.containers, image);
      podSpec.initContainers = pinContainers(podSpec.initContainers, image);
      return { ...o, spec };
    }
    return o;
  });
}

async function health(client: KubeClient, version: string): Promise<Health> {
  const t = (text: LocalizedText) => both(text);
  const base = { id: 'kube-router' as const, version };
  const ds = await client.get('apps/v1', 'DaemonSet', KUBE_ROUTER_DS, KUBE_ROUTER_NS);
  if (!ds) return { ...base, state: 'missing', message: t({ en: 'not installed', zh: '未安装' }) };
  if (!daemonSetReady(ds)) return { ...base, state: 'degraded', message: t({ en: 'kube-router pods not ready on every node', zh: 'kube-router 的 Pod 尚未在每个节点上就绪' }) };
  const nodes = await nodesNotReady(client);
  if (nodes.notReady.length > 0) return { ...base, state: 'degraded', message: notReadyMessage(nodes.notReady) };
  return { ...base, state: 'ready', message: t({ en: `routing and NetworkPolicy on ${nodes.total} nodes`, zh: `已在 ${nodes.total} 个节点上负责路由和 NetworkPolicy` }) };
}

export const kubeRouterAddon: Addon = {
  id: 'kube-router',
  phase: 'cni',
  title: { en: 'kube-router network', zh: 'kube-router 网络' },
  installTitle: { en: 'Install kube-router', zh: '安装 kube-router' },
  plan: (pins) => [
    { kind: 'manifest', manifest: 'kube-router-generic', description: both({ en: 'kube-router generic DaemonSet: routing and NetworkPolicy firewall, kube-proxy keeps the Services', zh: 'kube-router 的 generic DaemonSet：负责路由和 NetworkPolicy 防火墙，Service 仍由 kube-proxy 负责' }) },
    { kind: 'patch', description: both({ en: `in memory, after the sha256 check: image ${pins.kubeRouter.image} (IfNotPresent); the portmap plugin added to the CNI config (hostPort)`, zh: `校验 sha256 之后在内存中修改：镜像 ${pins.kubeRouter.image}（IfNotPresent）；在 CNI 配置中加入 portmap 插件（hostPort）` }) },
    { kind: 'wait', description: both({ en: 'DaemonSet kube-router ready on every node, all nodes Ready, CoreDNS available', zh: '等待 DaemonSet kube-router 在每个节点就绪、所有节点 Ready、CoreDNS 可用' }) },
  ],
  health: (ctx) => health(ctx.client, ctx.pins.kubeRouter.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const t = (text: LocalizedText) => both(text);
    const objs = adjustKubeRouterObjects(parseManifest(await ctx.manifest('kube-router-generic'), 'generic-kuberouter.yaml'), ctx.pins.kubeRouter.image);
    const applying = t({ en: 'applying the kube-router DaemonSet', zh: '正在应用 kube-router DaemonSet' });
    ctx.progress(0.05, applying);
    await applyAll(client, objs, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.15 * f, applying) });
    await gated(ctx, [KUBE_ROUTER_NS], async (gate) => {
      ctx.progress(0.2, t({ en: 'waiting for kube-router on every node', zh: '正在等待每个节点上的 kube-router' }));
      await gate.race(
        waitFor(client, { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: KUBE_ROUTER_NS }, named(KUBE_ROUTER_DS, daemonSetReady, 'daemonset'), {
          timeoutMs: seconds(ctx, 300),
          signal,
          what: 'kube-router',
          onProgress: gate.progress(0.2, 0.5),
          diagnose: () => diagnose(client, { namespace: KUBE_ROUTER_NS, labelSelector: 'k8s-app=kube-router' }),
        }),
      );
      await waitForPodNetwork(ctx, gate, 0.7, 0.3, KUBE_ROUTER_NS);
    });
  },
};
