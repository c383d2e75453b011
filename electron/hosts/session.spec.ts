import { describe, expect, it } from 'vitest';
import type { Channel, EventEnvelope, KindlabApi, OpKind, RunningOp } from '../api.ts';
import { KindlabError } from '../engine/errors.ts';
import { createSessionHost } from './session.ts';

/** An engine that keeps what it was asked to open, and runs operations until told to finish. */
function fakeEngine() {
  const listeners = new Set<(e: EventEnvelope) => void>();
  const terminals = new Set<string>();
  const watches = new Set<string>();
  const calls: [Channel, unknown][] = [];
  const finishers = new Map<string, () => void>();
  const running = new Map<string, OpKind>();
  let n = 0;
  const emit = (e: EventEnvelope) => {
    for (const l of listeners) l(e);
  };
  const operation = (kind: OpKind, opId: string) =>
    new Promise((resolve) => {
      running.set(opId, kind);
      emit({ event: 'op', payload: { opId, type: 'started', kind, phases: [] } });
      finishers.set(opId, () => {
        running.delete(opId);
        emit({ event: 'op', payload: { opId, type: 'finished', ok: true, durationMs: 1, phases: [] } });
        resolve({ ok: true });
      });
    });
  const engine: KindlabApi = {
    invoke: (async (channel: Channel, req: never) => {
      calls.push([channel, req]);
      const r = req as Record<string, string>;
      switch (channel) {
        case 'terminal:open': {
          const sessionId = `t${++n}`;
          terminals.add(sessionId);
          return { sessionId, shell: '/bin/sh', kubeconfig: '/k' };
        }
        case 'terminal:close':
          terminals.delete(r.sessionId as string);
          return undefined;
        case 'watch:start':
          watches.add(r.watchId as string);
          return undefined;
        case 'watch:stop':
          watches.delete(r.watchId as string);
          return undefined;
        case 'lab:run':
          return operation('lab-run', r.opId as string);
        case 'cluster:up':
          return operation('up', r.opId as string);
        case 'cache:warm':
          return operation('cache-warm', r.opId as string);
        case 'bundle:import':
          return operation('bundle-import', r.opId as string);
        case 'op:list':
          return { ops: [...running].map(([opId, kind]): RunningOp => ({ opId, kind, phases: [], startedAt: 0, log: [] })) };
        case 'doctor:run':
          throw new KindlabError({ code: 'daemon-unreachable', message: 'Docker does not answer', hint: 'Start Docker' });
        default:
          return { channel };
      }
    }) as KindlabApi['invoke'],
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { engine, emit, terminals, watches, calls, finishers, listeners };
}

function client(host: ReturnType<typeof createSessionHost>) {
  const events: EventEnvelope[] = [];
  const session = host.open((e) => events.push(e));
  return { session, events, ask: (channel: string, req?: unknown) => session.request(channel, req) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('session', () => {
  it('relays results, turns engine errors into failures, and refuses unknown channels before the engine', async () => {
    const f = fakeEngine();
    const a = client(createSessionHost(f.engine));
    expect(await a.ask('app:info')).toEqual({ ok: true, result: { channel: 'app:info' } });
    expect(await a.ask('doctor:run', {})).toEqual({ ok: false, failure: { code: 'daemon-unreachable', message: 'Docker does not answer', hint: 'Start Docker' } });
    expect(await a.ask('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, failure: { code: 'bad-input', message: 'unknown request shell:exec' } });
    expect(f.calls.map(([c]) => c)).toEqual(['app:info', 'doctor:run']);
  });

  it('gives a terminal’s output only to the session that opened it, and refuses input from another', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const a = client(host);
    const b = client(host);
    const opened = await a.ask('terminal:open', { cols: 80, rows: 24 });
    const sessionId = (opened as { result: { sessionId: string } }).result.sessionId;
    f.emit({ event: 'terminal:data', payload: { sessionId, data: 'secret' } });
    expect(a.events).toEqual([{ event: 'terminal:data', payload: { sessionId, data: 'secret' } }]);
    expect(b.events).toEqual([]);
    for (const [channel, req] of [
      ['terminal:input', { sessionId, data: 'rm -rf ~\r' }],
      ['terminal:resize', { sessionId, cols: 10, rows: 10 }],
      ['terminal:ack', { sessionId, chars: 100 }],
      ['terminal:close', { sessionId }],
    ] as const) {
      expect(await b.ask(channel, req)).toMatchObject({ ok: false, failure: { code: 'bad-input', message: `terminal ${sessionId} is not open in this window` } });
    }
    expect(f.calls.filter(([c]) => c !== 'terminal:open')).toEqual([]);
    expect(await a.ask('terminal:input', { sessionId, data: 'ls\r' })).toMatchObject({ ok: true });
    f.emit({ event: 'terminal:exit', payload: { sessionId, exitCode: 0 } });
    expect(b.events).toEqual([]);
    expect(host.stats().terminals).toBe(0);
  });

  it('keeps each session’s watch ids its own', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const a = client(host);
    const b = client(host);
    await a.ask('watch:start', { watchId: 'pods', target: { kind: 'pods' } });
    await b.ask('watch:start', { watchId: 'pods', target: { kind: 'pods' } });
    expect(f.watches.size).toBe(2);
    const [ida, idb] = [...f.watches];
    f.emit({ event: 'watch', payload: { watchId: ida as string, type: 'delete', uid: 'u1' } });
    f.emit({ event: 'watch', payload: { watchId: idb as string, type: 'delete', uid: 'u2' } });
    expect(a.events).toEqual([{ event: 'watch', payload: { watchId: 'pods', type: 'delete', uid: 'u1' } }]);
    expect(b.events).toEqual([{ event: 'watch', payload: { watchId: 'pods', type: 'delete', uid: 'u2' } }]);
    await b.ask('watch:stop', { watchId: 'pods' });
    expect([...f.watches]).toEqual([ida]);
  });

  it('sends an operation’s events to its starter and to sessions that re-attached with op:list; lifecycle operations to all', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const a = client(host);
    const b = client(host);
    const run = a.ask('lab:run', { id: 'services', opId: 'lab-1' });
    await tick();
    expect(a.events.map((e) => e.event === 'op' && e.payload.type)).toEqual(['started']);
    expect(b.events).toEqual([]);
    // b is a reloaded tab: op:list finds the run and b hears the rest of it.
    const listed = await b.ask('op:list');
    expect(listed).toMatchObject({ ok: true, result: { ops: [{ opId: 'lab-1', kind: 'lab-run' }] } });
    f.finishers.get('lab-1')?.();
    await run;
    expect(b.events.map((e) => e.event === 'op' && e.payload.type)).toEqual(['finished']);
    // A build is the machine's: every session shows it.
    const c = client(host);
    const up = a.ask('cluster:up', {});
    await tick();
    const upId = (f.calls.find(([ch]) => ch === 'cluster:up')?.[1] as { opId: string }).opId;
    expect(upId).toMatch(new RegExp(`^${a.session.id}-`));
    expect(c.events).toMatchObject([{ event: 'op', payload: { opId: upId, type: 'started', kind: 'up' } }]);
    f.finishers.get(upId)?.();
    await up;
    expect(host.stats()).toMatchObject({ opSubscriptions: 0, opKinds: 0 });
  });

  it('sends the cache’s and the bundle’s operations to the window that started them, as it does a lab run', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const a = client(host);
    const b = client(host);
    for (const [channel, req] of [
      ['cache:warm', {}],
      ['bundle:import', { file: '/tmp/b.tar' }],
    ] as const) {
      const before = a.events.length;
      const run = a.ask(channel, req);
      await tick();
      const opId = (f.calls.findLast(([ch]) => ch === channel)?.[1] as { opId: string }).opId;
      expect(opId).toMatch(new RegExp(`^${a.session.id}-`));
      f.finishers.get(opId)?.();
      await run;
      expect(a.events.slice(before).map((e) => e.event === 'op' && e.payload.type)).toEqual(['started', 'finished']);
    }
    expect(b.events).toEqual([]);
    expect(host.stats()).toMatchObject({ opSubscriptions: 0, opKinds: 0 });
  });

  it('releases everything of 200 sessions that opened terminals, watches and operations, and nothing is left', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const runs: Promise<unknown>[] = [];
    const clients = [];
    for (let i = 0; i < 200; i++) {
      const c = client(host);
      clients.push(c);
      await c.ask('terminal:open', { cols: 80, rows: 24 });
      await c.ask('terminal:open', { cols: 80, rows: 24 });
      await c.ask('watch:start', { watchId: 'pods', target: { kind: 'pods' } });
      await c.ask('watch:start', { watchId: 'svc', target: { kind: 'services' } });
      runs.push(c.ask('lab:run', { id: 'services', opId: `op-${i}` }));
      await c.ask('op:list');
    }
    expect(host.stats()).toMatchObject({ sessions: 200, terminals: 400, watches: 400, opSubscriptions: 200 });
    expect(f.terminals.size).toBe(400);
    await Promise.all(clients.map((c) => c.session.close()));
    expect(host.stats()).toEqual({ sessions: 0, terminals: 0, watches: 0, opSubscriptions: 0, opKinds: 200 });
    expect(f.terminals.size).toBe(0);
    expect(f.watches.size).toBe(0);
    // The operations outlive their tabs (another tab may re-attach); once they finish, nothing is left.
    for (const finish of f.finishers.values()) finish();
    await Promise.all(runs);
    expect(host.stats().opKinds).toBe(0);
    expect(clients.every((c) => c.events.every((e) => e.event === 'op' && e.payload.type === 'started'))).toBe(true);
    await host.dispose();
    expect(f.listeners.size).toBe(0);
  });

  it('closes a terminal that opens after its session closed, and refuses requests once closed', async () => {
    const f = fakeEngine();
    const host = createSessionHost(f.engine);
    const a = client(host);
    const opening = a.ask('terminal:open', { cols: 80, rows: 24 });
    await a.session.close();
    await opening;
    await tick();
    expect(f.terminals.size).toBe(0);
    expect(await a.ask('app:info')).toMatchObject({ ok: false, failure: { code: 'bad-input' } });
    expect(host.stats().terminals).toBe(0);
  });
});
