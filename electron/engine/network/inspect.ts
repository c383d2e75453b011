// Reads the IPv4 facts of the `kind` network out of `docker network inspect kind` or
// `podman network inspect kind` (netavark or the older CNI backend). The three shapes differ,
// the IPv6 entry may come first, and MetalLB rejects an IPv6 pool, so this picks IPv4 only.
import ipaddr from 'ipaddr.js';
import { KindlabError } from '../errors.ts';

export interface NetworkFacts {
  /** IPv4 CIDR of the network, as the engine reports it. */
  subnet: string;
  gateway: string | null;
  /** IPv4 addresses of the containers already on the network. */
  used: string[];
  source: 'docker' | 'podman' | 'podman-cni';
}

type Json = Record<string, unknown>;

const HINT =
  'Save the network description with `docker network inspect kind > kind.json` (or `podman network inspect kind > kind.json`) and pass that file. The network exists once a kind cluster has been created.';

function badInput(message: string): KindlabError {
  return new KindlabError({ code: 'bad-input', message, hint: HINT });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** "172.18.0.0/16" → itself; IPv6 or junk → null. */
function ipv4Cidr(v: unknown): string | null {
  return typeof v === 'string' && ipaddr.IPv4.isValidCIDRFourPartDecimal(v) ? v : null;
}

/** "172.18.0.2/16" or "172.18.0.2" → "172.18.0.2"; IPv6 or junk → null. */
function ipv4Address(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const bare = v.split('/')[0] ?? '';
  return ipaddr.IPv4.isValidFourPartDecimal(bare) ? bare : null;
}

interface SubnetEntry {
  subnet: string;
  gateway: string | null;
}

function firstIpv4(entries: unknown[], subnetKey: string, gatewayKey: string): SubnetEntry | null {
  for (const e of entries) {
    if (!isObject(e)) continue;
    const subnet = ipv4Cidr(e[subnetKey]);
    if (subnet) return { subnet, gateway: ipv4Address(e[gatewayKey]) };
  }
  return null;
}

function fromDocker(net: Json): { entry: SubnetEntry | null; used: string[] } {
  const ipam = isObject(net.IPAM) ? net.IPAM : {};
  const containers = isObject(net.Containers) ? Object.values(net.Containers) : [];
  const used = containers.map((c) => (isObject(c) ? ipv4Address(c.IPv4Address) : null));
  return { entry: firstIpv4(asArray(ipam.Config), 'Subnet', 'Gateway'), used: used.filter((a): a is string => a !== null) };
}

function fromNetavark(net: Json): { entry: SubnetEntry | null; used: string[] } {
  const used: string[] = [];
  for (const c of isObject(net.containers) ? Object.values(net.containers) : []) {
    const interfaces = isObject(c) && isObject(c.interfaces) ? Object.values(c.interfaces) : [];
    for (const iface of interfaces) {
      for (const s of isObject(iface) ? asArray(iface.subnets) : []) {
        const a = isObject(s) ? ipv4Address(s.ipnet) : null;
        if (a) used.push(a);
      }
    }
  }
  return { entry: firstIpv4(asArray(net.subnets), 'subnet', 'gateway'), used };
}

function fromCni(net: Json): { entry: SubnetEntry | null; used: string[] } {
  // CNI config lists no containers; the host-local IPAM keeps its leases elsewhere.
  const bridge = asArray(net.plugins).find((p) => isObject(p) && p.type === 'bridge');
  const ipam = isObject(bridge) && isObject(bridge.ipam) ? bridge.ipam : {};
  // `ranges` is a list of range sets, one set per address family.
  const ranges = asArray(ipam.ranges).flatMap((set) => asArray(set));
  return { entry: firstIpv4(ranges, 'subnet', 'gateway'), used: [] };
}

function pickNetwork(parsed: unknown): Json {
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const nets = list.filter(isObject);
  if (nets.length === 0) throw badInput('the input holds no network description (an empty list means the network does not exist yet)');
  return nets.find((n) => n.Name === 'kind' || n.name === 'kind') ?? (nets[0] as Json);
}

export function parseNetworkInspect(text: string): NetworkFacts {
  let parsed: unknown;
  try {
    // PowerShell redirects write a byte-order mark in front.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // JSON.parse quotes the offending text, newlines included: keep the message on one line.
    const why = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
    throw badInput(`the input is not JSON (${why})`);
  }
  const net = pickNetwork(parsed);
  let source: NetworkFacts['source'];
  let found: { entry: SubnetEntry | null; used: string[] };
  if ('IPAM' in net) {
    source = 'docker';
    found = fromDocker(net);
  } else if ('subnets' in net) {
    source = 'podman';
    found = fromNetavark(net);
  } else if ('plugins' in net) {
    source = 'podman-cni';
    found = fromCni(net);
  } else {
    throw badInput('the input does not look like `docker network inspect` or `podman network inspect` output');
  }
  if (!found.entry) throw badInput('no IPv4 subnet found in the network inspect output');
  return { subnet: found.entry.subnet, gateway: found.entry.gateway, used: [...new Set(found.used)], source };
}
