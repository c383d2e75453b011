// HTTP over the fake network: what a server pod answers (nginx's welcome page, http-echo's text,
// nothing from a database port), and how the ingress-nginx controller routes by Host and path
// to a backend Service's endpoints (502/503/504 when the backend fails).
import type { SimContext } from '../sim/context.ts';
import { servedByNginx } from '../sim/network.ts';
import type { Json, KObj } from '../util.ts';
import { type Source, connect, pickEndpoint, podConnect } from './net.ts';

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

/** What an application pod answers on `port`. */
function serve(ctx: SimContext, pod: KObj, port: number, req: HttpRequest): HttpResult {
  const image = String(pod.spec?.containers?.[0]?.image ?? '');
  if (/ingress-nginx\/controller/.test(image) && (port === 80 || port === 443)) return routeIngress(ctx, pod, req);
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

/** The nginx controller: pick the server block by Host, the location by path, proxy to an endpoint. */
function routeIngress(ctx: SimContext, controller: KObj, req: HttpRequest): HttpResult {
  const host = req.host.replace(/:\d+$/, '');
  const ingresses = ctx.store.list('networking.k8s.io/v1', 'Ingress').filter(servedByNginx);
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
    if (!withDefault) return respond(404, nginxError(404));
    best = { ing: withDefault, backend: withDefault.spec.defaultBackend, score: 0 };
  }
  const ns = best.ing.metadata.namespace;
  const ref = best.backend?.service;
  const svc = ref?.name ? ctx.store.get('v1', 'Service', ref.name, ns) : undefined;
  const sp = svc?.spec?.ports?.find((p: Json) => (ref.port?.number !== undefined ? p.port === ref.port.number : p.name === ref.port?.name));
  if (!svc || !sp) return respond(503, nginxError(503));
  const ep = pickEndpoint(ctx, svc, sp);
  if (!ep) return respond(503, nginxError(503));
  const from: Source = { ip: String(controller.status?.podIP ?? ''), pod: controller, inCluster: true };
  const conn = podConnect(ctx, from, ep.pod, ep.port, 'TCP');
  const upstreamTimeout = Math.round(60_000 * ctx.timings().probeScale);
  if (conn.kind === 'timeout') return { ...respond(504, nginxError(504)), durationMs: upstreamTimeout };
  if (conn.kind === 'refused') return respond(502, nginxError(502));
  const res = serve(ctx, ep.pod, ep.port, req);
  return res.kind === 'empty' ? respond(502, nginxError(502)) : res;
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
  if (!conn.pod) return { kind: 'empty', durationMs: 1 };
  return serve(ctx, conn.pod, conn.port, req);
}
