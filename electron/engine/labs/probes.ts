// The data-plane probes the checks use. Each one is bounded (curl -m, nc -w, dig +time, a pod
// wait with a deadline), classified (probe-output.ts) and cleans up after itself (docker run
// --rm, probe pods deleted in a finally). Where the probe runs decides what it proves:
//   - from a container on the `kind` Docker network: node IPs, hostPorts and MetalLB addresses,
//     the same on Linux, macOS and Windows (LB IPs are not routable from Docker Desktop hosts);
//   - from the host itself: what the learner's browser would see (only for the nip.io lesson);
//   - from a pod with given labels: ClusterIPs, cluster DNS, and NetworkPolicies.
import { promises as dnsPromises } from 'node:dns';
import http from 'node:http';
import type { KubeClient } from '../kube/client.ts';
import { classifyStderr } from '../tools/hints.ts';
import type { ToolRunner } from '../tools/run.ts';
import { type PodProbeRequest, type PodProbeResult, SESSION_POLL_MS, runPodProbe, runPodSession } from './pod-probe.ts';
import { type DnsObservation, type HttpObservation, type TcpObservation, classifyCurl, classifyNc, parseDig } from './probe-output.ts';
import { type Say, sayBoth } from './say.ts';
import { type SessionPlan, type TcpAttempt, parseSession, sessionBoundS, sessionScript } from './tcp-session.ts';

export type ToolExec = Pick<ToolRunner, 'run'>;

export interface ProbeImages {
  /** curl as the entrypoint (curlimages/curl). */
  probe: string;
  /** nc, dig and curl (nicolaka/netshoot). */
  netshoot: string;
}

export type HostLookupOutcome = 'resolved' | 'nxdomain' | 'empty' | 'timeout' | 'error';

export interface HostLookup {
  outcome: HostLookupOutcome;
  addresses: string[];
  detail: string;
}

/** One HTTP request, DNS-independent: an address plus the name the server should see. */
export interface HttpRequest {
  address: string;
  port: number;
  path: string;
  /** Sent as the Host header (HTTP) or as SNI via curl --resolve (HTTPS). */
  host?: string;
  /** Defaults to https on HTTPS_PORTS, http elsewhere. */
  scheme?: 'http' | 'https';
  timeoutS: number;
}

/** One dig query; without `server` it goes to the resolver of wherever it runs. */
export interface DnsQuery {
  name: string;
  qtype?: 'A' | 'CNAME';
  server?: string;
  tcp: boolean;
  timeoutS: number;
}

/** One client pod's tries (tcp-session.ts); `error` when the pod could not run or said nothing usable. */
export interface TcpSession {
  attempts: TcpAttempt[];
  error?: TcpObservation;
}

export interface TcpSessionRequest extends SessionPlan {
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  port: number;
  /** nc's -w for each try. */
  timeoutS: number;
  /** True once the tries so far decide the check: the pod is stopped then. */
  enough(attempts: TcpAttempt[]): boolean;
}

export interface ProbeRunner {
  httpFromKindNetwork(req: HttpRequest): Promise<HttpObservation>;
  httpFromHost(req: { address: string; port: number; host: string; path: string; timeoutS: number }): Promise<HttpObservation>;
  lookupHost(name: string, timeoutMs?: number): Promise<HostLookup>;
  podProbe(req: PodProbeRequest): Promise<PodProbeResult>;
  tcpFromPod(req: { namespace: string; labels: Record<string, string>; ip: string; port: number; timeoutS: number }): Promise<TcpObservation>;
  /** Several tries from one client pod that lives through them (a tcp check's client). */
  tcpSessionFromPod(req: TcpSessionRequest): Promise<TcpSession>;
  dnsFromPod(req: DnsQuery & { namespace: string; labels: Record<string, string> }): Promise<DnsObservation>;
  dnsFromKindNetwork(req: DnsQuery & { server: string }): Promise<DnsObservation>;
  httpFromPod(req: HttpRequest & { namespace: string }): Promise<HttpObservation>;
}

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

export interface ProbeRunnerDeps {
  client: KubeClient;
  tools: ToolExec;
  images: ProbeImages;
  /** How the probes put what they saw into words: both languages (a run), or one (a test that reads one). */
  say?: Say;
  timeoutScale: number;
  signal?: AbortSignal;
  /** Labels every probe pod carries besides its own (the lab, for cleanup). */
  podLabels?: Record<string, string>;
  /** The OS resolver; tests replace it. */
  lookup?: Lookup;
}

/** Ports on which the probe speaks TLS (the ingress controller's 443). */
const HTTPS_PORTS: ReadonlySet<number> = new Set([443, 8443]);

/**
 * curl's arguments for one request. Plain HTTP names the host in a Host header; HTTPS needs the
 * name in the URL for SNI, so --resolve pins that name to the address (still no DNS), and -k
 * accepts the controller's self-signed default certificate.
 */
