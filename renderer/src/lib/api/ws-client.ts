// Browser mode: KindlabApi over the WebSocket that `kindlab serve` offers at /api (same origin,
// the cookie from the token URL authenticates it). Requests carry an id and are matched with
// their response; events fan out to every subscriber. When the socket drops, requests in flight
// fail, new ones wait, and the client reconnects with exponential backoff.
import type { Channel, ClientMessage, EventEnvelope, Failure, KindlabApi, RequestOf, ResponseOf, ServerMessage } from './contract.ts';
import { ApiFailure } from './failure.ts';

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Failed attempts since the last open connection. */
  attempt: number;
  /** While lost: when the next attempt starts (Date.now() clock). */
  retryAt?: number;
  /** The connection was open before and dropped: server-side terminals and watches are gone. */
  reconnected: boolean;
}

/** What the client needs from a socket: the browser's WebSocket and the `ws` package both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: never) => void) | null;
}

export interface WsClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ConnectionControl {
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Skip the backoff wait and try to connect now. */
  retryNow(): void;
  /** Close for good (tests, page unload). */
  close(): void;
}

/** What the UI holds: the contract plus the state of the connection behind it. */
export type ApiClient = KindlabApi & ConnectionControl;

const OPEN = 1;

interface Waiter {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

function lostConnectionFailure(): Failure {
  return {
    code: 'internal',
    message: 'The connection to kindlab was lost before the answer arrived.',
    hint: 'kindlab reconnects by itself. If `kindlab serve` was stopped, start it again and open the new URL it prints.',
  };
}

export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

export function createWsClient(options: WsClientOptions): ApiClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const initialMs = options.initialBackoffMs ?? 500;
  const maxMs = options.maxBackoffMs ?? 10_000;

  let socket: SocketLike | null = null;
  let nextId = 1;
  let closed = false;
  let everOpen = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let status: ConnectionStatus = { state: 'connecting', attempt: 0, reconnected: false };
  // Requests sent on the current socket; they die with it.
  const pending = new Map<number, Waiter>();
  // Requests made while no socket was open; they go out, in order, as soon as one opens.
  const waiting = new Map<number, Waiter & { msg: ClientMessage }>();
  const listeners = new Set<(e: EventEnvelope) => void>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const l of statusListeners) l(status);
  };

  const onMessage = (data: unknown) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in msg) {
      for (const l of listeners) {
        try {
          l(msg.event);
        } catch (err) {
          // One broken view must not stop the others from hearing the event.
          console.error(err);
        }
      }
      return;
    }
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.envelope.ok) waiter.resolve(msg.envelope.result);
    else waiter.reject(new ApiFailure(msg.envelope.failure));
  };

  const connect = () => {
    retryTimer = null;
    if (closed) return;
    setStatus({ ...status, state: 'connecting' });
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      const reconnected = everOpen;
      everOpen = true;
      setStatus({ state: 'open', attempt: 0, reconnected });
      for (const [id, waiter] of waiting) {
        pending.set(id, waiter);
        ws.send(JSON.stringify(waiter.msg));
      }
      waiting.clear();
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, waiter] of pending) {
        pending.delete(id);
        waiter.reject(new ApiFailure(lostConnectionFailure()));
      }
      if (closed) return;
      const attempt = status.attempt + 1;
      const delay = backoffDelay(attempt, initialMs, maxMs);
      setStatus({ state: 'lost', attempt, retryAt: Date.now() + delay, reconnected: everOpen });
      retryTimer = setTimeout(connect, delay);
    };
  };

  connect();

  return {
    invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
      if (closed) return Promise.reject(new ApiFailure(lostConnectionFailure()));
      const msg: ClientMessage = { id: nextId++, channel, req };
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        const waiter = { resolve: resolve as (v: unknown) => void, reject };
        if (socket && socket.readyState === OPEN) {
          pending.set(msg.id, waiter);
          socket.send(JSON.stringify(msg));
        } else {
          waiting.set(msg.id, { ...waiter, msg });
        }
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    retryNow() {
      if (closed || status.state !== 'lost') return;
      if (retryTimer) clearTimeout(retryTimer);
      connect();
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      ws?.close();
      for (const map of [pending, waiting]) {
        for (const waiter of map.values()) waiter.reject(new ApiFailure(lostConnectionFailure()));
        map.clear();
      }
    },
  };
}
