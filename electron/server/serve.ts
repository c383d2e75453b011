// Browser mode: the same UI and engine for learners on a headless server, reached through an
// SSH tunnel (`ssh -L 8080:localhost:PORT server`). Like Jupyter it listens on 127.0.0.1 and
// prints a URL with a random token; the first visit trades the token for an HttpOnly cookie
// (credentials.ts). Every request must name this machine in its Host header, and every WebSocket
// must carry the cookie and come from the page itself (access.ts).
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KindlabApi, Lang, ServerMessage } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { projectRoot } from '../engine/root.ts';
import { createSessionHost } from '../hosts/session.ts';
import { type AccessConfig, hostAllowed, originAllowed } from './access.ts';
import { serveAsset } from './assets.ts';
import { Credentials } from './credentials.ts';
import { parseClientFrame } from './frames.ts';

const RENDERER_DIR = join(projectRoot(), 'dist', 'renderer');


export interface ServeOptions {
  engine: KindlabApi;
  port: number;
  host: string;
  lang: Lang;
  log(line: string): void;
  /** The URL's one-time token; random by default. */
  token?: string;
  /** The cookie's secret; random by default (a test restarting the server keeps its tabs signed in). */
  secret?: string;
  rendererDir?: string;
  /** Resolves to stop the server; by default SIGINT/SIGTERM. */
  until?: Promise<void>;
  onListening?(url: string): void;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** This machine's addresses: what a browser may call it when the server listens on all of them. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export interface RunningServer {
  url: string;
  token: string;
  secret: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const creds = new Credentials(opts.token ?? randomBytes(24).toString('hex'), opts.secret);
  const dir = opts.rendererDir ?? RENDERER_DIR;
  const access: AccessConfig = { listenHost: opts.host, interfaceAddresses: interfaceAddresses() };

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...TEXT, Allow: 'GET, HEAD' }).end('only GET and HEAD\n');
      return;
    }
    if (!hostAllowed(req.headers.host, access)) {
      // DNS rebinding: a page on another name that resolves here still says its own name.
      res.writeHead(403, TEXT).end(`kindlab answers only to this machine's own names (localhost, 127.0.0.1, ::1${opts.host === '127.0.0.1' ? '' : ` or ${opts.host}`}), not to ${String(req.headers.host ?? '(no Host header)').slice(0, 100)}.\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://kindlab');
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null) {
      const exchange = creds.exchange(fromQuery);
      const signedIn = creds.hasCookie(req.headers.cookie);
      if (exchange === 'issued' || signedIn) {
        // Trade the token for the cookie and drop it from the address bar.
        res.writeHead(302, { ...(exchange === 'issued' ? { 'Set-Cookie': creds.setCookieHeader() } : {}), Location: url.pathname, 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      if (exchange === 'spent') {
        res.writeHead(403, TEXT).end('This link has been used: its token is good for one visit. Go back to the browser tab that opened it, or stop `kindlab serve` and start it again for a new link.\n');
        return;
      }
    }
    if (!creds.hasCookie(req.headers.cookie)) {
      res.writeHead(403, TEXT).end('Open the URL with the token that `kindlab serve` printed.\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, TEXT).end('bad path\n');
      return;
    }
    serveAsset(dir, path, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://kindlab');
    const ok = url.pathname === '/api' && originAllowed(req.headers.origin, req.headers.host, access) && creds.hasCookie(req.headers.cookie);
    if (!ok) {
      refuseUpgrade(socket, '403 Forbidden');
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
  const hostForUrl = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostForUrl}:${port}/?token=${creds.token}`,
    token: creds.token,
    secret: creds.secret,
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await sessions.dispose();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A browser keeps sockets it opened ahead of time and never used; close() alone would
      // wait for them for minutes (headersTimeout), so a stopping server cuts every connection.
      server.closeAllConnections();
      await closed;
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
    opts.log(zh ? `远程服务器上可用 SSH 隧道：ssh -L ${running.port}:127.0.0.1:${running.port} <服务器>（本地端口可以不同，localhost 也行）` : `On a remote server, tunnel it: ssh -L ${running.port}:127.0.0.1:${running.port} <server> (any local port works, and so does localhost)`);
    opts.log(zh ? '链接中的令牌只能使用一次；换浏览器时请重新启动 kindlab serve。' : 'The token in the URL is good for one visit; for another browser, start kindlab serve again.');
  }
  opts.onListening?.(running.url);
  await (opts.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await running.close();
}
