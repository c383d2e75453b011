// MetalLB's controller (layer 2): LoadBalancer Services get an address from an IPAddressPool,
// following the pool's autoAssign, avoidBuggyIPs and serviceAllocation, and the Service's
// annotations. Failures stay pending with an AllocationFailed event, as in metallb 0.16.
import { type Json, type KObj, intToIp, ipToInt, matchesSelectorObj, cidrRange } from '../util.ts';
import { type SimContext, isReady } from './context.ts';

const NS = 'metallb-system';
const POOL = 'metallb.io/v1beta1';

interface Pool {
  name: string;
  ranges: [number, number][];
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
  allocation: Json | undefined;
}

function parsePool(p: KObj): Pool {
  const ranges: [number, number][] = [];
  for (const entry of p.spec?.addresses ?? []) {
    const e = String(entry).trim();
    if (e.includes(':')) continue; // IPv6: not simulated
    if (e.includes('-')) {
      const [a, b] = e.split('-').map((x) => ipToInt(x.trim()));
      if (a !== null && a !== undefined && b !== null && b !== undefined) ranges.push([a, b]);
    } else {
      const r = cidrRange(e);
      if (r) ranges.push(r);
    }
  }
  return { name: p.metadata.name, ranges, autoAssign: p.spec?.autoAssign !== false, avoidBuggyIPs: !!p.spec?.avoidBuggyIPs, allocation: p.spec?.serviceAllocation };
}

const buggy = (n: number) => (n & 255) === 0 || (n & 255) === 255;

function contains(pool: Pool, ip: number): boolean {
  if (pool.avoidBuggyIPs && buggy(ip)) return false;
  return pool.ranges.some(([a, b]) => ip >= a && ip <= b);
}

function annotation(svc: KObj, key: string): string | undefined {
  const a = svc.metadata.annotations ?? {};
  return a[`metallb.io/${key}`] ?? a[`metallb.universe.tf/${key}`];
}

function compatible(ctx: SimContext, pool: Pool, svc: KObj): boolean {
  const sa = pool.allocation;
  if (!sa) return true;
  const ns = svc.metadata.namespace ?? '';
  const nsLabels = ctx.store.get('v1', 'Namespace', ns)?.metadata.labels;
  const byNs = (sa.namespaces ?? []).length > 0 || (sa.namespaceSelectors ?? []).length > 0;
  if (byNs && !(sa.namespaces ?? []).includes(ns) && !(sa.namespaceSelectors ?? []).some((s: Json) => matchesSelectorObj(s, nsLabels))) return false;
  if ((sa.serviceSelectors ?? []).length > 0 && !(sa.serviceSelectors ?? []).some((s: Json) => matchesSelectorObj(s, svc.metadata.labels))) return false;
  return true;
}

/** The pools tied to the Service by serviceAllocation, highest priority (lowest number, 0 = last) first. */
function pinned(ctx: SimContext, pools: Pool[], svc: KObj): Pool[] {
  const prio = (p: Pool) => Number(p.allocation?.priority ?? 0) || Number.MAX_SAFE_INTEGER;
  return pools.filter((p) => p.allocation && p.autoAssign && compatible(ctx, p, svc)).sort((a, b) => prio(a) - prio(b));
}

function metallbReady(ctx: SimContext): boolean {
  const ctl = ctx.store.get('apps/v1', 'Deployment', 'controller', NS);
  return (ctl?.status?.availableReplicas ?? 0) >= 1;
}

/** A node whose speaker is ready announces the address (layer 2). */
export function announcingNode(ctx: SimContext): string | null {
  const speaker = ctx.store.list('v1', 'Pod', NS).filter((p) => p.metadata.labels?.component === 'speaker' && isReady(p));
  const names = speaker.map((p) => String(p.spec?.nodeName)).filter((n) => !ctx.nodesDown.has(n));
  const workers = names.filter((n) => !ctx.store.get('v1', 'Node', n)?.metadata.labels?.['node.kubernetes.io/exclude-from-external-load-balancers']);
  return workers.sort()[0] ?? null;
}

function key(svc: KObj): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

