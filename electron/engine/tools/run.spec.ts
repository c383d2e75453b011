// The runner against small shell scripts standing in for kind: what a learner is told when a
// tool is missing, fails, hangs or is killed from outside.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import type { Failure } from '../../api.ts';
import { ToolRunner } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindlab-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeKind(body: string): ToolRunner {
  const file = join(dir, `kind-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return new ToolRunner({ docker: null, kind: file, kubectl: null }, { PATH: '/usr/bin:/bin' });
}

async function failureOf(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    return (err as { failure: Failure }).failure;
  }
  throw new Error('expected a failure');
}

describe.skipIf(process.platform === 'win32')('ToolRunner', () => {
  it('returns output and exit code', async () => {
    const r = await fakeKind('echo "kind v0.33.0"').run('kind', ['version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'kind v0.33.0\n', command: ['kind', 'version'] });
  });

  it('a failing command carries the command, the exit code and the stderr tail', async () => {
    const f = await failureOf(fakeKind('echo "ERROR: failed to create cluster: boom" >&2; exit 3').run('kind', ['create', 'cluster']));
    expect(f).toMatchObject({ code: 'command-failed', command: ['kind', 'create', 'cluster'], exitCode: 3 });
    expect(f.stderrTail?.join('\n')).toContain('boom');
  });

  it('a tool killed by a signal is reported as killed, not as missing', async () => {
    const f = await failureOf(fakeKind('echo "creating" >&2; kill -9 $$').run('kind', ['create', 'cluster']));
    expect(f.code).toBe('command-failed');
    expect(textIn(f.message, 'en')).toMatch(/was killed by SIGKILL/);
    expect(textIn(f.hint, 'en')).toMatch(/memory/);
    expect(textIn(f.hint, 'en')).not.toMatch(/Install kind/);
  });

  it('a missing tool says how to install it', async () => {
    const f = await failureOf(new ToolRunner({ docker: null, kind: null, kubectl: null }, {}).run('kind', ['version']));
    expect(f.code).toBe('tool-missing');
    expect(textIn(f.hint, 'en')).toMatch(/Install kind/);
  });

  it('a hanging tool is stopped at its timeout', async () => {
    const runner = fakeKind('sleep 30');
    const f = await failureOf(runner.run('kind', ['get', 'clusters'], { timeoutMs: 300 }));
    expect(f.code).toBe('timeout');
    expect(runner.runningPids()).toEqual([]);
  });
});