export function curlArgs(req: HttpRequest): string[] {
  const base = ['-sS', '-m', String(req.timeoutS), '-o', '-', '-w', '\n%{http_code}'];
  const addr = req.address.includes(':') ? `[${req.address}]` : req.address;
  if ((req.scheme ?? (HTTPS_PORTS.has(req.port) ? 'https' : 'http')) === 'https') {
    if (req.host) return [...base, '-k', '--resolve', `${req.host}:${req.port}:${addr}`, `https://${req.host}:${req.port}${req.path}`];
    return [...base, '-k', `https://${addr}:${req.port}${req.path}`];
  }
  return [...base, ...(req.host ? ['-H', `Host: ${req.host}`] : []), `http://${addr}:${req.port}${req.path}`];
}

/**
 * dig's arguments for one query, the same from a pod and from the kind network. The type is
 * explicit for CNAMEs: an A query for an ExternalName whose target does not resolve ends in
 * NXDOMAIN, and +search would then move on to the next search domain. A pod searches its
 * namespace like an application would; a container on the kind network does not search at all,
 * because its list holds the host's own domains (a corporate wildcard could answer there).
 */
export function digArgs({ name, qtype, server, tcp, timeoutS }: DnsQuery, search = true): string[] {
  return [search ? '+search' : '+nosearch', '+noall', '+answer', '+comments', `+time=${timeoutS}`, '+tries=1', name, ...(qtype && qtype !== 'A' ? [qtype] : []), ...(server ? [`@${server}`] : []), ...(tcp ? ['+tcp'] : [])];
}

function notRun(result: Extract<PodProbeResult, { kind: 'not-run' }>): { outcome: 'probe-error'; detail: string } {
  return { outcome: 'probe-error', detail: result.detail };
}

/** Pod logs interleave curl's stderr with the body; keep the "curl: (n) …" lines apart. */
export function splitCurlLog(log: string): { stdout: string; stderr: string } {
  const lines = log.split('\n');
  const err = lines.filter((l) => /^curl: \(\d+\)/.test(l));
  return { stdout: lines.filter((l) => !/^curl: \(\d+\)/.test(l)).join('\n'), stderr: err.join('\n') };
}

