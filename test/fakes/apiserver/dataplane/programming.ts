// The data plane follows the API a moment later, as on a real node: kube-proxy programs a
// Service's ClusterIP, node ports and external IPs a second or two after it sees them, a CNI a
// NetworkPolicy after it sees it, and a new pod after it starts (kube-router adds the pod to the
// policies' address sets and builds its own filter in its next sync, about a second later). The
// lags are timings.proxyLagMs, policyLagMs and admitLagMs (0 by default: most tests want an
// instant data plane). Each clock starts when the simulation first sees the address, the policy
// or the running pod, and a new address (a re-created Service, a new node port) starts a new one.
// Every question takes the moment it is asked for (`at`, now by default): a probe pod's command
// runs all at once in the fake, and asks for the moments its connections would happen.
import type { SimContext } from '../sim/context.ts';
import type { KObj } from '../util.ts';

/** When the simulation first saw each address, policy and running pod (ms since the epoch). */
const firstSeen = new WeakMap<SimContext, Map<string, number>>();

function since(ctx: SimContext, key: string): number {
  let seen = firstSeen.get(ctx);
  if (!seen) {
    seen = new Map();
    firstSeen.set(ctx, seen);
  }
  let t = seen.get(key);
  if (t === undefined) {
    t = Date.now();
    seen.set(key, t);
  }
  return t;
}

function done(ctx: SimContext, key: string, lagMs: number, at: number): boolean {
  return lagMs <= 0 || since(ctx, key) + lagMs <= at;
}

/** One key per address kube-proxy programs for a Service. */
function serviceAddresses(svc: KObj): string[] {
  const uid = svc.metadata.uid ?? svc.metadata.name;
  const keys: string[] = [];
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') keys.push(`proxy:${uid}:cluster:${ip}`);
  for (const p of svc.spec?.ports ?? []) if (p.nodePort) keys.push(`proxy:${uid}:node:${p.nodePort}`);
  for (const i of svc.status?.loadBalancer?.ingress ?? []) if (i.ip) keys.push(`proxy:${uid}:lb:${i.ip}`);
  return keys;
}

/** Starts the clocks (called on every simulation pass; cheap once they run). */
export function reconcileProgramming(ctx: SimContext): void {
  for (const svc of ctx.store.list('v1', 'Service')) for (const key of serviceAddresses(svc)) since(ctx, key);
  for (const np of ctx.store.list('networking.k8s.io/v1', 'NetworkPolicy')) since(ctx, policyKey(np));
  for (const pod of ctx.store.list('v1', 'Pod')) if (pod.status?.phase === 'Running' && pod.status?.podIP) since(ctx, podKey(pod));
}

function policyKey(np: KObj): string {
  return `policy:${np.metadata.uid ?? `${np.metadata.namespace}/${np.metadata.name}`}`;
}

function podKey(pod: KObj): string {
  return `pod:${pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`}`;
}

/** kube-proxy has programmed this address of the Service (by `at`). */
export function proxied(ctx: SimContext, svc: KObj, kind: 'cluster' | 'node' | 'lb', value: string | number, at = Date.now()): boolean {
  return done(ctx, `proxy:${svc.metadata.uid ?? svc.metadata.name}:${kind}:${value}`, ctx.timings().proxyLagMs, at);
}

/** The CNI enforces this policy (by `at`). */
export function policyProgrammed(ctx: SimContext, np: KObj, at = Date.now()): boolean {
  return done(ctx, policyKey(np), ctx.timings().policyLagMs, at);
}

/** The CNI has taken in this pod (by `at`): it is in the policies' peer sets, and its own policies apply to it. */
export function podAdmitted(ctx: SimContext, pod: KObj, at = Date.now()): boolean {
  return pod.spec?.hostNetwork === true || done(ctx, podKey(pod), ctx.timings().admitLagMs, at);
}

/** How the CNI stops what a policy denies (see DataPlaneScenario.policyBlock). */
export function policyBlock(ctx: SimContext): 'drop' | 'reject' {
  const forced = ctx.scenario().dataPlane?.policyBlock;
  if (forced) return forced;
  return ctx.store.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system') ? 'reject' : 'drop';
}
