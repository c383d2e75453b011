// Where a packet goes in the fake cluster: Service VIPs (ClusterIP, LoadBalancer, NodePort) are
// translated to a ready endpoint the way kube-proxy does (REJECT → "refused" when there is none),
// once kube-proxy has programmed them (programming.ts); pod addresses answer when something
// listens; what a NetworkPolicy denies times out (Calico drops) or is refused (kube-router
// rejects); DNS answers come from Services, pods and nip.io-style names.
import type { ProbeOutcome } from '../../scenario.ts';
import type { SimContext } from '../sim/context.ts';
import { announcingNode } from '../sim/metallb.ts';
import { nodeIP } from '../sim/nodes.ts';
import { type Json, type KObj, ipToInt } from '../util.ts';
import { type Peer, policyAllows } from './netpol.ts';
import { podAdmitted, policyBlock, policyProgrammed, proxied } from './programming.ts';

export interface Source {
  ip: string;
  /** Set for a pod on the pod network (policies apply to it). */
  pod?: KObj;
  /** Pods and nodes are in the cluster; a `docker run --network kind` container is not. */
  inCluster: boolean;
  /** A container on Docker's default bridge: it cannot reach the kind network at all. */
  isolated?: boolean;
  /** Namespace for DNS search paths. */
  namespace?: string;
  /** Forced outcome from the scenario. */
  override?: ProbeOutcome;
  /**
   * When the packet leaves (ms since the epoch; now when absent). A probe pod's command runs all
   * at once in the fake: `nc; sleep 1; nc` asks for its second connection a second later, so the
   * lags of programming.ts count as they would on a real node.
   */
  at?: number;
}

export type Conn =
  | { kind: 'open'; pod: KObj | null; port: number; ip: string }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  /**
   * Nobody on the kind network answers ARP for the address (a LoadBalancer address no speaker
   * announces, a stopped node): the kernel gives up after ARP_GIVE_UP_MS with "No route to host"
   * (curl then exits 7 after about 3 s, worded like a refusal), unless the client's own timeout
   * comes first (seen on the real kind network).
   */
  | { kind: 'unreachable' };

/** How long Linux tries ARP before EHOSTUNREACH (3 probes, 1 s apart; 3.07 s measured on the kind network). */
export const ARP_GIVE_UP_MS = 3070;

export const CLUSTER_DNS = '10.96.0.10';

function running(ctx: SimContext): KObj[] {
  return ctx.store.list('v1', 'Pod').filter((p) => p.status?.phase === 'Running');
}

function podByIP(ctx: SimContext, ip: string): KObj | undefined {
  return running(ctx).find((p) => !p.spec?.hostNetwork && p.status?.podIP === ip);
}

function nodeByIP(ctx: SimContext, ip: string): KObj | undefined {
  return ctx.store.list('v1', 'Node').find((n) => nodeIP(n) === ip);
}

function services(ctx: SimContext): KObj[] {
  return ctx.store.list('v1', 'Service');
}

const IMAGE_PORTS: [RegExp, number[]][] = [
  [/nginx-unprivileged/, [8080]],
  [/ingress-nginx\/controller/, [80, 443, 8443, 10254]],
  [/(^|\/)(nginx|httpd|whoami)(:|@|$)/, [80]],
  [/(^|\/)postgres(ql)?(:|@|$)/, [5432]],
  [/(^|\/)redis(:|@|$)/, [6379]],
  [/(^|\/)(mysql|mariadb)(:|@|$)/, [3306]],
  [/coredns/, [53, 8080, 8181, 9153]],
  [/metallb\/controller/, [7472, 9443]],
  [/metallb\/speaker/, [7472, 7946]],
  [/echoserver/, [8080]],
];

/** The ports a pod's containers listen on: declared containerPorts plus each image's usual ones. */
function listens(pod: KObj, port: number, proto: string): boolean {
  for (const c of pod.spec?.containers ?? []) {
    if ((c.ports ?? []).some((p: Json) => p.containerPort === port && (p.protocol ?? 'TCP') === proto)) return true;
    const image = String(c.image ?? '');
    const args = [...(c.command ?? []), ...(c.args ?? [])].map(String);
    if (/http-echo/.test(image)) {
      const listen = args.find((a) => a.startsWith('-listen=') || a.startsWith('--listen='));
      if (port === Number(listen?.split(':').pop() ?? 5678)) return true;
    }
    if (/agnhost/.test(image) && args.includes('netexec')) {
      const p = args.find((a) => a.startsWith('--http-port='));
      if (port === Number(p?.split('=')[1] ?? 8080)) return true;
    }
    if (IMAGE_PORTS.some(([re, ports]) => re.test(image) && ports.includes(port))) return true;
  }
  return false;
}