export function createProbeRunner(deps: ProbeRunnerDeps): ProbeRunner {
  const say: Say = deps.say ?? sayBoth;
  const lookup: Lookup = deps.lookup ?? ((host) => dnsPromises.lookup(host, { all: true, family: 4 }));
  const podDeps = { client: deps.client, say, timeoutScale: deps.timeoutScale, ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.podLabels ? { labels: deps.podLabels } : {}) };
  const podProbe = (req: PodProbeRequest) => runPodProbe(podDeps, req);

  /** One throwaway container on the kind network; docker's own exit codes (125–127) mean it never ran. */
  async function runOnKindNetwork(image: string, command: string[], timeoutS: number): Promise<{ kind: 'ran'; exitCode: number; stdout: string; stderr: string } | { kind: 'not-run'; detail: string }> {
    const r = await deps.tools.run('docker', ['run', '--rm', '--network', 'kind', image, ...command], {
      allowFailure: true,
      // room for a first pull of the probe image
      timeoutMs: (timeoutS + 120 * deps.timeoutScale) * 1000,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    if (r.exitCode === 125 || r.exitCode === 126 || r.exitCode === 127) {
      const last = r.stderr.trim().split('\n').pop() ?? '';
      const cls = classifyStderr(r.stderr);
      return { kind: 'not-run', detail: say(`docker could not start the probe container: ${last}${cls ? ` — ${cls.hint.en}` : ''}`, `docker 无法启动探测容器：${last}${cls ? `——${cls.hint.zh}` : ''}`) };
    }
    return { kind: 'ran', exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  return {
    podProbe,

    async httpFromKindNetwork(req) {
      const r = await runOnKindNetwork(deps.images.probe, curlArgs(req), req.timeoutS);
      if (r.kind === 'not-run') return { outcome: 'probe-error', status: null, body: '', detail: r.detail };
      return classifyCurl(r.exitCode, r.stdout, r.stderr, req.timeoutS, say);
    },

    async dnsFromKindNetwork(req) {
      // netshoot has no entrypoint (only a default shell), so `dig …` is the container's command.
      const r = await runOnKindNetwork(deps.images.netshoot, ['dig', ...digArgs(req, false)], req.timeoutS * 2);
      if (r.kind === 'not-run') return { outcome: 'probe-error', status: null, records: [], detail: r.detail };
      // A pod's log interleaves both streams; give parseDig both, as it gets them from a pod.
      return parseDig([r.stdout, r.stderr].join('\n'), say);
    },

    async httpFromHost({ address, port, host, path, timeoutS }) {
      return new Promise<HttpObservation>((resolve) => {
        const req = http.request({ host: address, port, path, method: 'GET', headers: { Host: host }, timeout: timeoutS * 1000, ...(deps.signal ? { signal: deps.signal } : {}) }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < 64 * 1024) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => {
            const status = res.statusCode ?? null;
            resolve({ outcome: 'response', status, body: Buffer.concat(chunks).toString('utf8'), detail: `HTTP ${status ?? '?'}` });
          });
          res.on('error', (e) => resolve({ outcome: 'reset', status: null, body: '', detail: e.message }));
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        req.on('error', (e: NodeJS.ErrnoException) => {
          const code = e.code ?? '';
          if (code === 'ECONNREFUSED') resolve({ outcome: 'refused', status: null, body: '', detail: say(`connection refused at ${address}:${port}`, `${address}:${port} 拒绝连接`) });
          else if (code === 'ETIMEDOUT') resolve({ outcome: 'timeout', status: null, body: '', detail: say(`no answer from ${address}:${port} within ${timeoutS} s`, `${address}:${port} 在 ${timeoutS} 秒内没有响应`) });
          else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') resolve({ outcome: 'unreachable', status: null, body: '', detail: say(`no route to ${address}`, `没有到 ${address} 的路由`) });
          else resolve({ outcome: 'error', status: null, body: '', detail: `${code || 'error'}: ${e.message}` });
        });
        req.end();
      });
    },

    async lookupHost(name, timeoutMs = 3000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<HostLookup>((resolve) => {
        timer = setTimeout(() => resolve({ outcome: 'timeout', addresses: [], detail: say(`no DNS answer for ${name} within ${timeoutMs / 1000} s`, `${timeoutMs / 1000} 秒内没有 ${name} 的 DNS 应答`) }), timeoutMs);
        timer.unref();
      });
      const answer = lookup(name).then(
        (list): HostLookup => {
          const addresses = list.map((a) => a.address);
          return addresses.length > 0
            ? { outcome: 'resolved', addresses, detail: say(`${name} resolves to ${addresses.join(', ')}`, `${name} 解析为 ${addresses.join(', ')}`) }
            : { outcome: 'empty', addresses, detail: say(`${name}: empty answer`, `${name}：应答为空`) };
        },
        (e: NodeJS.ErrnoException): HostLookup => {
          if (e.code === 'ENOTFOUND') return { outcome: 'nxdomain', addresses: [], detail: say(`${name} does not resolve (NXDOMAIN)`, `${name} 无法解析（NXDOMAIN）`) };
          if (e.code === 'ENODATA') return { outcome: 'empty', addresses: [], detail: say(`${name}: empty answer`, `${name}：应答为空`) };
          if (e.code === 'EAI_AGAIN' || e.code === 'ETIMEOUT') return { outcome: 'timeout', addresses: [], detail: say(`the DNS server did not answer for ${name}`, `DNS 服务器没有应答 ${name}`) };
          return { outcome: 'error', addresses: [], detail: `${e.code ?? 'error'}: ${e.message}` };
        },
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async tcpFromPod({ namespace, labels, ip, port, timeoutS }) {
      const r = await podProbe({ namespace, labels, image: deps.images.netshoot, command: ['nc', '-z', '-v', '-w', String(timeoutS), ip, String(port)], timeoutS });
      if (r.kind === 'not-run') return notRun(r);
      return classifyNc(r.exitCode, r.log, timeoutS, say);
    },

    async tcpSessionFromPod(req) {
      const { namespace, labels, ip, port, timeoutS } = req;
      const plan: SessionPlan = { pausesS: req.pausesS, stopOnOpen: req.stopOnOpen };
      const read = (log: string, ended?: { exitCode: number }) => parseSession(log, plan, timeoutS, say, ended);
      const r = await runPodSession(
        podDeps,
        { namespace, labels, image: deps.images.netshoot, command: ['sh', '-c', sessionScript(ip, port, timeoutS, plan)], timeoutS: sessionBoundS(timeoutS, plan) },
        { everyMs: SESSION_POLL_MS, enough: (log) => req.enough(read(log)) },
      );
      if (r.kind === 'not-run') return { attempts: [], error: notRun(r) };
      const attempts = r.kind === 'stopped' ? read(r.log) : read(r.log, { exitCode: r.exitCode });
      if (attempts.length > 0) return { attempts };
      const last = r.log.trim().split('\n').pop() ?? '';
      return { attempts, error: { outcome: 'probe-error', detail: say(`the client pod reported no connection attempt${last ? `: ${last}` : ''}`, `客户端 Pod 没有报告任何连接尝试${last ? `：${last}` : ''}`) } };
    },

    async dnsFromPod(req) {
      const { namespace, labels, timeoutS } = req;
      const r = await podProbe({ namespace, labels, image: deps.images.netshoot, command: ['dig', ...digArgs(req)], timeoutS: timeoutS * 2 });
      if (r.kind === 'not-run') return { ...notRun(r), status: null, records: [] };
      return parseDig(r.log, say);
    },

    async httpFromPod(req) {
      const { namespace, timeoutS } = req;
      const r = await podProbe({ namespace, labels: {}, image: deps.images.netshoot, command: ['curl', ...curlArgs(req)], timeoutS });
      if (r.kind === 'not-run') return { ...notRun(r), status: null, body: '' };
      const { stdout, stderr } = splitCurlLog(r.log);
      return classifyCurl(r.exitCode, stdout, stderr, timeoutS, say);
    },
  };
}
