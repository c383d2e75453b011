// Browser mode: the same UI and engine for learners on a headless server (reach it through an
// SSH tunnel). Like Jupyter, it listens on 127.0.0.1 and prints a URL with a random token; the
// first visit trades the token for a cookie, and every WebSocket must carry the cookie (or the
// token) AND come from the page's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KindlabApi, Lang, ServerMessage } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { projectRoot } from '../engine/root.ts';
import { contentType } from '../hosts/content-type.ts';
import { createSessionHost } from '../hosts/session.ts';
import { parseClientFrame } from './frames.ts';

export const RENDERER_DIR = join(projectRoot(), 'dist', 'renderer');


export interface ServeOptions {
  engine: KindlabApi;
  port: number;
  host: string;
  lang: Lang;
  log(line: string): void;
  token?: string;
  rendererDir?: string;
  /** Resolves to stop the server; by default SIGINT/SIGTERM. */
  until?: Promise<void>;
  onListening?(url: string): void;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)kindlab_token=([a-f0-9]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}


export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const dir = opts.rendererDir ?? RENDERER_DIR;
  let origin = '';

  const serveFile = (res: ServerResponse, rel: string) => {
    const target = normalize(join(dir, rel));
    if (!target.startsWith(normalize(dir + sep)) && target !== normalize(dir)) {
      res.writeHead(403).end();
      return;
    }
    let file = target;
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The UI is not built yet. Run `npm install` (it builds the UI) or `npm run build:ui`.\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentType(file),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:",
      'Referrer-Policy': 'no-referrer',
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://localhost');
    const fromQuery = url.searchParams.get('token') ?? undefined;
    if (sameToken(fromQuery, token)) {
      // Trade the token for a cookie and drop it from the address bar.
      res.writeHead(302, { 'Set-Cookie': `kindlab_token=${token}; HttpOnly; SameSite=Strict; Path=/`, Location: url.pathname });
      res.end();
      return;
    }
    if (!sameToken(cookieToken(req), token)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Open the URL with the token that `kindlab serve` printed.\n');
      return;
    }
    serveFile(res, decodeURIComponent(url.pathname));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const ok = url.pathname === '/api' && (sameToken(cookieToken(req), token) || sameToken(url.searchParams.get('token') ?? undefined, token)) && (req.headers.origin === undefined || req.headers.origin === origin);
    if (!ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  // Each socket is one session (electron/hosts/session.ts), as each Electron window is.
  const sessions = createSessionHost(opts.engine);
  wss.on('connection', (ws: WebSocket) => {
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const session = sessions.open((event) => send({ event }));
    ws.on('message', (raw, isBinary) => {
      const frame = parseClientFrame(raw, isBinary);
      if (!frame.ok) {
        send({ id: frame.id, envelope: { ok: false, failure: frame.failure } });
        return;
      }
      void session.request(frame.channel, frame.req).then((envelope) => send({ id: frame.id, envelope }));
    });
    ws.on('close', () => void session.close());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new KindlabError({
          code: err.code === 'EADDRINUSE' ? 'port-in-use' : 'bad-input',
          message: err.code === 'EADDRINUSE' ? `port ${opts.port} on ${opts.host} is already in use` : `cannot listen on ${opts.host}:${opts.port}: ${err.message}`,
          hint: err.code === 'EADDRINUSE' ? 'Choose another port with --port, or leave it out to use a free one.' : 'Check the --host and --port values.',
        }),
      );
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  origin = `http://${hostForUrl}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await sessions.dispose();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `kindlab serve`: start, print the URL, run until Ctrl+C. */
export async function serve(opts: ServeOptions): Promise<void> {
  const running = await startServer(opts);
  const zh = opts.lang === 'zh';
  opts.log(zh ? `kindlab 浏览器模式已启动。在浏览器中打开：` : 'kindlab is serving. Open this URL in a browser:');
  opts.log(`  ${running.url}`);
  if (opts.host === '127.0.0.1' || opts.host === 'localhost') {
    opts.log(zh ? `远程服务器上可用 SSH 隧道：ssh -L ${running.port}:127.0.0.1:${running.port} <服务器>` : `On a remote server, tunnel it: ssh -L ${running.port}:127.0.0.1:${running.port} <server>`);
  }
  opts.onListening?.(running.url);
  await (opts.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await running.close();
}
