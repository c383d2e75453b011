import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Forwarder, forwardPort } from '../../test/support/tcp-forward.ts';
import type { EventEnvelope, KindlabApi, ServerMessage } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { type RunningServer, startServer } from './serve.ts';

const running: (RunningServer | Forwarder)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

function fakeEngine(): KindlabApi & { emit(e: EventEnvelope): void } {
  const listeners = new Set<(e: EventEnvelope) => void>();
  return {
    async invoke(channel) {
      if (channel === 'app:info') return { version: 'test' } as never;
      throw new KindlabError({ code: 'cluster-missing', message: 'no cluster', hint: 'run up' });
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
  };
}

async function serve(engine = fakeEngine()) {
  const dir = mkdtempSync(join(tmpdir(), 'kl-ui-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kindlab</title>');
  const s = await startServer({ engine, port: 0, host: '127.0.0.1', lang: 'en', log: () => undefined, rendererDir: dir });
  running.push(s);
  return { s, engine, origin: `http://127.0.0.1:${s.port}` };
}

/** A GET with exactly these headers (fetch will not send a foreign Host). */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Signs in the way a browser does: the token URL, once, for the cookie. */
async function signIn(s: RunningServer, host = `127.0.0.1:${s.port}`): Promise<string> {
  const r = await get(s.port, `/?token=${s.token}`, { Host: host });
  expect(r.status).toBe(302);
  return String(r.headers['set-cookie']).split(';')[0] as string;
}

function connect(port: number, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

async function opens(port: number, headers: Record<string, string>): Promise<boolean> {
  const ws = await connect(port, headers);
  if (ws instanceof WebSocket) {
    ws.close();
    return true;
  }
  expect(ws).toBe(403);
  return false;
}

describe('browser mode: the token and the cookie', () => {
  it('trades the token for an HttpOnly cookie once; the link is spent after that', async () => {
    const { s, origin } = await serve();
    expect((await fetch(`${origin}/`)).status).toBe(403);
    const first = await fetch(s.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kindlab_[0-9a-f]{12}=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(cookie).not.toContain(s.token);
    const page = await fetch(`${origin}/`, { headers: { Cookie: cookie.split(';')[0] as string } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toContain('kindlab');
    // Another browser with the same link: refused, and told why.
    const again = await fetch(s.url, { redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(await again.text()).toMatch(/This link has been used/);
    // The same browser opening it again just loses the token from the address bar.
    const same = await fetch(s.url, { redirect: 'manual', headers: { Cookie: cookie.split(';')[0] as string } });
    expect(same.status).toBe(302);
    expect(same.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${origin}/?token=${'0'.repeat(48)}`, { redirect: 'manual' })).status).toBe(403);
  });

  it('survives a malformed path', async () => {
    const { s } = await serve();
    const cookie = await signIn(s);
    expect((await get(s.port, '/%E0%A4%A', { Host: `127.0.0.1:${s.port}`, Cookie: cookie })).status).toBe(400);
    expect((await get(s.port, '/../../etc/passwd', { Host: `127.0.0.1:${s.port}`, Cookie: cookie })).status).not.toBe(500);
  });
});

describe('browser mode: who may connect', () => {
  it.each(['localhost', '127.0.0.1', '[::1]'])('accepts the page and WebSocket of http://%s:PORT', async (name) => {
    const { s } = await serve();
    const host = `${name}:${s.port}`;
    const cookie = await signIn(s, host);
    expect((await get(s.port, '/', { Host: host, Cookie: cookie })).status).toBe(200);
    expect(await opens(s.port, { Host: host, Origin: `http://${host}`, Cookie: cookie })).toBe(true);
  });

  it('accepts a page reached through another local port, as an SSH tunnel does (a real forwarded port)', async () => {
    const { s } = await serve();
    const tunnel = await forwardPort(s.port);
    running.push(tunnel);
    const host = `localhost:${tunnel.port}`;
    const cookie = await signIn(s, host);
    const page = await fetch(`http://${host}/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const ws = await new Promise<WebSocket | number>((resolve) => {
      const w = new WebSocket(`ws://${host}/api`, { headers: { Origin: `http://${host}`, Cookie: cookie } });
      w.once('open', () => resolve(w));
      w.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0));
    });
    expect(ws).toBeInstanceOf(WebSocket);
    const reply = await new Promise<ServerMessage>((resolve) => {
      (ws as WebSocket).once('message', (m) => resolve(JSON.parse(String(m)) as ServerMessage));
      (ws as WebSocket).send(JSON.stringify({ id: 1, channel: 'app:info' }));
    });
    expect(reply).toEqual({ id: 1, envelope: { ok: true, result: { version: 'test' } } });
    (ws as WebSocket).close();
  });

  it('refuses a foreign Origin, an Origin on another port than the Host, and no Origin', async () => {
    const { s } = await serve();
    const host = `localhost:${s.port}`;
    const cookie = await signIn(s, host);
    expect(await opens(s.port, { Host: host, Origin: 'http://evil.example', Cookie: cookie })).toBe(false);
    expect(await opens(s.port, { Host: host, Origin: `http://localhost:${s.port + 1}`, Cookie: cookie })).toBe(false);
    expect(await opens(s.port, { Host: host, Origin: `http://127.0.0.1:${s.port}`, Cookie: cookie })).toBe(false);
    expect(await opens(s.port, { Host: host, Cookie: cookie })).toBe(false);
  });

  it('refuses a rebinding Host on the page and the WebSocket, even with the cookie and a matching Origin', async () => {
    const { s } = await serve();
    const cookie = await signIn(s);
    const evil = `rebind.evil.example:${s.port}`;
    const page = await get(s.port, '/', { Host: evil, Cookie: cookie });
    expect(page.status).toBe(403);
    expect(page.body).toMatch(/only to this machine's own names/);
    expect((await get(s.port, `/?token=${s.token}`, { Host: evil })).status).toBe(403);
    expect(await opens(s.port, { Host: evil, Origin: `http://${evil}`, Cookie: cookie })).toBe(false);
  });

  it('refuses a WebSocket without the cookie or with a wrong one, and with the spent token in its URL', async () => {
    const { s, origin } = await serve();
    const host = `127.0.0.1:${s.port}`;
    await signIn(s);
    expect(await opens(s.port, { Host: host, Origin: origin })).toBe(false);
    expect(await opens(s.port, { Host: host, Origin: origin, Cookie: 'kindlab_000000000000=00' })).toBe(false);
    const withToken = await new Promise<number>((resolve) => {
      const w = new WebSocket(`ws://${host}/api?token=${s.token}`, { headers: { Origin: origin } });
      w.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0));
      w.once('open', () => resolve(101));
    });
    expect(withToken).toBe(403);
  });
  // A --host LAN address: access.spec.ts (tests here send traffic to loopback only).
});

describe('browser mode: the contract over the socket', () => {
  it('relays the contract: results, failures as data, unknown channels and malformed frames refused, only its own events', async () => {
    const { s, origin, engine } = await serve();
    const cookie = await signIn(s);
    const ws = (await connect(s.port, { Origin: origin, Cookie: cookie })) as WebSocket;
    const messages: ServerMessage[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m)) as ServerMessage));
    ws.send(JSON.stringify({ id: 1, channel: 'app:info', req: undefined }));
    ws.send(JSON.stringify({ id: 2, channel: 'cluster:status', req: {} }));
    ws.send(JSON.stringify({ id: 3, channel: 'shell:exec', req: { cmd: 'rm -rf /' } }));
    ws.send('{not json');
    // Another tab's terminal: not this socket's business. A cluster build: every tab shows it.
    engine.emit({ event: 'terminal:exit', payload: { sessionId: 's', exitCode: 0 } });
    engine.emit({ event: 'op', payload: { opId: 'o', type: 'started', kind: 'up', phases: [] } });
    const deadline = Date.now() + 3000;
    while (messages.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const byId = (id: number) => messages.find((m) => 'id' in m && m.id === id) as Extract<ServerMessage, { id: number }> | undefined;
    expect(byId(1)?.envelope).toEqual({ ok: true, result: { version: 'test' } });
    expect(byId(2)?.envelope).toEqual({ ok: false, failure: { code: 'cluster-missing', message: 'no cluster', hint: 'run up' } });
    expect(byId(3)?.envelope).toMatchObject({ ok: false, failure: { code: 'bad-input' } });
    expect(byId(0)?.envelope).toMatchObject({ ok: false, failure: { code: 'bad-input', message: 'a frame that is not JSON' } });
    expect(messages).toContainEqual({ event: { event: 'op', payload: { opId: 'o', type: 'started', kind: 'up', phases: [] } } });
    expect(messages.some((m) => 'event' in m && m.event.event === 'terminal:exit')).toBe(false);
    ws.close();
  });

  it('stops at once, also with a socket a browser opened ahead of time and never used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-ui-'));
    const s = await startServer({ engine: fakeEngine(), port: 0, host: '127.0.0.1', lang: 'en', log: () => undefined, rendererDir: dir });
    const { connect: tcp } = await import('node:net');
    const idle = tcp(s.port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    idle.destroy();
  });

  it('names a taken port instead of crashing', async () => {
    const { s } = await serve();
    const err = await startServer({ engine: fakeEngine(), port: s.port, host: '127.0.0.1', lang: 'en', log: () => undefined }).catch((e: unknown) => e);
    expect((err as KindlabError).failure).toMatchObject({ code: 'port-in-use', message: `port ${s.port} on 127.0.0.1 is already in use` });
  });
});
