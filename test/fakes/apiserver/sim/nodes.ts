// Nodes: their readiness (NotReady until a CNI — Calico or kube-router — runs on them, Unknown
// while the node container is stopped), their taints, and the scheduling predicates shared by the
// scheduler and DaemonSets.
import type { Json, KObj } from '../util.ts';
import { type SimContext, conditions, isReady } from './context.ts';

export const NOT_READY_MSG =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

export function nodes(ctx: SimContext): KObj[] {
  return ctx.store.list('v1', 'Node').sort((a, b) => nodeIndex(a) - nodeIndex(b));
}

/** The third octet of the node's pod CIDR (10.240.<i>.0/24). */
export function nodeIndex(node: KObj): number {
  return Number(String(node.spec?.podCIDR ?? '').split('.')[2] ?? 0);
}

export function nodeIP(node: KObj | undefined): string {
  return (node?.status?.addresses ?? []).find((a: Json) => a.type === 'InternalIP')?.address ?? '';
}

/** Which CNI gives the node its network: Calico's node agent, or kube-router's pod (see cniReady). */
export type NodeCni = 'calico' | 'kube-router';

/**
 * The CNI whose agent runs Ready on the node and has written its config there: calico-node at
 * once; a kube-router pod (DaemonSet kube-router in kube-system, label k8s-app=kube-router) once
 * its init container's CNI config is in place, `cniConfigMs` after the pod runs. Null: no network.
 */
function nodeCni(ctx: SimContext, nodeName: string): NodeCni | null {
  if (ctx.nodesDown.has(nodeName)) return null;
  const on = (p: KObj) => p.spec?.nodeName === nodeName && isReady(p);
  if (ctx.store.list('v1', 'Pod', 'calico-system').some((p) => p.metadata.labels?.['k8s-app'] === 'calico-node' && on(p))) return 'calico';
  const router = ctx.store.list('v1', 'Pod', 'kube-system').find((p) => p.metadata.labels?.['k8s-app'] === 'kube-router' && on(p));
  if (router && ctx.after(`kube-router-cni:${router.metadata.uid}`, ctx.timings().cniConfigMs)) return 'kube-router';
  return null;
}

/** Whether pod networking works on the node: a CNI's agent runs there and is Ready. */
export function cniReady(ctx: SimContext, nodeName: string): boolean {
  return nodeCni(ctx, nodeName) !== null;
}

function tolerates(tolerations: Json[] | undefined, taint: Json): boolean {
  return (tolerations ?? []).some((t: Json) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function exprMatches(e: Json, value: string | undefined): boolean {
  const vals: string[] = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

function affinityMatches(spec: Json, node: KObj): boolean {
  const terms: Json[] | undefined = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some(
    (term) =>
      (term.matchExpressions ?? []).every((e: Json) => exprMatches(e, labels[e.key])) &&
      (term.matchFields ?? []).every((e: Json) => exprMatches(e, e.key === 'metadata.name' ? node.metadata.name : undefined)),
  );
}

/** Why a pod cannot go on a node ("node(s) didn't match …"), or null when it fits. */
export function unfit(ctx: SimContext, spec: Json, node: KObj, ignore: { taints?: boolean; ports?: boolean } = {}): string | null {
  const labels = node.metadata.labels ?? {};
  const selOk = Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v) && affinityMatches(spec, node);
  if (!selOk) return "didn't match Pod's node affinity/selector";
  if (!ignore.taints) {
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (!tolerates(spec.tolerations, taint)) return `had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
    }
  }
  if (!ignore.ports) {
    const wanted = (spec.containers ?? []).flatMap((c: Json) => (c.ports ?? []).filter((p: Json) => p.hostPort).map((p: Json) => `${p.hostPort}/${p.protocol ?? 'TCP'}`));
    if (wanted.length) {
      const used = new Set(
        ctx.store
          .list('v1', 'Pod')
          .filter((p) => p.spec?.nodeName === node.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
          .flatMap((p) => (p.spec?.containers ?? []).flatMap((c: Json) => (c.ports ?? []).filter((x: Json) => x.hostPort).map((x: Json) => `${x.hostPort}/${x.protocol ?? 'TCP'}`))),
      );
      if (wanted.some((w: string) => used.has(w))) return "didn't have free ports for the requested pod ports";
    }
  }
  return null;
}

/** Keeps every Node's Ready condition and taints in line with its container and its CNI. */
export function reconcileNodes(ctx: SimContext): void {
  for (const node of nodes(ctx)) {
    const name = node.metadata.name;
    const down = ctx.nodesDown.has(name);
    const cni = down ? null : nodeCni(ctx, name);
    const ready = cni !== null;
    ctx.store.update('v1', 'Node', name, undefined, (n) => {
      const ownTaints = (n.spec?.taints ?? []).filter((t: Json) => !String(t.key).startsWith('node.kubernetes.io/'));
      const taints = [...ownTaints];
      if (down) {
        taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
      } else if (!ready) taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
      n.spec = { ...n.spec, taints };
      if (taints.length === 0) delete n.spec.taints;
      const ok = (type: string, reason: string, message: string) => ({ type, status: down ? ('Unknown' as const) : ('False' as const), reason: down ? 'NodeStatusUnknown' : reason, message: down ? 'Kubelet stopped posting node status.' : message });
      const conds = [
        ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        down
          ? { type: 'Ready', status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }
          : ready
            ? { type: 'Ready', status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status' }
            : { type: 'Ready', status: 'False' as const, reason: 'KubeletNotReady', message: NOT_READY_MSG },
      ];
      // Calico reports itself in the node's NetworkUnavailable condition; the sim writes none for kube-router.
      const calicoUp = cni === 'calico' ? [{ type: 'NetworkUnavailable', status: 'False' as const, reason: 'CalicoIsUp', message: 'Calico is running on this node' }] : [];
      n.status = { ...n.status, conditions: conditions(n.status?.conditions, [...calicoUp, ...conds], ['lastHeartbeatTime', 'lastTransitionTime']) };
      // Heartbeats would churn resourceVersions; keep them stable.
      for (const c of n.status.conditions) c.lastHeartbeatTime = c.lastTransitionTime;
    });
    if (ready && ctx.once(`node-ready:${node.metadata.uid}`)) ctx.event(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, 'kubelet', name);
  }
}
