// A bounded fuzz run of the browser-mode boundary: thousands of random and mutated frames over a
// real WebSocket, and as many random requests straight into a session. Seeded, so a failure
// replays. What must hold: the server answers every frame that carries an id, never crashes, never
// leaves a promise rejected unhandled, and the engine behind it sees only requests its channel's
// schema accepts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Channel, EventEnvelope, KindlabApi, ServerMessage } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { CHANNELS, isChannel } from '../hosts/channels.ts';
import { SAMPLE_REQUESTS } from '../../test/fakes/engine/hosts/samples.ts';
import { checkRequest } from '../hosts/schemas.ts';
import { createSessionHost } from '../hosts/session.ts';
import { startServer } from './serve.ts';

const FRAMES = 4000;
const REQUESTS = 6000;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const WEIRD_STRINGS = ['', ' ', '__proto__', 'constructor', 'prototype', '\u0000', '../../etc/passwd', 'x'.repeat(5000), '😀', '\ud800', 'null', '1e309', '<script>'];
const WEIRD_NUMBERS = [0, -1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -0, 2 ** 31];

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick(WEIRD_NUMBERS);
    case 3:
      return r.pick(WEIRD_STRINGS);
    case 4:
      return r.pick([...CHANNELS, 'en', 'zh', 'pods', 'fast', 'calico']);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) o[r.pick([...WEIRD_STRINGS.slice(0, 6), 'settings', 'opId', 'sessionId', 'watchId', 'id', 'lang', 'cols', 'data'])] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** A well-formed request with one to three things wrong with it (or, sometimes, none). */
function mutate(r: Rng, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || r.next() < 0.3) return r.next() < 0.5 ? randomValue(r) : value;
  const o = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(o);
  const what = r.int(4);
  if (what === 0 && keys.length) delete o[r.pick(keys)];
  else if (what === 1 && keys.length) {
    const k = r.pick(keys);
    o[k] = mutate(r, o[k], depth + 1);
  } else if (what === 2) o[r.pick(WEIRD_STRINGS.slice(0, 6))] = randomValue(r);
  else if (keys.length) o[r.pick(keys)] = randomValue(r);
  return o;
}

function randomRequest(r: Rng): { channel: unknown; req: unknown } {
  const channel = r.pick(CHANNELS);
  if (r.next() < 0.1) return { channel: randomValue(r), req: randomValue(r) };
  return { channel, req: mutate(r, SAMPLE_REQUESTS[channel]) };
}

/** An engine that records every request that reaches it, and whether its schema accepts it. */
function recordingEngine() {
  const listeners = new Set<(e: EventEnvelope) => void>();
  const seen: Channel[] = [];
  const invalid: [Channel, unknown][] = [];
  let n = 0;
  const engine: KindlabApi = {
    invoke: (async (channel: Channel, req: unknown) => {
      seen.push(channel);
      if (!checkRequest(channel, req).ok) invalid.push([channel, req]);
      if (channel === 'terminal:open') return { sessionId: `t${++n}`, shell: '/bin/sh', kubeconfig: '/k' };
      if (channel === 'op:list') return { ops: [] };
      if (n % 3 === 0) throw new KindlabError({ code: 'cluster-missing', message: 'no cluster', hint: 'run up' });
      if (n % 7 === 0) throw new Error('a bug');
      return {};
    }) as KindlabApi['invoke'],
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { engine, seen, invalid };
}

const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

describe('fuzzing the boundary', () => {
  it(`answers ${REQUESTS} random and mutated requests to a session as envelopes; the engine sees only valid ones`, async () => {
    const r = prng(20260601);
    const { engine, seen, invalid } = recordingEngine();
    const host = createSessionHost(engine);
    const session = host.open(() => undefined);
    let refused = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const { channel, req } = randomRequest(r);
      const envelope = await session.request(channel, req);
      expect(typeof envelope.ok).toBe('boolean');
      if (!envelope.ok && envelope.failure.code === 'bad-input') refused++;
      if (!isChannel(channel)) expect(envelope.ok).toBe(false);
    }
    await session.close();
    await host.dispose();
    expect(invalid).toEqual([]);
    // Both sides were exercised: many refused at the door, many relayed.
    expect(refused).toBeGreaterThan(REQUESTS / 4);
    expect(seen.length).toBeGreaterThan(REQUESTS / 10);
    expect(host.stats()).toMatchObject({ sessions: 0, terminals: 0, watches: 0 });
    expect(unhandled).toEqual([]);
  });

  it(`survives ${FRAMES} random and mutated WebSocket frames and still answers`, async () => {
    const r = prng(7);
    const { engine, invalid } = recordingEngine();
    const dir = mkdtempSync(join(tmpdir(), 'kl-fuzz-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kindlab</title>');
    const server = await startServer({ engine, port: 0, host: '127.0.0.1', lang: 'en', log: () => undefined, rendererDir: dir });
    try {
      const origin = `http://127.0.0.1:${server.port}`;
      const first = await fetch(server.url, { redirect: 'manual' });
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: { Origin: origin, Cookie: cookie } });
      await new Promise((res, rej) => {
        ws.once('open', res);
        ws.once('error', rej);
      });
      const replies = new Map<number, number>();
      ws.on('message', (m) => {
        const msg = JSON.parse(String(m)) as ServerMessage;
        if ('id' in msg) replies.set(msg.id, (replies.get(msg.id) ?? 0) + 1);
      });
      const expected = new Set<number>();
      for (let i = 0; i < FRAMES; i++) {
        const kind = r.int(10);
        if (kind === 0) {
          ws.send(Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256))));
        } else if (kind === 1) {
          ws.send(Array.from({ length: r.int(40) }, () => String.fromCharCode(r.int(0x3000))).join(''));
        } else if (kind === 2) {
          ws.send(JSON.stringify(randomValue(r)) ?? 'undefined');
        } else {
          // Ids from 1000 up are the frames that must be answered under their own id.
          const id = 1000 + i;
          const { channel, req } = randomRequest(r);
          expected.add(id);
          ws.send(JSON.stringify({ id, channel, req }));
        }
      }
      ws.send(JSON.stringify({ id: 1, channel: 'app:info' }));
      const deadline = Date.now() + 20_000;
      while (!replies.has(1) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(replies.get(1)).toBe(1);
      const unanswered = [...expected].filter((id) => replies.get(id) !== 1);
      expect(unanswered).toEqual([]);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.close();
      expect(invalid).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
