// @vitest-environment node
// The browser-mode client against a real `ws` server speaking the ClientMessage/ServerMessage
// wire format of electron/server/serve.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer, WebSocket as WsSocket } from 'ws';
import type { ClientMessage, EventEnvelope, ServerMessage } from './contract.ts';
import { ApiFailure } from './failure.ts';
import { type ApiClient, type ConnectionStatus, type SocketLike, backoffDelay, createWsClient } from './ws-client.ts';

interface TestServer {
  url: string;
  sockets: WebSocket[];
  received: ClientMessage[];
  broadcast(event: EventEnvelope): void;
  close(): Promise<void>;
}

type Reply = (msg: ClientMessage, ws: WebSocket) => ServerMessage | null;

async function startTestServer(reply: Reply, port = 0): Promise<TestServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/api' });
  const sockets: WebSocket[] = [];
  const received: ClientMessage[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as ClientMessage;
      received.push(msg);
      const answer = reply(msg, ws);
      if (answer) ws.send(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  const actual = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${actual}/api`,
    sockets,
    received,
    broadcast(event) {
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event } satisfies ServerMessage));
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

const createSocket = (url: string) => new WsSocket(url) as unknown as SocketLike;
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const echoInfo: Reply = (msg) => ({ id: msg.id, envelope: { ok: true, result: { channel: msg.channel, req: msg.req ?? null } } });

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function track(client: ApiClient, server?: TestServer) {
  cleanups.push(() => client.close());
  if (server) cleanups.push(() => server.close());
}

describe('createWsClient', () => {
  it('matches each response to its request, whatever the order of answers', async () => {
    const held: ClientMessage[] = [];
    const server = await startTestServer((msg, ws) => {
      held.push(msg);
      if (held.length === 2) {
        // answer in reverse order
        for (const m of [...held].reverse()) ws.send(JSON.stringify({ id: m.id, envelope: { ok: true, result: `answer to ${m.channel}` } }));
      }
      return null;
    });
    const client = createWsClient({ url: server.url, createSocket });
    track(client, server);
    const [a, b] = await Promise.all([client.invoke('app:info', undefined), client.invoke('labs:list', {})]);
    expect(a).toBe('answer to app:info');
    expect(b).toBe('answer to labs:list');
    expect(server.received.map((m) => m.id)).toEqual([1, 2]);
  });

  it('turns a failure envelope into a thrown ApiFailure carrying the Failure', async () => {
    const failure = { code: 'daemon-unreachable' as const, message: 'Docker does not answer', hint: 'Start Docker Desktop', command: ['docker', 'info'], exitCode: 1, stderrTail: ['Cannot connect'] };
    const server = await startTestServer((msg) => ({ id: msg.id, envelope: { ok: false, failure } }));
    const client = createWsClient({ url: server.url, createSocket });
    track(client, server);
    const err = await client.invoke('cluster:up', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as ApiFailure).failure).toEqual(failure);
    expect((err as ApiFailure).message).toBe('Docker does not answer');
  });

  it('fans events out to every subscriber until they unsubscribe', async () => {
    const server = await startTestServer(echoInfo);
    const client = createWsClient({ url: server.url, createSocket });
    track(client, server);
    await client.invoke('app:info', undefined); // connected
    const a: EventEnvelope[] = [];
    const b: EventEnvelope[] = [];
    const offA = client.subscribe((e) => a.push(e));
    client.subscribe((e) => b.push(e));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    cleanups.push(() => logged.mockRestore());
    client.subscribe(() => {
      throw new Error('a broken view');
    });
    const event: EventEnvelope = { event: 'terminal:data', payload: { sessionId: 's1', data: 'hello' } };
    server.broadcast(event);
    await until(() => a.length === 1 && b.length === 1);
    expect(a[0]).toEqual(event);
    offA();
    server.broadcast({ event: 'terminal:exit', payload: { sessionId: 's1', exitCode: 0 } });
    await until(() => b.length === 2);
    expect(a).toHaveLength(1);
  });

  it('fails requests in flight when the socket drops, reconnects with backoff and sends what waited', async () => {
    let hold = true;
    const server = await startTestServer((msg) => (hold && msg.channel === 'cluster:up' ? null : echoInfo(msg, null as never)));
    const statuses: ConnectionStatus[] = [];
    const client = createWsClient({ url: server.url, createSocket, initialBackoffMs: 50, maxBackoffMs: 200 });
    track(client);
    client.onStatus((s) => statuses.push(s));
    await client.invoke('app:info', undefined);
    expect(client.status().state).toBe('open');

    const inFlight = client.invoke('cluster:up', {}).catch((e: unknown) => e);
    await until(() => server.received.some((m) => m.channel === 'cluster:up'));
    const port = Number(new URL(server.url).port);
    await server.close();
    const err = await inFlight;
    expect(err).toBeInstanceOf(ApiFailure);
    expect((err as ApiFailure).failure.message).toMatch(/connection/i);
    await until(() => client.status().state === 'lost');

    // Asked while down: waits for the next connection instead of failing.
    const waiting = client.invoke('labs:list', {});
    hold = false;
    const again = await startTestServer(echoInfo, port);
    cleanups.push(() => again.close());
    await expect(waiting).resolves.toEqual({ channel: 'labs:list', req: {} });
    const open = statuses.filter((s) => s.state === 'open');
    expect(open.at(-1)?.reconnected).toBe(true);
    expect(statuses.some((s) => s.state === 'lost' && s.attempt >= 1 && s.retryAt !== undefined)).toBe(true);
  });

  it('grows the backoff up to its ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 10_000))).toEqual([500, 1000, 2000, 4000, 8000, 10_000]);
  });
});
