import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventEnvelope, KindlabApi, ServerMessage } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { type RunningServer, startServer } from './serve.ts';

const running: RunningServer[] = [];
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

function connect(url: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

describe('browser mode', () => {
  it('trades the token for a cookie and refuses requests without it', async () => {
    const { s, origin } = await serve();
    expect((await fetch(`${origin}/`)).status).toBe(403);
    const first = await fetch(s.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('set-cookie')).toMatch(new RegExp(`kindlab_token=${s.token}; HttpOnly; SameSite=Strict`));
    const page = await fetch(`${origin}/`, { headers: { Cookie: `kindlab_token=${s.token}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toContain('kindlab');
    expect((await fetch(`${origin}/../../etc/passwd`, { headers: { Cookie: `kindlab_token=${s.token}` } })).status).not.toBe(500);
  });

  it('accepts a WebSocket only with the token and from its own origin', async () => {
    const { s, origin } = await serve();
    const ws = `ws://127.0.0.1:${s.port}/api`;
    expect(await connect(ws, { Origin: origin })).toBe(403);
    expect(await connect(ws, { Origin: 'http://evil.example', Cookie: `kindlab_token=${s.token}` })).toBe(403);
    expect(await connect(ws, { Origin: origin, Cookie: 'kindlab_token=0000' })).toBe(403);
    const ok = await connect(ws, { Origin: origin, Cookie: `kindlab_token=${s.token}` });
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
  });

  it('relays the contract: results, failures as data, unknown channels and malformed frames refused, only its own events', async () => {
    const { s, origin, engine } = await serve();
    const ws = (await connect(`ws://127.0.0.1:${s.port}/api`, { Origin: origin, Cookie: `kindlab_token=${s.token}` })) as WebSocket;
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

  it('names a taken port instead of crashing', async () => {
    const { s } = await serve();
    const err = await startServer({ engine: fakeEngine(), port: s.port, host: '127.0.0.1', lang: 'en', log: () => undefined }).catch((e: unknown) => e);
    expect((err as KindlabError).failure).toMatchObject({ code: 'port-in-use', message: `port ${s.port} on 127.0.0.1 is already in use` });
  });
});
