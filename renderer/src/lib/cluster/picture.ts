// What the cluster picture draws, from cluster:status: the nodes (or the planned ones before
// the cluster exists) and each MetalLB pool as an address range. Pure.
import type { AddressPool, ClusterStatus, NodeInfo } from '../api/contract.ts';

export interface PictureNode {
  name: string;
  role: NodeInfo['role'];
  /** null: not built yet, or the API does not answer. */
  ready: boolean | null;
  ip: string | null;
}

export function pictureNodes(status: ClusterStatus | null, fallbackName = 'cluster01'): PictureNode[] {
  const name = status?.name ?? fallbackName;
  const live = status?.exists && status.apiReachable ? status.nodes : [];
  if (live.length > 0) {
    const workersFirst = [...live].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'worker' ? -1 : 1));
    return workersFirst.map((n) => ({ name: n.name, role: n.role, ready: n.ready, ip: n.internalIP }));
  }
  return [
    { name: `${name}-worker`, role: 'worker', ready: null, ip: null },
    { name: `${name}-control-plane`, role: 'control-plane', ready: null, ip: null },
  ];
}

function ipv4ToNumber(ip: string): number | null {
  const parts = ip.trim().split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface PoolRange {
  name: string;
  first: string;
  last: string;
  /** Addresses in the pool, when every entry is an IPv4 range or CIDR. */
  count: number | null;
  /** "172.18.200.100 – .125": the end keeps only what differs from the start. */
  label: string;
  start: number | null;
}

/** One entry of a pool: "a.b.c.d-e.f.g.h", "a.b.c.d/nn" or a single address. */
function entryBounds(entry: string): [number, number] | null {
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry.trim());
  if (cidr) {
    const base = ipv4ToNumber(cidr[1] ?? '');
    const bits = Number(cidr[2]);
    if (base === null || bits > 32) return null;
    const size = 2 ** (32 - bits);
    const start = base - (base % size);
    return [start, start + size - 1];
  }
  const [a, b] = entry.split('-').map((s) => s.trim());
  const first = ipv4ToNumber(a ?? '');
  const last = b === undefined ? first : ipv4ToNumber(b);
  return first === null || last === null || last < first ? null : [first, last];
}

function shortEnd(first: string, last: string): string {
  const f = first.split('.');
  const l = last.split('.');
  let i = 0;
  while (i < 3 && f[i] === l[i]) i++;
  return i === 0 ? last : `.${l.slice(i).join('.')}`;
}

export function poolRange(pool: AddressPool): PoolRange {
  const bounds = pool.addresses.map(entryBounds);
  if (bounds.length === 0 || bounds.some((b) => b === null)) {
    const text = pool.addresses.join(', ');
    return { name: pool.name, first: pool.addresses[0] ?? '', last: pool.addresses[pool.addresses.length - 1] ?? '', count: null, label: text, start: null };
  }
  const ok = bounds as [number, number][];
  const start = Math.min(...ok.map((b) => b[0]));
  const end = Math.max(...ok.map((b) => b[1]));
  const first = numberToIpv4(start);
  const last = numberToIpv4(end);
  const count = ok.reduce((sum, [a, b]) => sum + (b - a + 1), 0);
  return { name: pool.name, first, last, count, label: first === last ? first : `${first} – ${shortEnd(first, last)}`, start };
}

/** Nodes and pools in address order, for the address line across the kind network. */
export function addressLine(nodes: readonly PictureNode[], pools: readonly PoolRange[]): ({ kind: 'node'; node: PictureNode } | { kind: 'pool'; pool: PoolRange })[] {
  const items = [
    ...nodes.filter((n) => n.ip).map((node) => ({ kind: 'node' as const, node, at: ipv4ToNumber(node.ip ?? '') ?? 0 })),
    ...pools.map((pool) => ({ kind: 'pool' as const, pool, at: pool.start ?? Number.MAX_SAFE_INTEGER })),
  ];
  return items.sort((a, b) => a.at - b.at).map(({ at: _, ...item }) => item);
}
