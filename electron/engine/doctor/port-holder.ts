// Who really holds a host port: a container (Docker publishes 80/443 for it, through docker-proxy
// or iptables alone, so the process table may name only docker-proxy, or nothing), or some other
// process. An existing cluster does not prove that its own node holds the ports: it may be stopped
// while something else took them, or another kind cluster may have them. So the doctor asks
// Docker which running container publishes the port, and only then falls back to the process.
// Pure, but for the one `docker ps` the facts run.
import type { KindNodeContainer } from './parse.ts';
import { type PortOwner, type PortState, listenerConflicts } from './port-owner.ts';

/** One host port a running container publishes. */
export interface PublishedPort {
  container: string;
  /** The kind cluster whose node this container is (label io.x-k8s.kind.cluster), or null. */
  cluster: string | null;
  address: string;
  hostPort: number;
}

function labelsOf(v: unknown): Record<string, string> {
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  const out: Record<string, string> = {};
  for (const pair of String(v ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Docker's "127.0.0.1:80->80/tcp, [::]:443->443/tcp, 0.0.0.0:8000-8001->8000-8001/tcp, 5000/tcp". */
function dockerPorts(text: string): { address: string; hostPort: number }[] {
  const out: { address: string; hostPort: number }[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    const m = /^(.*):(\d+)(?:-(\d+))?->\d+(?:-\d+)?\/tcp$/.exec(entry);
    if (!m) continue; // exposed only, or not TCP
    const first = Number(m[2]);
    const last = Math.min(Number(m[3] ?? m[2]), first + 1024);
    for (let p = first; p <= last; p++) out.push({ address: (m[1] ?? '').replace(/^\[|\]$/g, '') || '0.0.0.0', hostPort: p });
  }
  return out;
}

/** Podman's JSON: [{ host_ip, host_port, range, protocol }]. */
function podmanPorts(list: unknown[]): { address: string; hostPort: number }[] {
  const out: { address: string; hostPort: number }[] = [];
  for (const p of list as { host_ip?: string; host_port?: number; range?: number; protocol?: string }[]) {
    if (!p?.host_port || (p.protocol ?? 'tcp') !== 'tcp') continue;
    for (let i = 0; i < Math.min(p.range ?? 1, 1024); i++) out.push({ address: p.host_ip || '0.0.0.0', hostPort: p.host_port + i });
  }
  return out;
}

/** `docker ps --format {{json .}}` (one object a line), or Podman's one JSON array. */
export function parsePublishedPorts(stdout: string): PublishedPort[] {
  const text = stdout.trim();
  let rows: unknown[];
  try {
    rows = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(/\r?\n/).filter(Boolean).map((l) => JSON.parse(l) as unknown);
  } catch {
    return [];
  }
  const out: PublishedPort[] = [];
  for (const row of rows as { Names?: unknown; Labels?: unknown; Ports?: unknown }[]) {
    if (!row || typeof row !== 'object') continue;
    const names = Array.isArray(row.Names) ? row.Names.map(String) : String(row.Names ?? '').split(',');
    const cluster = labelsOf(row.Labels)['io.x-k8s.kind.cluster'] ?? null;
    const ports = Array.isArray(row.Ports) ? podmanPorts(row.Ports) : dockerPorts(String(row.Ports ?? ''));
    for (const p of ports) out.push({ container: names[0] ?? '', cluster, ...p });
  }
  return out;
}

export type PortHolder =
  | { kind: 'free' }
  /** A node container of the cluster the doctor checks for: the ports are where they belong. */
  | { kind: 'own-node'; container: string }
  /** Another container: another kind cluster's node (cluster set) or anything else. */
  | { kind: 'container'; container: string; cluster: string | null }
  | { kind: 'process'; owner: PortOwner }
  /** Neither Docker nor the system would say. */
  | { kind: 'unknown' };

/**
 * The holder of host port `port` for a bind on `bind`: a running container that publishes it
 * wins (Docker would refuse the same port to kind just the same), else what the system says.
 */
export function portHolder(port: number, bind: string, state: PortState, published: PublishedPort[] | null, clusterName: string): PortHolder {
  const hit = (published ?? []).find((p) => p.hostPort === port && listenerConflicts(p.address, bind));
  if (hit) return hit.cluster === clusterName ? { kind: 'own-node', container: hit.container } : { kind: 'container', container: hit.container, cluster: hit.cluster };
  if (state === 'free') return { kind: 'free' };
  if (state === null) return { kind: 'unknown' };
  return { kind: 'process', owner: state };
}

/** The cluster's node containers that exist but are not running (they hold no port then). */
export function stoppedNodes(nodes: KindNodeContainer[] | null, clusterName: string): string[] {
  return (nodes ?? []).filter((n) => n.cluster === clusterName && n.state !== 'running').map((n) => n.name);
}
