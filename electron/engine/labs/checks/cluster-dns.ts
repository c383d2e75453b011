// Is cluster DNS answering at all? A failed DNS check first asks CoreDNS, because "the record is
// wrong" and "nobody is answering" need different fixes, and the probe alone cannot always tell:
// after a node stops (the nodeport lab stops the worker) CoreDNS is down or half down for a minute
// or two, and a query then times out, is refused (kube-proxy rejects a Service with no ready
// endpoint), or meets a CoreDNS that has not synced yet and answers NXDOMAIN. The reading is pure;
// the read of the cluster is one list of pods and one of EndpointSlices.
import type { KubeClient } from '../../kube/client.ts';
import { podReady, readyAddresses } from '../../kube/readiness.ts';
import type { DnsOutcome } from '../probe-output.ts';
import type { Say } from '../say.ts';

export interface CoreDnsHealth {
  /** CoreDNS pods (kube-system, k8s-app=kube-dns) that are not being deleted. */
  pods: number;
  readyPods: number;
  /** Ready addresses in the kube-dns Service's EndpointSlices. */
  readyEndpoints: number;
}

export async function coreDnsHealth(client: KubeClient): Promise<CoreDnsHealth | null> {
  try {
    const [pods, slices] = await Promise.all([
      client.list('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }),
      client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' }),
    ]);
    const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
    // Neither pods nor slices: a DNS that is not CoreDNS under kube-dns, so nothing to judge by.
    if (live.length === 0 && slices.items.length === 0) return null;
    return { pods: live.length, readyPods: live.filter(podReady).length, readyEndpoints: readyAddresses(slices.items).length };
  } catch {
    return null; // the API did not answer: say nothing about CoreDNS rather than guess
  }
}

/** The query got no answer at all (as opposed to an answer, even NXDOMAIN). */
export function unanswered(outcome: DnsOutcome): boolean {
  return outcome === 'timeout' || outcome === 'refused';
}

/**
 * down: no CoreDNS pod is Ready, or kube-dns has no ready endpoint; degraded: some are not
 * Ready (a query may land on one that cannot answer); silent: CoreDNS looks Ready, yet the
 * query got no answer; answering: DNS answered, so a failure is about the record.
 */
export type ClusterDnsState = 'down' | 'degraded' | 'silent' | 'answering';

export function clusterDnsState(health: CoreDnsHealth | null, outcome: DnsOutcome): ClusterDnsState {
  if (health && (health.readyPods === 0 || health.readyEndpoints === 0)) return 'down';
  if (health && (health.readyPods < health.pods || health.readyEndpoints < health.readyPods)) return 'degraded';
  return unanswered(outcome) ? 'silent' : 'answering';
}

export function coreDnsLine(h: CoreDnsHealth, say: Say): string {
  return say(
    `CoreDNS: ${h.readyPods} of ${h.pods} pods Ready, kube-dns has ${h.readyEndpoints} ready endpoint${h.readyEndpoints === 1 ? '' : 's'}`,
    `CoreDNS：${h.pods} 个 Pod 中 ${h.readyPods} 个 Ready，kube-dns 有 ${h.readyEndpoints} 个就绪端点`,
  );
}

const WATCH = 'kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide';

/** The hint when cluster DNS itself is the problem; null when DNS answers and the record is at fault. */
export function clusterDnsHint(state: ClusterDnsState, say: Say): string | null {
  if (state === 'down' || state === 'degraded') {
    return say(
      `Cluster DNS is not answering (reliably): CoreDNS is not ready, so this says nothing about the record. After a node was stopped or restarted this lasts a minute or two. Wait until \`${WATCH}\` shows every pod Ready on a Ready node, then run the step again; if a pod stays not Ready, \`kubectl describe pod -n kube-system -l k8s-app=kube-dns\` says why.`,
      `集群 DNS 没有（稳定地）应答：CoreDNS 尚未就绪，所以这并不能说明记录有问题。节点被停止或重启后，这种情况会持续一两分钟。请等到 \`${WATCH}\` 显示所有 Pod 都在 Ready 的节点上处于 Ready 状态，再重新运行本步骤；如果某个 Pod 一直不 Ready，\`kubectl describe pod -n kube-system -l k8s-app=kube-dns\` 会说明原因。`,
    );
  }
  if (state === 'silent') {
    return say(
      `Cluster DNS did not answer, although CoreDNS looks Ready: the query did not reach it (kube-proxy on the client's node: kubectl get pods -n kube-system -l k8s-app=kube-proxy -o wide) or it came back up only a moment ago. Check \`${WATCH}\` and run the step again.`,
      `集群 DNS 没有应答，尽管 CoreDNS 看起来已 Ready：查询没能到达它（请检查客户端所在节点上的 kube-proxy：kubectl get pods -n kube-system -l k8s-app=kube-proxy -o wide），或者它刚刚才恢复。请查看 \`${WATCH}\` 后重新运行本步骤。`,
    );
  }
  return null;
}
