import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypassesProxy, classifyReachError, proxyFor, reach } from './reach.ts';

describe('proxyFor', () => {
  it('reads the proxy as curl and containerd do, and honours NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://proxy.corp:3128', no_proxy: 'localhost,127.0.0.1,.internal' };
    expect(proxyFor(new URL('https://quay.io/v2/'), env)?.host).toBe('proxy.corp:3128');
    expect(proxyFor(new URL('https://registry.internal/v2/'), env)).toBeNull();
    expect(proxyFor(new URL('http://127.0.0.1:8080/x'), { HTTP_PROXY: 'proxy:80', NO_PROXY: '127.0.0.1' })).toBeNull();
    expect(proxyFor(new URL('http://example.com/'), { https_proxy: 'http://p:1' })).toBeNull();
    expect(proxyFor(new URL('http://example.com/'), { http_proxy: 'p:8080' })?.href).toBe('http://p:8080/');
  });

  it('matches NO_PROXY entries by suffix, port and wildcard', () => {
    expect(bypassesProxy('a.b.example', '443', 'example')).toBe(true);
    expect(bypassesProxy('notexample', '443', 'example')).toBe(false);
    expect(bypassesProxy('quay.io', '443', 'quay.io:80')).toBe(false);
    expect(bypassesProxy('anything', '80', '*')).toBe(true);
  });

  it('names what went wrong', () => {
    expect(classifyReachError('ENOTFOUND')).toBe('dns');
    expect(classifyReachError('ECONNREFUSED')).toBe('refused');
    expect(classifyReachError('ENETUNREACH')).toBe('unreachable');
    expect(classifyReachError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('tls');
  });
});

describe('reach (against servers on this machine only)', () => {
  let web: Server;
  let silent: ReturnType<typeof createTcpServer>;
  let proxy: Server;
  let closedPort = 0;
  const port = (s: { address(): AddressInfo | string | null }) => (s.address() as AddressInfo).port;
  const connects: string[] = [];
  let proxyAnswer = 200;
  const sockets: import('node:net').Socket[] = [];

  beforeAll(async () => {
    web = createServer((_req, res) => res.writeHead(401).end());
    silent = createTcpServer((socket) => sockets.push(socket)); // accepts, never answers
    proxy = createServer((_req, res) => res.writeHead(502).end());
    proxy.on('connect', (req, socket) => {
      connects.push(req.url ?? '');
      socket.end(`HTTP/1.1 ${proxyAnswer} ${proxyAnswer === 200 ? 'Connection established' : 'Bad Gateway'}\r\n\r\n`);
    });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    closedPort = port(closed);
    await new Promise<void>((r) => closed.close(() => r()));
    await Promise.all([web, silent, proxy].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    web.closeAllConnections();
    proxy.closeAllConnections();
    await Promise.all([web, silent, proxy].map((s) => new Promise((r) => s.close(r))));
  });

  it('counts any HTTP answer as reachable (a registry’s /v2/ answers 401)', async () => {
    expect(await reach(`http://127.0.0.1:${port(web)}/v2/`, {})).toEqual({ ok: true, via: 'direct' });
  });

  it('tells a refused connection and a silent host apart, within the bound', async () => {
    expect(await reach(`http://127.0.0.1:${closedPort}/`, {})).toMatchObject({ ok: false, why: 'refused' });
    const t0 = Date.now();
    expect(await reach(`http://127.0.0.1:${port(silent)}/`, {}, 200)).toMatchObject({ ok: false, why: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('goes through HTTPS_PROXY with CONNECT, and reports what the proxy said', async () => {
    const env = { HTTPS_PROXY: `http://127.0.0.1:${port(proxy)}` };
    proxyAnswer = 200;
    expect(await reach('https://quay.io/v2/', env)).toEqual({ ok: true, via: 'proxy' });
    expect(connects.at(-1)).toBe('quay.io:443');
    proxyAnswer = 502;
    expect(await reach('https://registry.k8s.io/v2/', env)).toMatchObject({ ok: false, via: 'proxy', why: 'proxy' });
  });
});
