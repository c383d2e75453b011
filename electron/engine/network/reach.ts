// Whether a host that `up` downloads from answers at all: one bounded request, no body read.
// It goes the way the downloads will: through HTTPS_PROXY / HTTP_PROXY when they are set (kind
// hands them to the nodes, whose containerd pulls the add-ons' images), straight otherwise, and
// never past NO_PROXY. Any HTTP answer counts, 401 and 404 included: a registry's /v2/ asks for a
// token, and what matters here is that packets get there and back.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Long enough for a slow link, short enough that the doctor stays quick when offline. */
const REACH_TIMEOUT_MS = 4000;

export type ReachFailure = 'dns' | 'refused' | 'timeout' | 'unreachable' | 'tls' | 'proxy';

export type Reach = { ok: true; via: 'direct' | 'proxy' } | { ok: false; via: 'direct' | 'proxy'; why: ReachFailure; detail: string };

function envOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

/** Whether NO_PROXY (a comma list of names, .suffixes, *, with optional ports) exempts a host. */
export function bypassesProxy(host: string, port: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      const [name = '', p] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]] : entry.split(':');
      if (p && p !== port) return false;
      const bare = name.replace(/^\*?\./, '');
      return h === bare || h.endsWith(`.${bare}`);
    });
}

/** The proxy a request to `url` goes through, as curl and containerd read the environment; null for none. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  const https = url.protocol === 'https:';
  const raw = https ? (envOf(env, 'HTTPS_PROXY') ?? envOf(env, 'ALL_PROXY')) : (envOf(env, 'HTTP_PROXY') ?? envOf(env, 'ALL_PROXY'));
  if (!raw) return null;
  const port = url.port || (https ? '443' : '80');
  if (bypassesProxy(url.hostname, port, envOf(env, 'NO_PROXY'))) return null;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return null;
  }
}

/** A socket or resolver error code in the doctor's words. */
export function classifyReachError(code: string | undefined): ReachFailure {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') return 'dns';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT') return 'timeout';
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'tls';
  return 'unreachable';
}

/** One request to `target`, answered or not within `timeoutMs`. */
export function reach(target: string, env: NodeJS.ProcessEnv, timeoutMs = REACH_TIMEOUT_MS): Promise<Reach> {
  const url = new URL(target);
  const proxy = proxyFor(url, env);
  const via = proxy ? 'proxy' : 'direct';
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Reach) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const fail = (err: NodeJS.ErrnoException) => {
      const why = classifyReachError(err.code);
      done({ ok: false, via, why: proxy && why !== 'tls' ? 'proxy' : why, detail: proxy ? `${proxy.host}: ${err.code ?? err.message}` : (err.code ?? err.message) });
    };
    const timer = setTimeout(() => {
      done({ ok: false, via, why: 'timeout', detail: `no answer within ${Math.round(timeoutMs / 1000)} s` });
      req.destroy();
    }, timeoutMs);
    timer.unref?.();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    let req: ReturnType<typeof httpRequest>;
    if (proxy && url.protocol === 'https:') {
      // A tunnel: the proxy's answer to CONNECT says whether it reached the host.
      req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${url.hostname}:${port}`, headers: { host: `${url.hostname}:${port}` } });
      req.on('connect', (res, socket) => {
        socket.destroy();
        done(res.statusCode === 200 ? { ok: true, via } : { ok: false, via, why: 'proxy', detail: `${proxy.host} answered ${res.statusCode ?? '?'} for ${url.hostname}` });
      });
    } else if (proxy) {
      req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, method: 'HEAD', path: url.href, headers: { host: url.host } }, (res) => {
        res.resume();
        done((res.statusCode ?? 0) >= 500 ? { ok: false, via, why: 'proxy', detail: `${proxy.host} answered ${res.statusCode}` } : { ok: true, via });
      });
    } else {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      req = send(url, { method: 'HEAD' }, (res) => {
        res.resume();
        done({ ok: true, via });
      });
    }
    req.on('error', fail);
    req.end();
  });
}
