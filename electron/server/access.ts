// Who may talk to `kindlab serve`, decided from the request's headers alone. Pure.
//
// The habit this must fit: learners run kindlab on a headless server and reach it through
// `ssh -L 8080:localhost:PORT server`, so the browser says `Host: localhost:8080`, a port the
// server never listened on. Like Jupyter and VS Code's server, the rule is about names, not ports:
//
//   - the Host header must name this machine as the browser reached it: a loopback name or
//     address (localhost, 127.0.0.0/8, ::1), or the address given with --host (for 0.0.0.0 or ::,
//     any address of this machine's interfaces). Any other name is refused: a page on an
//     attacker's domain that rebinds its DNS to 127.0.0.1 still says its own name in Host.
//   - a WebSocket's Origin must be the very page the browser is showing: the same host and port
//     as its Host header, over http or https. A browser always sends Origin on a WebSocket; one
//     without it, or from any other page, is refused (cross-site WebSocket hijacking).
//
// The token and the cookie (serve.ts) come on top: these checks keep strangers' pages out even
// before that.
import ipaddr from 'ipaddr.js';

export interface AccessConfig {
  /** The --host address the server listens on. */
  listenHost: string;
  /** This machine's interface addresses: the names accepted when listening on 0.0.0.0 or ::. */
  interfaceAddresses?: readonly string[];
}

/** An IP address in one canonical spelling, or null when the text is not an address. */
function canonicalIp(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.toNormalizedString();
}

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const ip = canonicalIp(hostname);
  return ip !== null && ipaddr.parse(ip).range() === 'loopback';
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** `Host: name[:port]` taken apart, or null when it is not a plain host (no user, path or junk). */
export function parseHost(header: string | undefined): { hostname: string; host: string } | null {
  if (!header || header.length > 300 || /[\s/?#@\\]/.test(header)) return null;
  try {
    const u = new URL(`http://${header}`);
    return { hostname: u.hostname.toLowerCase(), host: u.host.toLowerCase() };
  } catch {
    return null;
  }
}

/** The Host header names this machine as loopback or as the --host address. */
export function hostAllowed(header: string | undefined, cfg: AccessConfig): boolean {
  const h = parseHost(header);
  if (!h) return false;
  if (isLoopback(h.hostname)) return true;
  const asIp = canonicalIp(h.hostname) ?? h.hostname;
  const listen = cfg.listenHost.toLowerCase();
  if (WILDCARDS.has(listen)) return (cfg.interfaceAddresses ?? []).some((a) => canonicalIp(a) === asIp);
  return (canonicalIp(listen) ?? listen) === asIp;
}

/** The Origin is the page the browser shows: the same host and port as an allowed Host header. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, cfg: AccessConfig): boolean {
  if (!origin || !hostAllowed(hostHeader, cfg)) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if ((o.protocol !== 'http:' && o.protocol !== 'https:') || o.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  // The Host header read with the Origin's scheme, so that default ports compare alike.
  const h = parseHost(hostHeader);
  if (!h) return false;
  return new URL(`${o.protocol}//${h.host}`).host === o.host;
}
