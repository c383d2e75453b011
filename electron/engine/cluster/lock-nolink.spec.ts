// The lock on a file system without hard links (exFAT, some FUSE and network mounts), where
// link() fails with EPERM or ENOTSUP: it must still work, not fail as an internal error.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const noLinks = () => {
    throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
  };
  return { ...fs, default: { ...fs, linkSync: noLinks }, linkSync: noLinks };
});

const { acquireLifecycleLock } = await import('./lock.ts');

describe('lifecycle lock without hard links', () => {
  it('is taken, names its holder, refuses a second operation and is released', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kl-lock-')), 'lifecycle.lock');
    const held = acquireLifecycleLock(path, 'up');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, op: 'up' });
    expect(() => acquireLifecycleLock(path, 'reset')).toThrow(/up/);
    held.release();
    acquireLifecycleLock(path, 'reset').release();
  });
});
