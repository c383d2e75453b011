// One client of the contract (an Electron window, a browser tab's WebSocket) as a session: the
// only place where requests are checked and where terminals, watches and operations are tied to
// the client that opened them. The hosts are transports around it: they carry frames in and
// events out, and close the session when their client goes.
//
//   - Terminals belong to the session that opened them: their output goes only there, and input,
//     resize, ack or close from another session is refused.
//   - Watches are the session's too. Their ids are the client's own, so two tabs may both call a
//     watch "pods": the engine sees them prefixed with the session's id.
//   - Operations are the machine's, not the tab's: they outlive the tab that started them, and
//     any session may cancel one. A session hears the operations it started and those it
//     re-attached to with `op:list`; lifecycle operations (up, down, reset) are heard by every
//     session, because each one shows the cluster and the lifecycle lock is the machine's.
//   - Every request is checked against its channel's schema first (schemas.ts).
//   - Closing a session stops its watches, closes its terminals and drops its subscriptions.
import { randomBytes } from 'node:crypto';
import type { Channel, Envelope, EventEnvelope, Failure, KindlabApi, OpKind, RequestOf, ResponseOf, RunningOp } from '../api.ts';
import { KindlabError, toFailure } from '../engine/errors.ts';
import { isChannel } from './channels.ts';
import { checkRequest } from './schemas.ts';

const LIFECYCLE_KINDS: ReadonlySet<OpKind> = new Set(['up', 'down', 'reset-fast', 'reset-full']);

/** Requests that start an operation: the session picks the opId when the client did not. */
const OP_CHANNELS: ReadonlySet<Channel> = new Set(['cluster:up', 'cluster:down', 'cluster:reset', 'lab:run', 'lab:cleanup', 'cache:warm', 'cache:clear', 'bundle:export', 'bundle:import']);

const TERMINAL_CHANNELS: ReadonlySet<Channel> = new Set(['terminal:input', 'terminal:resize', 'terminal:ack', 'terminal:close']);

export interface Session {
  readonly id: string;
  /** One request from this client, answered as an Envelope: failures are data, it never rejects. */
  request(channel: unknown, req: unknown): Promise<Envelope<unknown>>;
  /** Releases everything the session opened; later requests are refused. */
  close(): Promise<void>;
}

export interface SessionHostStats {
  sessions: number;
  terminals: number;
  watches: number;
  /** Operations some session is subscribed to by id. */
  opSubscriptions: number;
  /** Operations whose kind is remembered until they finish. */
  opKinds: number;
}

export interface SessionHost {
  /** A new session; `deliver` receives the events meant for it. */
  open(deliver: (event: EventEnvelope) => void): Session;
  /** What the host still holds (the leak test proves it returns to zero). */
  stats(): SessionHostStats;
  /** Closes every session and stops listening to the engine (server stopping). */
  dispose(): Promise<void>;
}

interface SessionState extends Session {
  deliver(event: EventEnvelope): void;
  readonly terminals: Set<string>;
  /** client watchId → engine watchId */
  readonly watches: Map<string, string>;
  readonly ops: Set<string>;
}

const refused = (message: string, hint: string): { ok: false; failure: Failure } => ({ ok: false, failure: { code: 'bad-input', message, hint } });

