// HTTP over the fake network: what a server pod answers (nginx's welcome page, http-echo's text,
// nothing from a database port), and how the ingress controller — ingress-nginx, or Traefik with
// its ingress-nginx provider — routes by Host and path to a backend Service's endpoints (404 with
// each controller's own body without a rule, 502/503/504 when the backend fails).
import type { SimContext } from '../sim/context.ts';
import { type IngressFlavor, servedBy } from '../sim/network.ts';
import type { Json, KObj } from '../util.ts';
import { ARP_GIVE_UP_MS, type Source, connect, pickEndpoint, podConnect } from './net.ts';

export interface HttpRequest {
  ip: string;
  port: number;
  host: string;
  path: string;
  method: string;
}

export type HttpResult =
  | { kind: 'response'; status: number; headers: [string, string][]; body: string; durationMs: number }
  | { kind: 'refused'; durationMs: number }
  | { kind: 'timeout'; durationMs: number }
  /** No ARP answer (net.ts): the caller decides whether its own timeout or the kernel's comes first. */
  | { kind: 'unreachable'; durationMs: number }
  | { kind: 'empty'; durationMs: number };

const REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/** nginx's own error pages (a tiny HTML document naming the status). */
function nginxError(status: number): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const WELCOME =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, nginx is successfully installed and working.</p>\n</body>\n</html>\n';

function respond(status: number, body: string, contentType = 'text/html', server = 'nginx'): HttpResult {
  return {
    kind: 'response',
    status,
    headers: [
      ['Date', new Date().toUTCString()],
      ['Content-Type', contentType],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'keep-alive'],
      ...(server ? ([['Server', server]] as [string, string][]) : []),
    ],
    body,
    durationMs: 1,
  };
}

function args(pod: KObj): string[] {
  const c = pod.spec?.containers?.[0] ?? {};
  return [...(c.command ?? []), ...(c.args ?? [])].map(String);
}

/** Go's http.Error and Traefik's own answers: plain text, no Server header. */
function goText(status: number, body: string): HttpResult {
  const r = respond(status, body, 'text/plain; charset=utf-8', '');
  if (r.kind === 'response') r.headers.push(['X-Content-Type-Options', 'nosniff']);
  return r;
}

/** What each controller answers itself: nginx's error pages, or Traefik's plain texts. */
function controllerError(flavor: IngressFlavor, status: number): HttpResult {
  if (flavor === 'ingress-nginx') return respond(status, nginxError(status));
  if (status === 404) return goText(404, '404 page not found\n');
  // The load balancer with no server to send to; a failed proxy writes the status text.
  if (status === 503) return goText(503, 'no available server\n');
  return respond(status, status === 504 ? 'Gateway Timeout' : reasonPhrase(status), 'text/plain; charset=utf-8', '');
}

const TRAEFIK_IMAGE = /(^|\/)traefik(:|@|$)/;

/**
 * Traefik's entry points from its flags (`--entryPoints.web.address=:8000`), port → name; with
 * none configured, Traefik listens on :80 (entry point "http").
 */
function traefikEntryPoints(pod: KObj): Map<number, string> {
  const eps = new Map<number, string>();
  for (const a of args(pod)) {
    const m = /^--entry[pP]oints\.([^.=]+)\.address=.*:(\d+)(\/\w+)?$/.exec(a);
    if (m) eps.set(Number(m[2]), m[1] ?? '');
  }
  if (eps.size === 0) eps.set(80, 'http');
  return eps;
}

/** Traefik: its own entry point (ping), or an entry point that serves the Ingresses. */
function serveTraefik(ctx: SimContext, pod: KObj, port: number, req: HttpRequest): HttpResult | null {
  const ep = traefikEntryPoints(pod).get(port);
  if (ep === undefined) return null;
  if (ep === 'traefik') return req.path === '/ping' && args(pod).includes('--ping=true') ? goText(200, 'OK') : goText(404, '404 page not found\n');
  return routeIngress(ctx, 'traefik', pod, req);
}

/** What an application pod answers on `port`. */
function serve(ctx: SimContext, pod: KObj, port: number, req: HttpRequest): HttpResult {
  const image = String(pod.spec?.containers?.[0]?.image ?? '');
  if (/ingress-nginx\/controller/.test(image) && (port === 80 || port === 443)) return routeIngress(ctx, 'ingress-nginx', pod, req);
  if (TRAEFIK_IMAGE.test(image)) return serveTraefik(ctx, pod, port, req) ?? { kind: 'empty', durationMs: 1 };
  if (/nginx|httpd/.test(image)) {
    return req.path === '/' || req.path === '/index.html' ? respond(200, WELCOME, 'text/html', 'nginx/1.30.4') : respond(404, nginxError(404), 'text/html', 'nginx/1.30.4');
  }
  if (/http-echo/.test(image)) {
    const text = args(pod).find((a) => a.startsWith('-text=') || a.startsWith('--text='));
    return respond(200, `${text?.split('=').slice(1).join('=') ?? 'hello-world'}\n`, 'text/plain; charset=utf-8', '');
  }
  if (/agnhost/.test(image)) return respond(200, pod.metadata.name, 'text/plain; charset=utf-8', '');
  if (/whoami|echoserver/.test(image)) return respond(200, `Hostname: ${pod.metadata.name}\nIP: ${pod.status?.podIP}\nGET ${req.path} HTTP/1.1\nHost: ${req.host}\n`, 'text/plain; charset=utf-8', '');
  if ([80, 8000, 8080, 3000, 5000, 9090].includes(port)) return respond(200, 'OK\n', 'text/plain', '');
  return { kind: 'empty', durationMs: 1 };
}

