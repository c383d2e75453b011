// Calico through the Tigera operator: the operator's CRDs and Deployment from the pinned release,
// then kindlab's own Installation whose IP pool equals the cluster's podSubnet (Calico cannot
// change it later, and the book's 10.240.0.0/16 must match). Images come from quay.io to avoid
// Docker Hub's anonymous rate limit.
import type { LocalizedText } from '../../api.ts';
import { KIND_NETWORK } from '../cluster/kind-config.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { deploymentReady, named, tigeraAvailable } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { applyAll } from './apply.ts';
import { gated } from './gate.ts';
import { parseManifest } from './manifests.ts';
import { nodesNotReady, notReadyMessage, waitForPodNetwork } from './pod-network.ts';
import { type Addon, type AddonContext, type Health, seconds } from './types.ts';

export function calicoInstallation(podSubnet: string): KubeObject {
  return {
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    metadata: { name: 'default' },
    spec: {
      registry: 'quay.io/',
      calicoNetwork: {
        ipPools: [
          {
            name: 'default-ipv4-ippool',
            cidr: podSubnet,
            blockSize: 26,
            encapsulation: 'VXLANCrossSubnet',
            natOutgoing: 'Enabled',
            nodeSelector: 'all()',
          },
        ],
      },
    },
  };
}

async function health(client: KubeClient, version: string): Promise<Health> {
  const t = (text: LocalizedText) => both(text);
  const base = { id: 'calico' as const, version };
  if (!(await client.served('operator.tigera.io/v1', 'Installation'))) return { ...base, state: 'missing', message: t({ en: 'not installed', zh: '未安装' }) };
  const inst = await client.get('operator.tigera.io/v1', 'Installation', 'default');
  if (!inst) return { ...base, state: 'missing', message: t({ en: 'operator installed, no Installation', zh: '已安装 operator，但没有 Installation' }) };
  const status = await client.get('operator.tigera.io/v1', 'TigeraStatus', 'calico').catch(() => null);
  const nodes = await nodesNotReady(client);
  if (!status || !tigeraAvailable(status)) return { ...base, state: 'degraded', message: t({ en: 'Calico is not available yet', zh: 'Calico 尚不可用' }) };
  if (nodes.notReady.length > 0) return { ...base, state: 'degraded', message: notReadyMessage(nodes.notReady) };
  return { ...base, state: 'ready', message: t({ en: `available, ${nodes.total} nodes ready`, zh: `可用，${nodes.total} 个节点已就绪` }) };
}

export const calicoAddon: Addon = {
  id: 'calico',
  phase: 'cni',
  title: { en: 'Calico network', zh: 'Calico 网络' },
  installTitle: { en: 'Install Calico', zh: '安装 Calico' },
  plan: (pins) => [
    { kind: 'manifest', manifest: 'calico-operator-crds', description: both({ en: 'Calico operator CRDs (server-side apply), wait until Established', zh: 'Calico operator 的 CRD（server-side apply），等到 Established' }) },
    { kind: 'manifest', manifest: 'calico-tigera-operator', description: both({ en: 'Tigera operator (server-side apply), wait for deployment tigera-operator', zh: 'Tigera operator（server-side apply），等待 Deployment tigera-operator' }) },
    { kind: 'apply', description: both({ en: `Installation "default": registry quay.io/, IP pool ${KIND_NETWORK.podSubnet} (= podSubnet), VXLANCrossSubnet`, zh: `Installation "default"：镜像仓库 quay.io/，IP 池 ${KIND_NETWORK.podSubnet}（= podSubnet），VXLANCrossSubnet` }), version: pins.calico.version },
    { kind: 'wait', description: both({ en: 'TigeraStatus calico Available, all nodes Ready, CoreDNS available', zh: '等待 TigeraStatus calico 为 Available、所有节点 Ready、CoreDNS 可用' }) },
  ],
  health: (ctx) => health(ctx.client, ctx.pins.calico.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const t = (text: LocalizedText) => both(text);
    const crds = parseManifest(await ctx.manifest('calico-operator-crds'), 'operator-crds.yaml');
    const operator = parseManifest(await ctx.manifest('calico-tigera-operator'), 'tigera-operator.yaml');
    const applyingCrds = t({ en: 'applying the operator CRDs', zh: '正在应用 operator 的 CRD' });
    ctx.progress(0.05, applyingCrds);
    await applyAll(client, crds, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.25 * f, applyingCrds), crdTimeoutMs: seconds(ctx, 90) });
    ctx.progress(0.3, t({ en: 'starting the Tigera operator', zh: '正在启动 Tigera operator' }));
    await applyAll(client, operator, { signal, log: ctx.log });
    // Both namespaces are watched from the start: the operator's own image pull is as likely to fail.
    await gated(ctx, ['tigera-operator', 'calico-system'], async (gate) => {
      await gate.race(
        waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tigera-operator' }, named('tigera-operator', deploymentReady, 'deployment'), {
          timeoutMs: seconds(ctx, 300),
          signal,
          what: 'Tigera operator',
          onProgress: gate.progress(0.3, 0.1),
          diagnose: () => diagnose(client, { namespace: 'tigera-operator' }),
        }),
      );
      ctx.progress(0.4, t({ en: `creating the Calico installation (pool ${KIND_NETWORK.podSubnet})`, zh: `正在创建 Calico 的 Installation（地址池 ${KIND_NETWORK.podSubnet}）` }));
      await client.apply(calicoInstallation(KIND_NETWORK.podSubnet), { signal });
      await gate.race(
        waitFor(client, { apiVersion: 'operator.tigera.io/v1', kind: 'TigeraStatus' }, named('calico', tigeraAvailable, 'TigeraStatus'), {
          timeoutMs: seconds(ctx, 480),
          signal,
          what: 'Calico',
          onProgress: gate.progress(0.45, 0.35),
          diagnose: () => diagnose(client, { namespace: 'calico-system' }),
          hint: t({
            en: 'Calico did not become available. The diagnostics show the first pod that is stuck; image pulls are the usual cause.',
            zh: 'Calico 未能变为可用。诊断信息会指出第一个卡住的 Pod；最常见的原因是镜像拉取失败。',
          }),
        }),
      );
      await waitForPodNetwork(ctx, gate, 0.8, 0.2, 'calico-system');
    });
  },
};
