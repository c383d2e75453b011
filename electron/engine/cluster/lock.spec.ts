import { existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { UNREADABLE_LOCK_GRACE_MS, acquireLifecycleLock } from './lock.ts';

describe('lifecycle lock', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'kl-lock-'));

  it('refuses a second operation while the first holds the lock, naming it', () => {
    const path = join(dir(), 'lifecycle.lock');
    const a = acquireLifecycleLock(path, 'up');
    let err: unknown;
    try {
      acquireLifecycleLock(path, 'reset');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KindlabError);
    expect((err as KindlabError).failure.code).toBe('busy');
    expect(textIn((err as KindlabError).failure.message, 'en')).toMatch(/up/);
    a.release();
    expect(existsSync(path)).toBe(false);
    acquireLifecycleLock(path, 'reset').release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const path = join(dir(), 'lifecycle.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, op: 'up', since: new Date().toISOString() }));
    const h = acquireLifecycleLock(path, 'down');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, op: 'down' });
    h.release();
  });

  it('holds the lock with its owner already written, leaving no temp file behind', () => {
    const d = dir();
    const path = join(d, 'lifecycle.lock');
    const h = acquireLifecycleLock(path, 'up');
    expect(readdirSync(d)).toEqual(['lifecycle.lock']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, op: 'up' });
    h.release();
    expect(readdirSync(d)).toEqual([]);
  });

  it('an empty lock that was just created is held by its writer, not taken over as stale', () => {
    // What another process sees between creating the lock file and writing its owner into it.
    const path = join(dir(), 'lifecycle.lock');
    writeFileSync(path, '');
    let err: unknown;
    try {
      acquireLifecycleLock(path, 'up');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KindlabError);
    // Both languages at once: the host that shows it picks one.
    expect((err as KindlabError).failure).toMatchObject({ code: 'busy', message: { en: 'another kindlab operation is starting', zh: '另一个 kindlab 操作正在启动' } });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('an empty or garbled lock older than the grace period is stale and taken over', () => {
    for (const text of ['', '{"pid":']) {
      const path = join(dir(), 'lifecycle.lock');
      writeFileSync(path, text);
      const old = (Date.now() - UNREADABLE_LOCK_GRACE_MS - 5_000) / 1000;
      utimesSync(path, old, old);
      const h = acquireLifecycleLock(path, 'down');
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, op: 'down' });
      h.release();
      expect(existsSync(path)).toBe(false);
    }
  });

  it('names another live process that holds it', () => {
    const path = join(dir(), 'lifecycle.lock');
    writeFileSync(path, JSON.stringify({ pid: process.ppid, op: 'up', since: new Date().toISOString() }));
    expect(() => acquireLifecycleLock(path, 'down')).toThrow(/pid/);
  });
});
