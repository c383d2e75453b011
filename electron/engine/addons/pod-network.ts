// What "the pod network works" means for every CNI kindlab installs: all nodes Ready (the kubelet
// reports NetworkReady once a CNI config is in place) and cluster DNS available (CoreDNS cannot
// start before pods get addresses). Shared by the Calico and kube-router add-ons.
import type { LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { allOf, deploymentReady, named, nodeReady } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import type { Gate } from './gate.ts';
import { type AddonContext, seconds } from './types.ts';

/** The two nodes of the chapter's cluster. */
const NODE_COUNT = 2;

/** The names of the nodes that are not Ready, or null when all are. */
export async function nodesNotReady(client: KubeClient): Promise<{ total: number; notReady: string[] }> {
  const nodes = await client.list('v1', 'Node');
  return { total: nodes.items.length, notReady: nodes.items.filter((n) => !nodeReady(n)).map((n) => n.metadata.name) };
}

export function notReadyMessage(notReady: string[]): string {
  return both({ en: `nodes not ready: ${notReady.join(', ')}`, zh: `节点未就绪：${notReady.join('、')}` });
}

/** Nodes Ready, then CoreDNS available; progress from `from` to `from + span`. */
export async function waitForPodNetwork(ctx: AddonContext, gate: Gate, from: number, span: number, cniNamespace: string): Promise<void> {
  const { client, signal } = ctx;
  const t = (text: LocalizedText) => both(text);
  ctx.progress(from, t({ en: 'waiting for nodes to become Ready', zh: '正在等待节点就绪' }));
  await gate.race(
    waitFor(client, { apiVersion: 'v1', kind: 'Node' }, allOf(nodeReady, { en: 'nodes', zh: '节点' }, NODE_COUNT), {
      timeoutMs: seconds(ctx, 180),
      signal,
      what: t({ en: 'nodes Ready', zh: '节点就绪' }),
      onProgress: gate.progress(from, span * 0.6),
      diagnose: () => diagnose(client, { namespace: cniNamespace }),
    }),
  );
  ctx.progress(from + span * 0.6, t({ en: 'waiting for cluster DNS (CoreDNS)', zh: '正在等待集群 DNS（CoreDNS）' }));
  await gate.race(
    waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kube-system' }, named('coredns', deploymentReady, 'deployment'), {
      timeoutMs: seconds(ctx, 180),
      signal,
      what: 'CoreDNS',
      onProgress: gate.progress(from + span * 0.6, span * 0.4),
      diagnose: () => diagnose(client, { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }),
    }),
  );
}
