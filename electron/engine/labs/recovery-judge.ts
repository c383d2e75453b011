// What "recovered" means after a node container was stopped and started again, as pure judges
// over API objects (recovery.ts watches them and runs the probes). A real cluster showed why
// the obvious signals are not enough: seconds after `docker start`, the node said Ready, the
// Deployment said available and rollout status said done, all from status written before the
// stop, while the node's kube-proxy and CNI pods came back several seconds later (a node port
// once answered 404 in between) and CoreDNS, whose replicas both ran there, for up to 90 s.
import type { KubeObject } from '../kube/client.ts';
import { conditions, deploymentReady, readyAddresses } from '../kube/readiness.ts';
import type { Verdict } from '../kube/wait.ts';
import type { Say } from './say.ts';

/**
 * Kubernetes writes timestamps to the second; compare everything at that precision. Reads
 * RFC 3339 with any fraction (docker prints nanoseconds) and Go's own time format, which
 * Podman's docker-compatible CLI prints for State.StartedAt ("2026-12-01 10:00:00.5 +0000 UTC").
 */
export function secondsOf(text: string | undefined | null): number | null {
  if (!text) return null;
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?(?:\s+[A-Z]{2,5})?$/.exec(text.trim());
  const zone = (z: string | undefined) => (!z || z === 'Z' ? 'Z' : z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`);
  const t = Date.parse(m ? `${m[1]}T${m[2]}${zone(m[3])}` : text);
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

function readyCondition(o: KubeObject | null | undefined): { status?: string; lastTransitionTime?: string; lastHeartbeatTime?: string } | undefined {
  return o ? conditions(o).find((c) => c.type === 'Ready') : undefined;
}

function isReady(o: KubeObject): boolean {
  return readyCondition(o)?.status === 'True';
}

type PodStatus = { phase?: string; podIP?: string; containerStatuses?: { state?: { running?: { startedAt?: string } } }[] };
const podStatus = (p: KubeObject) => ((p as { status?: PodStatus }).status ?? {}) as PodStatus;
const nodeOf = (p: KubeObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName;
const live = (p: KubeObject) => !p.metadata.deletionTimestamp && podStatus(p).phase !== 'Succeeded' && podStatus(p).phase !== 'Failed';
const podName = (p: KubeObject) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`;

/** Pods a DaemonSet keeps on every node: kube-proxy, the CNI's agent, MetalLB's speaker. */
export function nodeAgents(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => live(p) && (p.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet'));
}

/** Ready, and ready because of something that happened at or after `since` (seconds): a new container, or a Ready transition. */
export function readySince(pod: KubeObject, since: number): boolean {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return false;
  const transition = secondsOf(ready.lastTransitionTime);
  if (transition !== null && transition >= since) return true;
  return (podStatus(pod).containerStatuses ?? []).some((c) => {
    const started = secondsOf(c.state?.running?.startedAt);
    return started !== null && started >= since;
  });
}

export interface NodeRecoveryFacts {
  nodeName: string;
  node: KubeObject | null;
  /** Every pod scheduled on the node. */
  pods: KubeObject[];
  /** When the node's container last started (docker's State.StartedAt), in seconds. */
  since: number;
}

/**
 * The node's data plane is back: the kubelet has reported Ready since the container started
 * (not a Ready left over from before the stop), and every node agent on it (kube-proxy, the
 * CNI, the speaker) restarted or turned Ready since then.
 */
export function nodeRecovery(f: NodeRecoveryFacts, say: Say): Verdict {
  if (!f.node) return { done: false, fraction: 0, message: say(`node ${f.nodeName} is not registered`, `节点 ${f.nodeName} 尚未注册`) };
  const ready = readyCondition(f.node);
  if (ready?.status !== 'True') return { done: false, fraction: 0.1, message: say(`node ${f.nodeName} is not Ready yet (${ready?.status ?? 'no Ready condition'})`, `节点 ${f.nodeName} 尚未 Ready（${ready?.status ?? '没有 Ready 条件'}）`) };
  const beat = secondsOf(ready.lastHeartbeatTime) ?? secondsOf(ready.lastTransitionTime);
  if (beat === null || beat < f.since) {
    return { done: false, fraction: 0.2, message: say(`node ${f.nodeName}: its Ready status predates the restart; waiting for the kubelet to report again`, `节点 ${f.nodeName}：它的 Ready 状态早于这次重启；正在等待 kubelet 重新上报`) };
  }
  const agents = nodeAgents(f.pods);
  const waiting = agents.filter((p) => !readySince(p, f.since));
  const fraction = 0.3 + 0.7 * (agents.length ? (agents.length - waiting.length) / agents.length : 1);
  if (waiting.length > 0) {
    const names = waiting.map(podName).join(', ');
    return {
      done: false,
      fraction,
      message: say(`${agents.length - waiting.length}/${agents.length} node agents on ${f.nodeName} back; waiting for ${names}`, `${f.nodeName} 上的节点代理已恢复 ${agents.length - waiting.length}/${agents.length} 个；正在等待 ${names}`),
    };
  }
  return { done: true, fraction: 1, message: say(`node ${f.nodeName} reported Ready after its restart, and its ${agents.length} node agents are back`, `节点 ${f.nodeName} 重启后已报告 Ready，其 ${agents.length} 个节点代理已恢复`) };
}

export interface DnsFacts {
  deployment: KubeObject | null;
  /** CoreDNS's pods (k8s-app=kube-dns in kube-system). */
  pods: KubeObject[];
  nodes: KubeObject[];
  /** The kube-dns Service's EndpointSlices. */
  slices: KubeObject[];
}

export interface DnsVerdict extends Verdict {
  /** The fresh CoreDNS pods' addresses, each to be asked directly once the API side holds. */
  servers: string[];
}

/**
 * A CoreDNS pod that serves: Ready on a Ready node, and Ready since its node last turned Ready.
 * A pod whose Ready dates from before its node's last recovery is a leftover the kubelet has not
 * rewritten yet. Both timestamps come from the same second-resolution clock, and the kubelet may
 * write them in either order in one sync, hence the slack of a few seconds.
 */
export function freshDnsPod(pod: KubeObject, nodes: KubeObject[]): boolean {
  if (!live(pod) || !isReady(pod) || !podStatus(pod).podIP) return false;
  const node = nodes.find((n) => n.metadata.name === nodeOf(pod));
  if (!node || !isReady(node)) return false;
  const nodeSince = secondsOf(readyCondition(node)?.lastTransitionTime);
  const podSince = secondsOf(readyCondition(pod)?.lastTransitionTime);
  return nodeSince === null || podSince === null || podSince >= nodeSince - 5;
}

/** CoreDNS has recovered as far as the API can tell: Deployment available, fresh pods, and exactly those in kube-dns's endpoints. */
export function dnsRecovery(f: DnsFacts, say: Say): DnsVerdict {
  const none = { servers: [] };
  if (!f.deployment) return { ...none, done: false, fraction: 0, message: say('Deployment kube-system/coredns does not exist', 'Deployment kube-system/coredns 不存在') };
  const want = typeof (f.deployment.spec as { replicas?: number } | undefined)?.replicas === 'number' ? ((f.deployment.spec as { replicas: number }).replicas) : 1;
  if (!deploymentReady(f.deployment)) {
    const have = Number((f.deployment.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0);
    return { ...none, done: false, fraction: 0.2, message: say(`CoreDNS: ${have}/${want} replicas available`, `CoreDNS：${have}/${want} 个副本可用`) };
  }
  const fresh = f.pods.filter((p) => freshDnsPod(p, f.nodes));
  if (fresh.length < want) {
    const stale = f.pods.filter((p) => live(p) && !fresh.includes(p)).map((p) => `${p.metadata.name}${nodeOf(p) ? ` (${nodeOf(p)})` : ''}`);
    return {
      ...none,
      done: false,
      fraction: 0.4 + (0.3 * fresh.length) / Math.max(want, 1),
      message: say(
        `CoreDNS: ${fresh.length}/${want} pods Ready since their node came back${stale.length ? `; waiting for ${stale.join(', ')}` : ''}`,
        `CoreDNS：${fresh.length}/${want} 个 Pod 在其节点恢复后已 Ready${stale.length ? `；正在等待 ${stale.join('、')}` : ''}`,
      ),
    };
  }
  const servers = fresh.map((p) => podStatus(p).podIP ?? '').filter(Boolean).sort();
  const ready = readyAddresses(f.slices);
  const missing = servers.filter((ip) => !ready.includes(ip));
  const extra = ready.filter((ip) => !servers.includes(ip));
  if (missing.length || extra.length) {
    const parts = [
      ...(missing.length ? [say(`not yet listed: ${missing.join(', ')}`, `尚未列入：${missing.join(', ')}`)] : []),
      ...(extra.length ? [say(`still listed: ${extra.join(', ')}`, `仍然列着：${extra.join(', ')}`)] : []),
    ];
    return { ...none, done: false, fraction: 0.8, message: say(`kube-dns endpoints are not current (${parts.join('; ')})`, `kube-dns 的端点尚未更新（${parts.join('；')}）`) };
  }
  return { servers, done: true, fraction: 1, message: say(`CoreDNS: ${servers.length} fresh pods, all ready in kube-dns's endpoints`, `CoreDNS：${servers.length} 个新就绪的 Pod，均已列入 kube-dns 的就绪端点`) };
}