function hostMatches(ruleHost: string | undefined, host: string): 'exact' | 'wildcard' | null {
  if (!ruleHost) return null;
  const h = host.toLowerCase();
  const r = ruleHost.toLowerCase();
  if (r === h) return 'exact';
  if (r.startsWith('*.')) {
    const suffix = r.slice(1);
    return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') ? 'wildcard' : null;
  }
  return null;
}

function pathScore(p: Json, path: string): number {
  const want = String(p.path ?? '/');
  const type = p.pathType ?? 'Prefix';
  if (type === 'Exact') return path === want ? want.length * 2 + 1 : -1;
  if (type === 'Prefix') {
    const base = want.replace(/\/+$/, '');
    return want === '/' || path === base || path.startsWith(`${base}/`) ? want.length * 2 : -1;
  }
  return path.startsWith(want) ? want.length * 2 : -1;
}

/**
 * The controller: pick the Ingress rules by Host (exact, then wildcard, then rules without a
 * host), the path by its longest match, proxy to an endpoint. Both controllers route the labs'
 * Ingresses alike (Traefik serves every rule over HTTPS with its default certificate, as
 * ingress-nginx does); they differ in which Ingresses they take and in their own answers.
 */
function routeIngress(ctx: SimContext, flavor: IngressFlavor, controller: KObj, req: HttpRequest): HttpResult {
  const host = req.host.replace(/:\d+$/, '');
  const ingresses = ctx.store.list('networking.k8s.io/v1', 'Ingress').filter((ing) => servedBy(ctx, flavor, ing));
  const fail = (status: number) => controllerError(flavor, status);
  type Cand = { ing: KObj; paths: Json[] };
  const exact: Cand[] = [];
  const wild: Cand[] = [];
  const catchAll: Cand[] = [];
  for (const ing of ingresses) {
    for (const rule of ing.spec?.rules ?? []) {
      const m = hostMatches(rule.host, host);
      const paths = rule.http?.paths ?? [];
      if (m === 'exact') exact.push({ ing, paths });
      else if (m === 'wildcard') wild.push({ ing, paths });
      else if (!rule.host) catchAll.push({ ing, paths });
    }
  }
  const server = exact.length ? exact : wild.length ? wild : catchAll;
  let best: { ing: KObj; backend: Json; score: number } | null = null;
  for (const c of server) {
    for (const p of c.paths) {
      const score = pathScore(p, req.path);
      if (score >= 0 && (!best || score > best.score)) best = { ing: c.ing, backend: p.backend, score };
    }
  }
  if (!best) {
    const withDefault = (server.length ? server.map((c) => c.ing) : ingresses).find((i) => i.spec?.defaultBackend);
    if (!withDefault) return fail(404);
    best = { ing: withDefault, backend: withDefault.spec.defaultBackend, score: 0 };
  }
  const ns = best.ing.metadata.namespace;
  const ref = best.backend?.service;
  const svc = ref?.name ? ctx.store.get('v1', 'Service', ref.name, ns) : undefined;
  const sp = svc?.spec?.ports?.find((p: Json) => (ref.port?.number !== undefined ? p.port === ref.port.number : p.name === ref.port?.name));
  if (!svc || !sp) return fail(503);
  const ep = pickEndpoint(ctx, svc, sp);
  if (!ep) return fail(503);
  const from: Source = { ip: String(controller.status?.podIP ?? ''), pod: controller, inCluster: true };
  const conn = podConnect(ctx, from, ep.pod, ep.port, 'TCP');
  // nginx gives up on an upstream after 60 s; Traefik's dial timeout is 30 s.
  const upstreamTimeout = Math.round((flavor === 'traefik' ? 30_000 : 60_000) * ctx.timings().probeScale);
  if (conn.kind === 'timeout' || conn.kind === 'unreachable') return { ...fail(504), durationMs: upstreamTimeout };
  if (conn.kind === 'refused') return fail(502);
  const res = serve(ctx, ep.pod, ep.port, req);
  return res.kind === 'empty' ? fail(502) : res;
}

/** One HTTP exchange from `src`; `timeoutMs` bounds a connection that is dropped. */
export function httpExchange(ctx: SimContext, src: Source, req: HttpRequest, timeoutMs: number): HttpResult {
  for (const o of ctx.scenario().http ?? []) {
    if (o.host && o.host.toLowerCase() !== req.host.replace(/:\d+$/, '').toLowerCase()) continue;
    if (o.urlIncludes && !`http://${req.host}${req.path}`.includes(o.urlIncludes)) continue;
    return respond(o.status, o.body ?? (o.status >= 400 ? nginxError(o.status) : ''));
  }
  const conn = connect(ctx, src, req.ip, req.port, 'TCP');
  if (conn.kind === 'refused') return { kind: 'refused', durationMs: 1 };
  if (conn.kind === 'timeout') return { kind: 'timeout', durationMs: timeoutMs };
  if (conn.kind === 'unreachable') return { kind: 'unreachable', durationMs: ARP_GIVE_UP_MS * ctx.timings().probeScale };
  if (!conn.pod) return { kind: 'empty', durationMs: 1 };
  return serve(ctx, conn.pod, conn.port, req);
}
