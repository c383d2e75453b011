import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpEvent } from '../api.ts';
import { OperationRunner } from './operation-runner.ts';
import { lockFile } from './paths.ts';

const phases = [{ id: 'one', title: 'One' }];

function runner(pids: number[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-runner-'));
  const events: OpEvent[] = [];
  return { r: new OperationRunner({ dataDir, emit: (e) => events.push(e), runningPids: () => pids }), events, dataDir };
}

describe('OperationRunner', () => {
  it('holds the lifecycle lock only while a locked operation runs, and streams its events', async () => {
    const { r, events, dataDir } = runner();
    let heldDuring = false;
    await r.run('up', 'a', phases, { locked: true }, (op) => op.phase('one', async () => (heldDuring = existsSync(lockFile(dataDir)))));
    expect(heldDuring).toBe(true);
    expect(existsSync(lockFile(dataDir))).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['started', 'phase', 'phase', 'finished']);
  });

  it('refuses an id in use, and a second locked operation while the first holds the lock', async () => {
    const { r } = runner();
    let release = () => undefined as void;
    const first = r.run('up', 'a', phases, { locked: true }, () => new Promise<void>((res) => (release = res)));
    await expect(r.run('lab-run', 'a', phases, { locked: false }, async () => undefined)).rejects.toMatchObject({ failure: { code: 'bad-input' } });
    await expect(r.run('down', 'b', phases, { locked: true }, async () => undefined)).rejects.toMatchObject({ failure: { code: 'busy' } });
    release();
    await first;
  });

  it('cancels by id; a cancelled operation names the tools it left running', async () => {
    const { r, events } = runner([4242]);
    const run = r.run('up', 'a', phases, { locked: false }, (op) => op.phase('one', () => new Promise((_res, rej) => op.signal.addEventListener('abort', () => rej(new Error('aborted'))))));
    await new Promise((res) => setTimeout(res, 10));
    expect(r.cancel('nope')).toBe(false);
    expect(r.cancel('a')).toBe(true);
    await expect(run).rejects.toMatchObject({ failure: { code: 'cancelled', diagnostics: [{ en: 'still running: 4242', zh: '仍在运行：4242' }] } });
    expect(events.at(-1)).toMatchObject({ type: 'finished', ok: false, failure: { code: 'cancelled' } });
    expect(r.cancel('a')).toBe(false);
  });

  it('lists running operations with their phases and newest log lines, and forgets them once finished', async () => {
    const { r } = runner();
    let release = () => undefined as void;
    const run = r.run('lab-run', 'a', phases, { locked: false }, (op) =>
      op.phase('one', async () => {
        for (let i = 0; i < 250; i++) op.log('one', `line ${i}`);
        await new Promise<void>((res) => (release = res));
      }),
    );
    await new Promise((res) => setTimeout(res, 10));
    const [listed] = r.list();
    expect(listed).toMatchObject({ opId: 'a', kind: 'lab-run', phases: [{ id: 'one', state: 'running' }] });
    expect(listed?.log).toHaveLength(200);
    expect(listed?.log[0]?.line).toBe('line 50');
    release();
    await run;
    expect(r.list()).toEqual([]);
  });
});
