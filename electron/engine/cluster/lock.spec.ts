import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KindlabError } from '../errors.ts';
import { acquireLifecycleLock } from './lock.ts';

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
    expect((err as KindlabError).failure.message).toMatch(/up/);
    a.release();
    expect(existsSync(path)).toBe(false);
    acquireLifecycleLock(path, 'reset').release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const path = join(dir(), 'lifecycle.lock');
    writeFileSync(path, JSON.stringify({ pid: 2 ** 22 + 12345, op: 'up', since: new Date().toISOString() }));
    const h = acquireLifecycleLock(path, 'down');
    h.release();
  });

  it('names another live process that holds it', () => {
    const path = join(dir(), 'lifecycle.lock');
    writeFileSync(path, JSON.stringify({ pid: process.ppid, op: 'up', since: new Date().toISOString() }));
    expect(() => acquireLifecycleLock(path, 'down')).toThrow(/pid/);
  });
});
