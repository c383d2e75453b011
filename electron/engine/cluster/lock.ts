// Only one lifecycle operation (up, down, reset) may run at a time — across the desktop app,
// the browser-mode server and CLI invocations in other terminals. A lock file in the data folder
// names the holder; a lock left by a process that no longer exists is taken over.
//
// The lock appears with its content already in it: the holder is written to a private temp file
// that is then hard-linked to the lock's name (link never replaces an existing file). Creating the
// lock empty and writing it afterwards would leave a moment in which another process reads an
// empty lock, takes it for stale and takes it over while its owner goes on.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KindlabError } from '../errors.ts';
import { isAlive } from '../tools/kill-tree.ts';

interface Holder {
  pid: number;
  op: string;
  since: string;
}

export interface LockHandle {
  release(): void;
}

/**
 * An empty or unreadable lock younger than this is held, not stale: its writer may be a kindlab
 * that still creates the file and then writes it (versions before the link), or a file system
 * that shows the name before the data. Older than this, nobody is writing it any more.
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof h?.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

function tryCreateInPlace(path: string, holder: Holder): boolean {
  try {
    writeFileSync(path, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Creates the lock with its content in one step; false when it already exists. */
function tryCreate(path: string, holder: Holder): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(holder), { flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // No hard links on this file system (exFAT, some FUSE and network mounts): create the lock
    // and write it in two steps; the grace period for an empty lock covers the gap between them.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return tryCreateInPlace(path, holder);
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the stale lock that was inspected (same inode), never a fresh one another process
 * created in the meantime: it is moved aside first, and put back if it turns out to be new.
 */
function removeStale(path: string, inspectedIno: number): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw err;
  }
  if (statSync(aside).ino !== inspectedIno) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process took the name while it was free: two holders. Three processes racing
      // within these few microseconds is left at that.
    }
  }
  rmSync(aside, { force: true });
}

const ONE_AT_A_TIME = {
  en: 'Only one cluster operation runs at a time. Wait for it to finish, or cancel it in its window or terminal (Ctrl+C).',
  zh: '一次只能运行一个集群操作。请等待它结束，或在它的窗口/终端里取消（Ctrl+C）。',
};

function busy(holder: Holder | null): KindlabError {
  if (!holder) return new KindlabError({ code: 'busy', message: { en: 'another kindlab operation is starting', zh: '另一个 kindlab 操作正在启动' }, hint: ONE_AT_A_TIME });
  const since = new Date(holder.since).toLocaleTimeString();
  return new KindlabError({
    code: 'busy',
    message: {
      en: `another kindlab operation is running: ${holder.op} (pid ${holder.pid}, started ${since})`,
      zh: `另一个 kindlab 操作（${holder.op}，进程 ${holder.pid}，开始于 ${since}）正在运行`,
    },
    hint: ONE_AT_A_TIME,
  });
}

export function acquireLifecycleLock(path: string, op: string): LockHandle {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path, { pid: process.pid, op, since: new Date().toISOString() })) {
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          const h = readHolder(path);
          if (h?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    }
    let ino: number;
    let mtimeMs: number;
    try {
      ({ ino, mtimeMs } = statSync(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released in between
      throw err;
    }
    const holder = readHolder(path);
    if (!holder) {
      if (Date.now() - mtimeMs < UNREADABLE_LOCK_GRACE_MS) throw busy(null);
    } else if (holder.pid === process.pid) {
      throw new KindlabError({
        code: 'busy',
        message: { en: `${holder.op} is already running`, zh: `操作 ${holder.op} 正在运行` },
        hint: { en: 'Wait for it to finish or cancel it first.', zh: '请等待它结束或先取消它。' },
      });
    } else if (isAlive(holder.pid)) {
      throw busy(holder);
    }
    // Stale: left by a process that is gone, or unreadable for longer than any writer takes.
    removeStale(path, ino);
  }
  throw new KindlabError({
    code: 'busy',
    message: { en: 'could not take the lifecycle lock', zh: '无法获取生命周期锁' },
    hint: { en: `Remove ${path} if no kindlab is running.`, zh: `如果没有正在运行的 kindlab，请删除 ${path}。` },
  });
}
