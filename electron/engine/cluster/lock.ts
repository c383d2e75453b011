// Only one lifecycle operation (up, down, reset) may run at a time — across the desktop app,
// the browser-mode server and CLI invocations in other terminals. A lock file in the data folder
// names the holder; a lock left by a process that no longer exists is taken over.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Lang } from '../../api.ts';
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

function readHolder(path: string): Holder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

export function acquireLifecycleLock(path: string, op: string, lang: Lang = 'en'): LockHandle {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, op, since: new Date().toISOString() } satisfies Holder));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          const h = readHolder(path);
          if (h?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        const since = new Date(holder.since).toLocaleTimeString();
        throw new KindlabError({
          code: 'busy',
          message:
            lang === 'zh'
              ? `另一个 kindlab 操作（${holder.op}，进程 ${holder.pid}，开始于 ${since}）正在运行`
              : `another kindlab operation is running: ${holder.op} (pid ${holder.pid}, started ${since})`,
          hint:
            lang === 'zh'
              ? '一次只能运行一个集群操作。请等待它结束，或在它的窗口/终端里取消（Ctrl+C）。'
              : 'Only one cluster operation runs at a time. Wait for it to finish, or cancel it in its window or terminal (Ctrl+C).',
        });
      }
      if (holder?.pid === process.pid) {
        throw new KindlabError({
          code: 'busy',
          message: lang === 'zh' ? `操作 ${holder.op} 正在运行` : `${holder.op} is already running`,
          hint: lang === 'zh' ? '请等待它结束或先取消它。' : 'Wait for it to finish or cancel it first.',
        });
      }
      // Stale lock from a process that is gone.
      rmSync(path, { force: true });
    }
  }
  throw new KindlabError({
    code: 'busy',
    message: lang === 'zh' ? '无法获取生命周期锁' : 'could not take the lifecycle lock',
    hint: lang === 'zh' ? `如果没有正在运行的 kindlab，请删除 ${path}。` : `Remove ${path} if no kindlab is running.`,
  });
}