export function createSessionHost(engine: KindlabApi): SessionHost {
  const sessions = new Set<SessionState>();
  /** engine terminal sessionId → the session that opened it */
  const terminalOwner = new Map<string, SessionState>();
  /** engine watchId → its session and the client's own id */
  const watchOwner = new Map<string, { session: SessionState; clientId: string }>();
  /** opId → sessions that asked to hear it */
  const opSubscribers = new Map<string, Set<SessionState>>();
  /** opId → kind, from its `started` event until `finished` (later events do not carry it) */
  const opKinds = new Map<string, OpKind>();

  const subscribeOp = (opId: string, s: SessionState) => {
    let set = opSubscribers.get(opId);
    if (!set) opSubscribers.set(opId, (set = new Set()));
    set.add(s);
    s.ops.add(opId);
  };
  const unsubscribeOp = (opId: string, s: SessionState) => {
    const set = opSubscribers.get(opId);
    set?.delete(s);
    if (set?.size === 0) opSubscribers.delete(opId);
    s.ops.delete(opId);
  };

  const route = (e: EventEnvelope) => {
    switch (e.event) {
      case 'terminal:data':
      case 'terminal:exit': {
        const owner = terminalOwner.get(e.payload.sessionId);
        if (e.event === 'terminal:exit' && owner) {
          terminalOwner.delete(e.payload.sessionId);
          owner.terminals.delete(e.payload.sessionId);
        }
        owner?.deliver(e);
        return;
      }
      case 'watch': {
        const rec = watchOwner.get(e.payload.watchId);
        rec?.session.deliver({ event: 'watch', payload: { ...e.payload, watchId: rec.clientId } });
        return;
      }
      case 'op': {
        const p = e.payload;
        if (p.type === 'started') opKinds.set(p.opId, p.kind);
        const kind = opKinds.get(p.opId);
        const targets = kind && LIFECYCLE_KINDS.has(kind) ? sessions : (opSubscribers.get(p.opId) ?? new Set<SessionState>());
        for (const s of targets) s.deliver(e);
        if (p.type === 'finished') {
          opKinds.delete(p.opId);
          for (const s of [...(opSubscribers.get(p.opId) ?? [])]) unsubscribeOp(p.opId, s);
        }
        return;
      }
    }
  };
  const unsubscribe = engine.subscribe(route);

  const invoke = <C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> => engine.invoke(channel, req);

  function open(deliver: (event: EventEnvelope) => void): Session {
    const id = randomBytes(8).toString('hex');
    let closed = false;

    async function relay(channel: Channel, req: unknown, s: SessionState): Promise<unknown> {
      if (channel === 'terminal:open') {
        // The engine spawns the shell and answers within the same turn; its first output comes
        // through a timer, so the owner is known before any terminal:data can arrive.
        const t = await invoke('terminal:open', req as RequestOf<'terminal:open'>);
        if (closed) {
          void invoke('terminal:close', { sessionId: t.sessionId }).catch(() => undefined);
        } else {
          terminalOwner.set(t.sessionId, s);
          s.terminals.add(t.sessionId);
        }
        return t;
      }
      if (TERMINAL_CHANNELS.has(channel)) {
        const sessionId = (req as { sessionId: string }).sessionId;
        if (!s.terminals.has(sessionId)) throw new KindlabError(refused(`terminal ${sessionId} is not open in this window`, 'Each window has its own terminal: open one here.').failure);
        const result = await engine.invoke(channel, req as never);
        if (channel === 'terminal:close') {
          terminalOwner.delete(sessionId);
          s.terminals.delete(sessionId);
        }
        return result;
      }
      if (channel === 'watch:start') {
        const { watchId, target } = req as RequestOf<'watch:start'>;
        const engineId = s.watches.get(watchId) ?? `${id}/${watchId}`;
        s.watches.set(watchId, engineId);
        watchOwner.set(engineId, { session: s, clientId: watchId });
        try {
          return await invoke('watch:start', { watchId: engineId, target });
        } catch (err) {
          s.watches.delete(watchId);
          watchOwner.delete(engineId);
          throw err;
        }
      }
      if (channel === 'watch:stop') {
        const { watchId } = req as RequestOf<'watch:stop'>;
        const engineId = s.watches.get(watchId);
        // Stopping a watch this session does not have is a no-op, as it is in the engine.
        if (!engineId) return undefined;
        s.watches.delete(watchId);
        watchOwner.delete(engineId);
        return invoke('watch:stop', { watchId: engineId });
      }
      if (OP_CHANNELS.has(channel)) {
        // Subscribed before the request goes out, so `started` is heard; the id is chosen here
        // when the client left it out, because an id the engine invents would come too late.
        const opId = (req as { opId?: string }).opId ?? `${id}-${randomBytes(6).toString('hex')}`;
        const wasSubscribed = s.ops.has(opId);
        subscribeOp(opId, s);
        try {
          return await engine.invoke(channel, { ...(req as object), opId } as never);
        } finally {
          // `finished` has been delivered by now; a refused request (busy, bad id) had none.
          if (!wasSubscribed) unsubscribeOp(opId, s);
        }
      }
      if (channel === 'op:list') {
        const listed = await invoke('op:list', undefined);
        if (!closed) for (const op of listed.ops as RunningOp[]) subscribeOp(op.opId, s);
        return listed;
      }
      return engine.invoke(channel, req as never);
    }

    const s: SessionState = {
      id,
      deliver(event) {
        if (closed) return;
        try {
          deliver(event);
        } catch {
          // a transport that just went away must not break the engine's other listeners
        }
      },
      terminals: new Set(),
      watches: new Map(),
      ops: new Set(),
      async request(channel, req) {
        if (closed) return refused('this window’s session is closed', 'Reload the page.');
        if (!isChannel(channel)) {
          // Not String(channel): an object without a prototype has no way to become a string.
          const name = typeof channel === 'string' ? channel.slice(0, 80) : `(a ${channel === null ? 'null' : typeof channel})`;
          return refused(`unknown request ${name}`, 'The page and kindlab are out of step: reload the page.');
        }
        // Nothing reaches the engine that its channel's schema does not accept (schemas.ts).
        const checked = checkRequest(channel, req);
        if (!checked.ok) return { ok: false, failure: checked.failure };
        try {
          return { ok: true, result: await relay(channel, checked.req, s) };
        } catch (err) {
          return { ok: false, failure: err instanceof KindlabError ? err.failure : toFailure(err) };
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        sessions.delete(s);
        const closing: Promise<unknown>[] = [];
        for (const sessionId of s.terminals) {
          terminalOwner.delete(sessionId);
          closing.push(invoke('terminal:close', { sessionId }));
        }
        for (const engineId of s.watches.values()) {
          watchOwner.delete(engineId);
          closing.push(invoke('watch:stop', { watchId: engineId }));
        }
        s.terminals.clear();
        s.watches.clear();
        for (const opId of [...s.ops]) unsubscribeOp(opId, s);
        await Promise.allSettled(closing);
      },
    };
    sessions.add(s);
    return s;
  }

  return {
    open,
    stats: () => ({ sessions: sessions.size, terminals: terminalOwner.size, watches: watchOwner.size, opSubscriptions: opSubscribers.size, opKinds: opKinds.size }),
    async dispose() {
      await Promise.allSettled([...sessions].map((s) => s.close()));
      unsubscribe();
    },
  };
}
