// Tier 2: every lab, end to end, through `kindlab lab run` in the fake world. The fake cluster
// simulates the data plane (NetworkPolicy evaluation, Service routing, DNS, the ingress), so the
// HTTP, TCP and DNS probes and the enforcement canary all run. The shown kubectl commands are
// turned off here (the fake kubectl only replays recordings; the control-plane tier runs them for
// real), but docker's run: the fake docker really stops and starts the nodeport lab's worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRunFailures } from './lab-failures.ts';
import type { LabRunResult } from '../../electron/api.ts';
import { loadLabs } from '../../electron/engine/labs/loader.ts';
import { type FakeWorld, createFakeWorld, runCli } from '../fakes/harness.ts';
import { expectUserKubeconfigUntouched } from './world.ts';

const { labs } = loadLabs();

describe('every lab passes against the fake cluster', () => {
  let w: FakeWorld;
  beforeAll(async () => {
    // One world for the whole file: the labs build on each other like the chapter does.
    w = await createFakeWorld({ timeoutScale: 0.05, env: { KINDLAB_LAB_COMMANDS: 'docker' } });
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    expectUserKubeconfigUntouched(w);
    await w.close();
  });

  for (const lab of labs) {
    it(`lab ${lab.id}`, async () => {
      const r = await runCli(['lab', 'run', lab.id, '--json'], w, { timeoutMs: 300_000 });
      const result = JSON.parse(r.stdout) as LabRunResult;
      const failed = labRunFailures(result, 'fail');
      expect(failed).toEqual([]);
      expect(r.code).toBe(0);
      // Data-plane checks really ran (none skipped for want of a data plane).
      const probes = result.steps.flatMap((s) => s.checks).filter((c) => /http|tcp|dns|canary|policy/i.test(c.id + c.description));
      expect(probes.every((c) => c.status !== 'skipped' || /requires|needs a \/|kind network/i.test(c.observed))).toBe(true);
    }, 300_000);
  }
});
