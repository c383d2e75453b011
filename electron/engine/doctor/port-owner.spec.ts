import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as fx from '../../../test/fakes/engine/doctor/fixtures.ts';
import { type BindResult, type PortProbeDeps, findPortOwner, listenerConflicts, systemPortDeps } from './port-owner.ts';

function deps(platform: NodeJS.Platform, bind: BindResult, files: Record<string, string> = {}, tools: Record<string, string> = {}): PortProbeDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform,
    calls,
    tryBind: async () => bind,
    readFile: async (p) => files[p] ?? null,
    exec: async (file, args) => {
      calls.push([file, ...args].join(' '));
      return tools[file] ?? null;
    },
  };
}

describe('listenerConflicts', () => {
  it('matches wildcard listeners against any bind and specific ones only against themselves', () => {
    expect(listenerConflicts('0.0.0.0', '127.0.0.1')).toBe(true);
    expect(listenerConflicts('::', '127.0.0.1')).toBe(true);
    expect(listenerConflicts('::ffff:127.0.0.1', '127.0.0.1')).toBe(true);
    expect(listenerConflicts('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(listenerConflicts('192.168.1.20', '127.0.0.1')).toBe(false);
    expect(listenerConflicts('192.168.1.20', '0.0.0.0')).toBe(true);
    expect(listenerConflicts('::1', '0.0.0.0')).toBe(false);
  });
});

describe('findPortOwner', () => {
  it('answers free when the port binds, without running anything', async () => {
    const d = deps('linux', 'free');
    expect(await findPortOwner(80, '127.0.0.1', d)).toBe('free');
    expect(d.calls).toEqual([]);
  });

  it('names the holder on Linux with ss', async () => {
    const d = deps('linux', 'in-use', {}, { ss: fx.SS_NGINX });
    expect(await findPortOwner(80, '127.0.0.1', d)).toEqual({ pid: 1234, name: 'nginx' });
    expect(d.calls).toEqual(["ss -ltnpH sport = :80"]);
  });

  it('reports an unnamed holder when ss hides other users’ processes', async () => {
    expect(await findPortOwner(80, '127.0.0.1', deps('linux', 'in-use', {}, { ss: fx.SS_NO_PROCESS }))).toEqual({ pid: null, name: null });
  });

  it('falls back to /proc/net/tcp when a non-root bind is refused', async () => {
    const files = { '/proc/net/tcp': fx.PROC_NET_TCP, '/proc/net/tcp6': fx.PROC_NET_TCP6 };
    // 0.0.0.0:80 is listed: taken. Nothing on 8443: free.
    expect(await findPortOwner(80, '127.0.0.1', deps('linux', 'denied', files, { ss: fx.SS_NO_PROCESS }))).toEqual({ pid: null, name: null });
    expect(await findPortOwner(8443, '127.0.0.1', deps('linux', 'denied', files))).toBe('free');
    // [::]:443 in tcp6 covers IPv4 too.
    expect(await findPortOwner(443, '127.0.0.1', deps('linux', 'denied', files))).toEqual({ pid: null, name: null });
    // Without /proc there is no way to tell.
    expect(await findPortOwner(80, '127.0.0.1', deps('linux', 'denied'))).toBeNull();
  });

  it('names the holder on macOS with lsof', async () => {
    expect(await findPortOwner(80, '127.0.0.1', deps('darwin', 'in-use', {}, { lsof: fx.LSOF_HTTPD }))).toEqual({ pid: 412, name: 'httpd' });
  });

  it('names the holder on Windows with netstat and tasklist', async () => {
    const d = deps('win32', 'in-use', {}, { netstat: fx.NETSTAT_IIS, tasklist: fx.TASKLIST_SYSTEM });
    expect(await findPortOwner(80, '127.0.0.1', d)).toEqual({ pid: 4, name: 'System' });
    expect(d.calls).toContain('tasklist /FI PID eq 4 /FO CSV /NH');
  });

  it('treats a refused bind on Windows as taken (excluded port range)', async () => {
    expect(await findPortOwner(443, '127.0.0.1', deps('win32', 'denied', {}, { netstat: fx.NETSTAT_IIS }))).toEqual({ pid: null, name: null });
  });

  it('says it cannot tell when binding failed for another reason', async () => {
    expect(await findPortOwner(80, '127.0.0.1', deps('darwin', 'error', {}, { lsof: '' }))).toBeNull();
  });
});

describe('systemPortDeps.tryBind', () => {
  it('sees a port held by another socket and a port released again', async () => {
    const { tryBind } = systemPortDeps(process.platform, process.env);
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    expect(await tryBind(port, '127.0.0.1')).toBe('in-use');
    await new Promise<void>((r) => server.close(() => r()));
    expect(await tryBind(port, '127.0.0.1')).toBe('free');
  });
});