export function reconcileMetallb(ctx: SimContext): void {
  if (!ctx.store.type(POOL, 'IPAddressPool')) return;
  const services = ctx.store.list('v1', 'Service');
  const pools = ctx.store
    .list(POOL, 'IPAddressPool', NS)
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map(parsePool);
  const active = metallbReady(ctx) && ctx.store.list(POOL, 'L2Advertisement', NS).length > 0;
  const used = new Map<number, string>();
  const current = (svc: KObj): string | undefined => svc.status?.loadBalancer?.ingress?.[0]?.ip;
  for (const svc of services) {
    const ip = current(svc);
    if (ip && svc.spec?.type === 'LoadBalancer') used.set(ipToInt(ip) ?? -1, key(svc));
  }
  for (const svc of services) {
    const ns = svc.metadata.namespace;
    const isLB = svc.spec?.type === 'LoadBalancer' && !svc.spec?.loadBalancerClass;
    const have = current(svc);
    if (!isLB) {
      if (svc.metadata.annotations?.['metallb.io/ip-allocated-from-pool'] || (have && svc.spec?.type !== 'LoadBalancer')) {
        ctx.store.update('v1', 'Service', svc.metadata.name, ns, (s) => {
          delete s.metadata.annotations?.['metallb.io/ip-allocated-from-pool'];
          if (svc.spec?.type !== 'LoadBalancer') s.status = { loadBalancer: {} };
        });
      }
      continue;
    }
    if (!active) continue;
    const wantPool = annotation(svc, 'address-pool');
    const wantIPs = (annotation(svc, 'loadBalancerIPs') ?? svc.spec?.loadBalancerIP ?? '')
      .split(',')
      .map((s: string) => s.trim())
      .filter((s: string) => s && !s.includes(':'));
    // Keep a valid assignment.
    if (have) {
      const n = ipToInt(have) ?? -1;
      const pool = pools.find((p) => contains(p, n));
      const stillWanted = pool && (!wantPool || pool.name === wantPool) && (wantIPs.length === 0 || wantIPs.includes(have));
      if (stillWanted) {
        setAllocated(ctx, svc, have, pool.name);
        continue;
      }
      used.delete(n);
    }
    const result = allocate(ctx, pools, svc, wantPool, wantIPs, used);
    if (typeof result === 'string') {
      if (have) {
        ctx.store.update('v1', 'Service', svc.metadata.name, ns, (s) => {
          s.status = { loadBalancer: {} };
          delete s.metadata.annotations?.['metallb.io/ip-allocated-from-pool'];
        });
      }
      const msg = `Failed to allocate IP for "${key(svc)}": ${result}`;
      if (ctx.once(`alloc-failed:${svc.metadata.uid}:${msg}`)) ctx.event(svc, 'Warning', 'AllocationFailed', msg, 'metallb-controller');
      continue;
    }
    used.set(ipToInt(result.ip) ?? -1, key(svc));
    setAllocated(ctx, svc, result.ip, result.pool);
    ctx.event(svc, 'Normal', 'IPAllocated', `Assigned IP ["${result.ip}"]`, 'metallb-controller');
  }
  // The speaker announces what is allocated.
  const node = announcingNode(ctx);
  if (node) {
    for (const svc of ctx.store.list('v1', 'Service')) {
      const ip = current(svc);
      if (svc.spec?.type === 'LoadBalancer' && ip && ctx.once(`announce:${svc.metadata.uid}:${ip}`)) {
        ctx.event(svc, 'Normal', 'nodeAssigned', `announcing from node "${node}" with protocol "layer2"`, 'metallb-speaker');
      }
    }
  }
}

function setAllocated(ctx: SimContext, svc: KObj, ip: string, pool: string): void {
  if (svc.metadata.annotations?.['metallb.io/ip-allocated-from-pool'] === pool && svc.status?.loadBalancer?.ingress?.[0]?.ip === ip && svc.status.loadBalancer.ingress.length === 1) return;
  ctx.store.update('v1', 'Service', svc.metadata.name, svc.metadata.namespace, (s) => {
    s.metadata.annotations = { ...(s.metadata.annotations ?? {}), 'metallb.io/ip-allocated-from-pool': pool };
    s.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
  });
}

function freeIn(pool: Pool, used: Map<number, string>, self: string): number | null {
  for (const [a, b] of pool.ranges) {
    for (let n = a; n <= b; n++) {
      if (pool.avoidBuggyIPs && buggy(n)) continue;
      const owner = used.get(n);
      if (!owner || owner === self) return n;
    }
  }
  return null;
}

function allocate(ctx: SimContext, pools: Pool[], svc: KObj, wantPool: string | undefined, wantIPs: string[], used: Map<number, string>): { ip: string; pool: string } | string {
  const self = key(svc);
  if (wantIPs.length) {
    const ip = wantIPs[0] ?? '';
    const n = ipToInt(ip) ?? -1;
    const pool = pools.find((p) => contains(p, n));
    if (!pool) return `[${JSON.stringify(ip)}] is not allowed in config`;
    if (wantPool && wantPool !== pool.name) return `requested loadBalancerIP ${ip} does not belong to the requested pool ${wantPool}`;
    if (!compatible(ctx, pool, svc)) return `pool ${pool.name} not compatible for ip assignment`;
    const owner = used.get(n);
    if (owner && owner !== self) {
      const sharing = svc.metadata.annotations?.['metallb.io/allow-shared-ip'];
      const other = ctx.store.get('v1', 'Service', owner.split('/')[1] ?? '', owner.split('/')[0]);
      if (!sharing || sharing !== other?.metadata.annotations?.['metallb.io/allow-shared-ip']) {
        return `can't change sharing key for "${self}", address also in use by ${owner}`;
      }
    }
    return { ip, pool: pool.name };
  }
  if (wantPool) {
    const pool = pools.find((p) => p.name === wantPool);
    if (!pool) return `unknown pool "${wantPool}"`;
    // Like MetalLB's allocator: an explicit request for a pool scoped to other namespaces fails.
    if (!compatible(ctx, pool, svc)) return `pool ${pool.name} not compatible for ip assignment`;
    const n = freeIn(pool, used, self);
    return n === null ? 'no available IPs' : { ip: intToIp(n), pool: pool.name };
  }
  for (const group of [pinned(ctx, pools, svc), pools.filter((p) => p.autoAssign && !p.allocation)]) {
    for (const pool of group) {
      const n = freeIn(pool, used, self);
      if (n !== null) return { ip: intToIp(n), pool: pool.name };
    }
  }
  return 'no available IPs';
}
