// The UI's files as a web app serves them, for browser mode over an SSH tunnel where every byte
// is slow:
//   - assets/ holds only Vite's content-hashed files (index-D_sMpmzN.js): a new build gives new
//     names, so they are cached for a year and never asked for again (`immutable`);
//   - the page itself (index.html, also for any other path) is `no-store`: a reload always
//     gets the page that names the current assets;
//   - the few other files (favicon.svg) are revalidated (`no-cache` with an ETag);
//   - the build writes .br and .gz beside each text file (renderer/vite.config.ts); the one the
//     browser accepts is sent as it is, with no compression at request time.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { contentType } from '../hosts/content-type.ts';

export type Encoding = 'br' | 'gzip' | 'identity';

const CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:";

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
const CACHE_PAGE = 'no-store';
const CACHE_REVALIDATE = 'no-cache';

/** The Cache-Control of a file: `rel` is its path inside the UI folder ('assets/x-hash.js'). */
export function cachePolicy(rel: string, isPage: boolean): string {
  if (isPage) return CACHE_PAGE;
  return rel.startsWith('assets/') ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}

/** The best encoding the browser accepts among those on disk (br before gzip; q=0 refuses). */
export function pickEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]): Encoding {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name, qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const accepts = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  for (const e of ['br', 'gzip'] as const) if (available.includes(e) && accepts(e)) return e;
  return 'identity';
}

const SUFFIX: Record<Exclude<Encoding, 'identity'>, string> = { br: '.br', gzip: '.gz' };

/** The file a URL path names inside `dir`, whether it is the page, or null when it must not be served. */
export function resolveAsset(dir: string, urlPath: string): { file: string; rel: string; isPage: boolean } | { missing: true } | null {
  const root = normalize(dir + sep);
  const target = normalize(join(dir, urlPath));
  if (!target.startsWith(root) && target !== normalize(dir)) return null;
  const rel = target.slice(root.length).split(sep).join('/');
  if (rel && !rel.endsWith('.br') && !rel.endsWith('.gz') && existsSync(target) && statSync(target).isFile()) return { file: target, rel, isPage: rel === 'index.html' };
  // A hashed file that is not there (a tab from before a rebuild asks for the old name): saying
  // 404 lets it fail as a missing script, where the page in its place would be parsed as one.
  if (rel.startsWith('assets/')) return { missing: true };
  // Every other path is the app's own route: the page.
  return { file: join(dir, 'index.html'), rel: 'index.html', isPage: true };
}

export function serveAsset(dir: string, urlPath: string, req: IncomingMessage, res: ServerResponse): void {
  const found = resolveAsset(dir, urlPath);
  if (found === null) {
    res.writeHead(403).end();
    return;
  }
  if ('missing' in found) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': CACHE_PAGE }).end('not found\n');
    return;
  }
  const { file, rel, isPage } = found;
  if (!existsSync(file)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The UI is not built yet. Run `npm install` (it builds the UI) or `npm run build:ui`.\n');
    return;
  }
  const available = (['br', 'gzip'] as const).filter((e) => existsSync(file + SUFFIX[e]));
  const encoding = pickEncoding(req.headers['accept-encoding'], available);
  const sent = encoding === 'identity' ? file : file + SUFFIX[encoding];
  const stat = statSync(sent);
  const cache = cachePolicy(rel, isPage);
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(file),
    'Content-Length': stat.size,
    'Cache-Control': cache,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
  };
  if (available.length) headers.Vary = 'Accept-Encoding';
  if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
  if (cache === CACHE_REVALIDATE) {
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}-${encoding}"`;
    headers.ETag = etag;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': cache, ...(headers.Vary ? { Vary: headers.Vary } : {}) }).end();
      return;
    }
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(sent).pipe(res);
}
