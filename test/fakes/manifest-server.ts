// A tiny HTTP server standing in for raw.githubusercontent.com: it serves the hand-written
// fixture manifests and can be switched to serve a corrupted body, a 404, a 500, or to answer
// slowly, per file or for all files.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ManifestMode = 'ok' | 'corrupt' | 'notfound' | 'error' | 'slow';

export interface ManifestServer {
  url: string;
  files: string[];
  urlFor(file: string): string;
  /** sha256 of the file as served in 'ok' mode. */
  sha256(file: string): string;
  /** Mode for one file, or for every file when `file` is omitted. */
  setMode(mode: ManifestMode, file?: string): void;
  /** Paths requested so far (to prove a cached manifest is not downloaded again). */
  requests: string[];
  close(): Promise<void>;
}

export const FIXTURE_MANIFESTS = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

export async function startManifestServer(opts: { dir?: string; port?: number; slowMs?: number } = {}): Promise<ManifestServer> {
  const dir = opts.dir ?? FIXTURE_MANIFESTS;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  const modes = new Map<string, ManifestMode>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const file = path.replace(/^\/manifests\//, '');
    const mode = modes.get(file) ?? modes.get('*') ?? 'ok';
    if (!files.includes(file) || mode === 'notfound') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404: Not Found');
      return;
    }
    if (mode === 'error') {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('500: Internal Server Error');
      return;
    }
    let body = readFileSync(join(dir, file));
    if (mode === 'corrupt') body = Buffer.concat([body, Buffer.from('\n# tampered in transit\n')]);
    const reply = () => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length) });
      res.end(body);
    };
    if (mode === 'slow') setTimeout(reply, opts.slowMs ?? 2000).unref();
    else reply();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    files,
    urlFor: (file) => `${url}/manifests/${file}`,
    sha256: (file) => createHash('sha256').update(readFileSync(join(dir, file))).digest('hex'),
    setMode(mode, file) {
      modes.set(file ?? '*', mode);
    },
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
