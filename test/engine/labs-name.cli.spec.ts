// Tier 2: `kindlab --name <cluster> lab run …` runs against that cluster, as `up`, `status` and
// `reset` do with --name (it used to talk to cluster01 whatever --name said).
import { describe, expect, it } from 'vitest';
import type { LabRunResult } from '../../electron/api.ts';
import { runCli } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

describe('lab run --name', () => {
  it('runs the lab on the named cluster, with its node names, and says so when that cluster is missing', async () => {
    const w = await world({ env: { KINDLAB_LAB_COMMANDS: 'docker' } });
    const up = await runCli(['--name', 'lab2', 'up'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);

    const r = await runCli(['--name', 'lab2', 'lab', 'run', 'services', '--json'], w, { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as LabRunResult).ok).toBe(true);

    // The text and the shown commands carry the named cluster's values.
    const dry = await runCli(['--name', 'lab2', 'lab', 'run', 'nodeport', '--step', '6', '--dry-run'], w);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('docker start lab2-worker');

    // Without --name the lab goes to cluster01, which does not exist here.
    const none = await runCli(['lab', 'run', 'services'], w, { timeoutMs: 60_000 });
    expect(none.code).toBe(1);
    noStack(none);
    expect(none.stderr).toMatch(/the cluster cluster01 is not there yet, or does not answer/);

    const other = await runCli(['--name', 'lab3', 'lab', 'run', 'services'], w, { timeoutMs: 60_000 });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/the cluster lab3 is not there yet, or does not answer/);
    expect(other.stderr).toMatch(/kindlab up --name lab3/);
  });

  it('nodeport after a reset names the lab to run first instead of failing a check', async () => {
    const w = await world();
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    const r = await runCli(['lab', 'run', 'nodeport', '--step', '2'], w, { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    noStack(r);
    expect(r.stderr).toMatch(/lab nodeport builds on lab services .*Deployment default\/nginx-frontend, Service default\/nginx-frontend/);
    expect(r.stderr).toMatch(/kindlab lab run services && kindlab lab run nodeport/);
    expect(r.stderr).not.toMatch(/matches no pod/);
  });
});
