// Whether an address lies in a MetalLB address entry: "a.b.c.d-e.f.g.h", a CIDR, or one
// address. Pure; IPv4 and IPv6 both, because IPAddressPools accept either.
import ipaddr from 'ipaddr.js';

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((n, b) => n * 256n + BigInt(b), 0n);
}

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(text.trim());
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return null;
  }
}

export function inAddressRange(ip: string, range: string): boolean {
  const addr = parse(ip);
  if (!addr) return false;
  const r = range.trim();
  if (r.includes('/')) {
    try {
      const [net, bits] = ipaddr.parseCIDR(r);
      return net.kind() === addr.kind() && addr.match([net, bits]);
    } catch {
      return false;
    }
  }
  const [lowText, highText] = r.includes('-') ? r.split('-') : [r, r];
  const low = parse(lowText ?? '');
  const high = parse(highText ?? '');
  if (!low || !high || low.kind() !== addr.kind() || high.kind() !== addr.kind()) return false;
  const n = toBigInt(addr);
  return n >= toBigInt(low) && n <= toBigInt(high);
}

/** MetalLB's avoidBuggyIPs skips .0 and .255, which some old network stacks mistake for broadcast. */
export function isBuggyIPv4(ip: string): boolean {
  return /\.(0|255)$/.test(ip.trim());
}