const enforcedBy = (ctx: SimContext, at: number | undefined) => (np: KObj) => policyProgrammed(ctx, np, at);
const admittedBy = (ctx: SimContext, at: number | undefined) => (pod: KObj) => podAdmitted(ctx, pod, at);

function egressOk(ctx: SimContext, src: Source, dst: Peer, port: number, proto: string): boolean {
  return !src.pod || policyAllows(ctx.store, 'Egress', src.pod, dst, port, proto, enforcedBy(ctx, src.at), admittedBy(ctx, src.at));
}

/** What the client sees of a connection a policy denies. */
function denied(ctx: SimContext): Conn {
  return policyBlock(ctx) === 'reject' ? { kind: 'refused' } : { kind: 'timeout' };
}

/** Direct connection to a pod on the pod network (after any Service translation). */
export function podConnect(ctx: SimContext, src: Source, pod: KObj, port: number, proto: string): Conn {
  const ip = String(pod.status?.podIP ?? '');
  if (pod.status?.phase !== 'Running' || ctx.nodesDown.has(String(pod.spec?.nodeName))) return { kind: 'timeout' };
  if (!egressOk(ctx, src, { ip, pod }, port, proto)) return denied(ctx);
  if (!pod.spec?.hostNetwork && !policyAllows(ctx.store, 'Ingress', pod, { ip: src.ip, ...(src.pod ? { pod: src.pod } : {}) }, port, proto, enforcedBy(ctx, src.at), admittedBy(ctx, src.at))) return denied(ctx);
  return listens(pod, port, proto) ? { kind: 'open', pod, port, ip } : { kind: 'refused' };
}

/** A ready endpoint for a Service port, round-robin like kube-proxy's random choice but repeatable. */
export function pickEndpoint(ctx: SimContext, svc: KObj, svcPort: Json): { pod: KObj; port: number } | null {
  const ns = svc.metadata.namespace;
  const candidates: { pod: KObj; port: number }[] = [];
  for (const slice of ctx.store.list('discovery.k8s.io/v1', 'EndpointSlice', ns)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
    const sp = (slice.ports ?? []).find((p: Json) => (p.name ?? '') === (svcPort.name ?? '') && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP'));
    if (!sp) continue;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const pod = ep.targetRef?.name ? ctx.store.get('v1', 'Pod', ep.targetRef.name, ns) : undefined;
      if (pod) candidates.push({ pod, port: sp.port });
    }
  }
  if (candidates.length === 0) return null;
  const key = `${ns}/${svc.metadata.name}/${svcPort.name ?? svcPort.port}`;
  const i = ctx.rr.get(key) ?? 0;
  ctx.rr.set(key, i + 1);
  return candidates[i % candidates.length] ?? null;
}

/**
 * What a Service without a ready endpoint does to a connection: kube-proxy REJECTs it, except for
 * a pod's own traffic on kube-router, whose FORWARD rule for packets from kube-bridge ACCEPTs them
 * before kube-proxy's KUBE-SERVICES chain is reached (seen on a real kind node): the packet leaves
 * the node for the default route and nothing answers.
 */
function noEndpoint(ctx: SimContext, src: Source): Conn {
  const kubeRouter = !!ctx.store.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system');
  return kubeRouter && src.pod && !src.pod.spec?.hostNetwork ? { kind: 'timeout' } : { kind: 'refused' };
}

function viaService(ctx: SimContext, src: Source, svc: KObj, svcPort: Json, proto: string, policySource: Source): Conn {
  const ep = pickEndpoint(ctx, svc, svcPort);
  if (!ep) return noEndpoint(ctx, src);
  if (!egressOk(ctx, src, { ip: String(ep.pod.status?.podIP ?? ''), pod: ep.pod }, ep.port, proto)) return denied(ctx);
  return podConnect(ctx, policySource, ep.pod, ep.port, proto);
}

