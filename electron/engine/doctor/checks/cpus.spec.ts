import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { cpusCheck } from './cpus.ts';

const withCpus = (n: number) => fakeContext({ commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ NCPU: n }) } } });

describe('cpus check', () => {
  it('accepts two or more CPUs', async () => {
    expect((await cpusCheck.check(withCpus(2))).status).toBe('ok');
    expect((await cpusCheck.check(fakeContext())).finding.en).toBe('The engine has 8 CPUs.');
  });

  it('warns with one CPU', async () => {
    const out = await cpusCheck.check(withCpus(1));
    expect(out.status).toBe('warn');
    expect(out.finding.zh).toContain('只有 1 个 CPU');
  });

  it('skips while the engine is down', async () => {
    expect((await cpusCheck.check(fakeContext({ commands: DAEMON_DOWN }))).status).toBe('skip');
  });
});
