// The data plane follows the API a moment later, as on a real node: kube-proxy programs a
// Service's ClusterIP, node ports and external IPs a second or two after it sees them, and a CNI
// a NetworkPolicy after it sees it. The lags are timings.proxyLagMs and timings.policyLagMs (0 by
// default: most tests want an instant data plane); each clock starts at the first simulation pass
// that sees the address or the policy, and a new address (a re-created Service, a new node
// port) starts a new one. Not modelled: kube-router adding a new pod to a policy's address sets.
import type { SimContext } from '../sim/context.ts';
import type { KObj } from '../util.ts';

/** One key per address kube-proxy programs for a Service. */
export function serviceAddresses(svc: KObj): string[] {
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
  const { proxyLagMs, policyLagMs } = ctx.timings();
  for (const svc of ctx.store.list('v1', 'Service')) for (const key of serviceAddresses(svc)) ctx.after(key, proxyLagMs);
  for (const np of ctx.store.list('networking.k8s.io/v1', 'NetworkPolicy')) ctx.after(policyKey(np), policyLagMs);
}

function policyKey(np: KObj): string {
  return `policy:${np.metadata.uid ?? `${np.metadata.namespace}/${np.metadata.name}`}`;
}

/** kube-proxy has programmed this address of the Service. */
export function proxied(ctx: SimContext, svc: KObj, kind: 'cluster' | 'node' | 'lb', value: string | number): boolean {
  return ctx.after(`proxy:${svc.metadata.uid ?? svc.metadata.name}:${kind}:${value}`, ctx.timings().proxyLagMs);
}

/** The CNI enforces this policy by now. */
export function policyProgrammed(ctx: SimContext, np: KObj): boolean {
  return ctx.after(policyKey(np), ctx.timings().policyLagMs);
}

/** How the CNI stops what a policy denies (see DataPlaneScenario.policyBlock). */
export function policyBlock(ctx: SimContext): 'drop' | 'reject' {
  const forced = ctx.scenario().dataPlane?.policyBlock;
  if (forced) return forced;
  return ctx.store.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system') ? 'reject' : 'drop';
}