/** Opens a TCP (or UDP) "connection" from `src` to ip:port. */
export function connect(ctx: SimContext, src: Source, ip: string, port: number, proto = 'TCP'): Conn {
  if (src.override === 'open') return { kind: 'open', pod: podByIP(ctx, ip) ?? null, port, ip };
  if (src.override === 'refused') return { kind: 'refused' };
  if (src.override === 'timeout') return { kind: 'timeout' };
  if (src.isolated) return { kind: 'timeout' };
  if (ip === '127.0.0.1' || ip === 'localhost') return { kind: 'refused' };
  const all = services(ctx);

  const byCluster = all.find((s) => s.spec?.clusterIP === ip && ip !== 'None');
  if (byCluster) {
    // Not programmed yet: no node knows the address, the packet goes nowhere.
    if (!src.inCluster || !proxied(ctx, byCluster, 'cluster', ip, src.at)) return { kind: 'timeout' };
    const sp = (byCluster.spec?.ports ?? []).find((p: Json) => p.port === port && (p.protocol ?? 'TCP') === proto);
    if (!sp) return { kind: 'timeout' };
    return viaService(ctx, src, byCluster, sp, proto, src);
  }

  const byLB = all.find((s) => s.spec?.type === 'LoadBalancer' && (s.status?.loadBalancer?.ingress ?? []).some((i: Json) => i.ip === ip));
  if (byLB) {
    const announcer = announcingNode(ctx);
    if (!announcer) return { kind: 'unreachable' };
    // Announced but not programmed yet: the node refuses (what the loadbalancer lab met on a real cluster).
    if (!proxied(ctx, byLB, 'lb', ip, src.at)) return { kind: 'refused' };
    const sp = (byLB.spec?.ports ?? []).find((p: Json) => p.port === port && (p.protocol ?? 'TCP') === proto);
    if (!sp) return { kind: 'refused' };
    const snat = !src.pod && byLB.spec?.externalTrafficPolicy !== 'Local';
    const policySource: Source = snat ? { ip: nodeIP(ctx.store.get('v1', 'Node', announcer)), inCluster: true, ...(src.at !== undefined ? { at: src.at } : {}) } : src;
    return viaService(ctx, src, byLB, sp, proto, policySource);
  }

  const node = nodeByIP(ctx, ip);
  if (node) {
    const name = node.metadata.name;
    if (ctx.nodesDown.has(name)) return { kind: 'unreachable' };
    if (!egressOk(ctx, src, { ip }, port, proto)) return denied(ctx);
    const np = all.find((s) => (s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer') && (s.spec?.ports ?? []).some((p: Json) => p.nodePort === port && (p.protocol ?? 'TCP') === proto));
    // A node port kube-proxy has not programmed yet: nothing listens there, the node refuses.
    if (np && !proxied(ctx, np, 'node', port, src.at)) return { kind: 'refused' };
    if (np) {
      const sp = (np.spec?.ports ?? []).find((p: Json) => p.nodePort === port);
      const policySource: Source = !src.pod && np.spec?.externalTrafficPolicy !== 'Local' ? { ip, inCluster: true, ...(src.at !== undefined ? { at: src.at } : {}) } : src;
      return viaService(ctx, src, np, sp, proto, policySource);
    }
    for (const pod of running(ctx).filter((p) => p.spec?.nodeName === name)) {
      for (const c of pod.spec?.containers ?? []) {
        const hp = (c.ports ?? []).find((p: Json) => p.hostPort === port && (p.protocol ?? 'TCP') === proto);
        if (hp && !pod.spec?.hostNetwork) return podConnect(ctx, src, pod, hp.containerPort, proto);
      }
      if (pod.spec?.hostNetwork && listens(pod, port, proto)) return { kind: 'open', pod, port, ip };
    }
    if (port === 10250 || (port === 6443 && node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)) return { kind: 'open', pod: null, port, ip };
    return { kind: 'refused' };
  }

  const pod = podByIP(ctx, ip);
  if (pod) return podConnect(ctx, src, pod, port, proto);
  if (!egressOk(ctx, src, { ip }, port, proto)) return denied(ctx);
  return { kind: 'timeout' };
}

// ───────────── DNS ─────────────

export type Answer =
  | { kind: 'A'; name: string; ips: string[] }
  | { kind: 'CNAME'; name: string; target: string; ips: string[] }
  | { kind: 'NXDOMAIN'; name: string }
  /** No answer; `refused` when an ICMP port-unreachable came back (kube-proxy or a policy rejecting). */
  | { kind: 'TIMEOUT'; name: string; refused?: boolean };

/** 10.1.2.3 from "app.10-1-2-3.nip.io" or "app.10.1.2.3.sslip.io". */
function wildcardIP(name: string): string | null {
  const m = /(?:^|[.-])(\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3})\.(?:nip|sslip)\.io\.?$/i.exec(name);
  if (!m) return null;
  const ip = (m[1] ?? '').replace(/-/g, '.');
  return ipToInt(ip) === null ? null : ip;
}

function clusterRecord(ctx: SimContext, fqdn: string): Answer {
  const name = fqdn.replace(/\.$/, '').toLowerCase();
  const wild = wildcardIP(name);
  if (wild) return { kind: 'A', name, ips: [wild] };
  if (name === 'localhost') return { kind: 'A', name, ips: ['127.0.0.1'] };
  const svcSuffix = '.svc.cluster.local';
  if (name.endsWith(svcSuffix)) {
    const parts = name.slice(0, -svcSuffix.length).split('.');
    if (parts.length === 2) {
      const [svcName, ns] = parts as [string, string];
      const svc = ctx.store.get('v1', 'Service', svcName, ns);
      if (!svc) return { kind: 'NXDOMAIN', name };
      if (svc.spec?.type === 'ExternalName') {
        const target = String(svc.spec.externalName ?? '').replace(/\.$/, '');
        const tip = wildcardIP(target);
        return { kind: 'CNAME', name, target, ips: tip ? [tip] : [] };
      }
      if (svc.spec?.clusterIP === 'None') {
        const ips = readyAddresses(ctx, svc);
        return ips.length ? { kind: 'A', name, ips } : { kind: 'NXDOMAIN', name };
      }
      return { kind: 'A', name, ips: [String(svc.spec?.clusterIP)] };
    }
    if (parts.length === 3) {
      const [host, svcName, ns] = parts as [string, string, string];
      const pod = ctx.store.list('v1', 'Pod', ns).find((p) => (p.spec?.hostname ?? p.metadata.name) === host && p.spec?.subdomain === svcName && p.status?.podIP);
      return pod ? { kind: 'A', name, ips: [String(pod.status.podIP)] } : { kind: 'NXDOMAIN', name };
    }
    return { kind: 'NXDOMAIN', name };
  }
  const podSuffix = /^(\d+-\d+-\d+-\d+)\.([a-z0-9-]+)\.pod\.cluster\.local$/.exec(name);
  if (podSuffix) return { kind: 'A', name, ips: [(podSuffix[1] ?? '').replace(/-/g, '.')] };
  return { kind: 'NXDOMAIN', name };
}

function readyAddresses(ctx: SimContext, svc: KObj): string[] {
  const all = svc.spec?.publishNotReadyAddresses;
  const ips: string[] = [];
  for (const s of ctx.store.list('discovery.k8s.io/v1', 'EndpointSlice', svc.metadata.namespace)) {
    if (s.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
    for (const e of s.endpoints ?? []) if (all || e.conditions?.ready !== false) ips.push(...(e.addresses ?? []));
  }
  return ips.sort();
}

/** Docker's embedded DNS on the kind network: container names, plus the internet (nip.io only here). */
function dockerRecord(ctx: SimContext, fqdn: string): Answer {
  const name = fqdn.replace(/\.$/, '').toLowerCase();
  const wild = wildcardIP(name);
  if (wild) return { kind: 'A', name, ips: [wild] };
  const node = ctx.store.get('v1', 'Node', name);
  if (node) return { kind: 'A', name, ips: [nodeIP(node)] };
  return { kind: 'NXDOMAIN', name };
}

export function searchList(src: Source): string[] {
  return src.inCluster && src.namespace ? [`${src.namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'] : [];
}

export function defaultNameserver(src: Source): string {
  return src.inCluster ? CLUSTER_DNS : '127.0.0.11';
}

/** Whether `server` answers DNS for this source: cluster DNS must be reachable through kube-dns. */
function serverReachable(ctx: SimContext, src: Source, server: string, tcp: boolean): 'yes' | 'timeout' | 'refused' {
  if (server === '127.0.0.11') return 'yes';
  const c = connect(ctx, { ...src, override: undefined }, server, 53, tcp ? 'TCP' : 'UDP');
  if (c.kind !== 'open') return c.kind === 'unreachable' ? 'timeout' : c.kind;
  return !c.pod || /coredns/.test(String(c.pod.spec?.containers?.[0]?.image ?? '')) ? 'yes' : 'refused';
}

/** Resolves like getaddrinfo (search: true) or dig (search: false). */
export function lookup(ctx: SimContext, src: Source, name: string, opts: { search: boolean; server?: string; tcp?: boolean }): Answer {
  if (src.override === 'nxdomain') return { kind: 'NXDOMAIN', name };
  if (ipToInt(name) !== null) return { kind: 'A', name, ips: [name] };
  const server = opts.server ?? defaultNameserver(src);
  const reach = serverReachable(ctx, src, server, !!opts.tcp);
  if (reach !== 'yes') return { kind: 'TIMEOUT', name, ...(reach === 'refused' ? { refused: true } : {}) };
  const record = server === '127.0.0.11' ? (n: string) => dockerRecord(ctx, n) : (n: string) => clusterRecord(ctx, n);
  const absolute = name.endsWith('.');
  const dots = name.split('.').length - 1;
  const candidates: string[] = [];
  if (!absolute && opts.search && dots < 5) for (const s of searchList(src)) candidates.push(`${name}.${s}`);
  candidates.push(name);
  for (const c of candidates) {
    const a = record(c);
    if (a.kind !== 'NXDOMAIN') return a;
  }
  return { kind: 'NXDOMAIN', name: name.replace(/\.$/, '') };
}
