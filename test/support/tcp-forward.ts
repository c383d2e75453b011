// What `ssh -L LOCAL:127.0.0.1:PORT` does, on one machine: a port on loopback whose connections
// are piped to another. The browser then talks to the server through a port it never listened
// on, and says so in its Host and Origin headers.
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';

export interface Forwarder {
  port: number;
  close(): Promise<void>;
}

export async function forwardPort(targetPort: number, targetHost = '127.0.0.1'): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
