// Who holds a host port. The honest test is to bind it ourselves: Docker will do the same a
// moment later. When binding is refused for lack of privilege (Linux, ports below 1024, not
// root) the kernel's socket table answers instead. Then the owner is named where the platform
// lets an ordinary user see it (ss, lsof, netstat + tasklist).
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { parseLsofProcesses, parseNetstatListeners, parseProcNetTcp, parseSsListeners, parseTasklistCsv } from './parse.ts';

/** A port's holder; either field is null when the platform would not say. */
export interface PortOwner {
  pid: number | null;
  name: string | null;
}

/** 'free', a holder (taken), or null when kindlab could not tell. */
export type PortState = PortOwner | null | 'free';

export type BindResult = 'free' | 'in-use' | 'denied' | 'error';

export interface PortProbeDeps {
  platform: NodeJS.Platform;
  tryBind(port: number, address: string): Promise<BindResult>;
  readFile(path: string): Promise<string | null>;
  /** Runs a system tool and returns its stdout, or null when it could not run. */
  exec(file: string, args: string[]): Promise<string | null>;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/** Whether a listener on `listener` stops Docker from binding the same port on `bind`. */
export function listenerConflicts(listener: string, bind: string): boolean {
  const addr = listener.replace(/^::ffff:/i, '');
  if (WILDCARDS.has(addr)) return true;
  // A wildcard bind collides with every IPv4 listener; IPv6-only addresses such as ::1 do not matter to it.
  if (WILDCARDS.has(bind)) return !addr.includes(':');
  return addr === bind;
}

async function nameOwner(port: number, address: string, deps: PortProbeDeps): Promise<PortOwner | null> {
  if (deps.platform === 'linux') {
    const out = await deps.exec('ss', ['-ltnpH', `sport = :${port}`]);
    const hit = parseSsListeners(out ?? '').find((l) => l.port === port && listenerConflicts(l.address, address) && l.processes.length > 0);
    const p = hit?.processes[0];
    return p ? { pid: p.pid, name: p.name } : null;
  }
  if (deps.platform === 'darwin') {
    const out = await deps.exec('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
    const p = parseLsofProcesses(out ?? '')[0];
    return p ? { pid: p.pid, name: p.name || null } : null;
  }
  if (deps.platform === 'win32') {
    const out = await deps.exec('netstat', ['-ano', '-p', 'tcp']);
    const hit = parseNetstatListeners(out ?? '').find((l) => l.port === port && listenerConflicts(l.address, address));
    if (!hit) return null;
    const task = parseTasklistCsv((await deps.exec('tasklist', ['/FI', `PID eq ${hit.pid}`, '/FO', 'CSV', '/NH'])) ?? '');
    return { pid: hit.pid, name: task?.name ?? null };
  }
  return null;
}

async function listedInProc(port: number, address: string, deps: PortProbeDeps): Promise<boolean | null> {
  const tables = await Promise.all([deps.readFile('/proc/net/tcp'), deps.readFile('/proc/net/tcp6')]);
  if (tables.every((t) => t === null)) return null;
  return tables.flatMap((t) => (t ? parseProcNetTcp(t) : [])).some((l) => l.port === port && listenerConflicts(l.address, address));
}

export async function findPortOwner(port: number, address: string, deps: PortProbeDeps): Promise<PortState> {
  const bound = await deps.tryBind(port, address);
  if (bound === 'free') return 'free';
  let taken: boolean | null = bound === 'in-use' ? true : null;
  if (bound === 'denied' && deps.platform === 'linux') {
    taken = await listedInProc(port, address, deps);
    if (taken === false) return 'free';
  }
  // On Windows a refused bind means a reserved (excluded) port range or an exclusive holder:
  // Docker is refused just the same.
  if (bound === 'denied' && deps.platform === 'win32') taken = true;
  const owner = await nameOwner(port, address, deps);
  if (owner) return owner;
  return taken ? { pid: null, name: null } : null;
}

function tryBind(port: number, host: string): Promise<BindResult> {
  return new Promise((resolve) => {
    const server = createServer();
    const timer = setTimeout(() => {
      server.close();
      resolve('error');
    }, 2000);
    server.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'EADDRINUSE' ? 'in-use' : err.code === 'EACCES' ? 'denied' : 'error');
    });
    server.listen({ port, host, exclusive: true }, () => {
      clearTimeout(timer);
      server.close(() => resolve('free'));
    });
  });
}

/** The real thing: binds sockets, reads /proc, runs ss / lsof / netstat / tasklist. */
export function systemPortDeps(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): PortProbeDeps {
  return {
    platform,
    tryBind,
    readFile: async (path) => readFile(path, 'utf8').catch(() => null),
    exec: async (file, args) => {
      const r = await execa(file, args, { reject: false, timeout: 5000, env, extendEnv: false, windowsHide: true, stdin: 'ignore' });
      return r.exitCode === undefined ? null : String(r.stdout ?? '');
    },
  };
}
