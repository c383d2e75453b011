// Tier 2: Ctrl+C in every phase of `kindlab up`: it stops at once, no process is left behind,
// and the learner is told the cluster is half-built and how to go on.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBE_TIMEOUT_MS } from '../../electron/engine/doctor/facts.ts';
import { clusterPaths, lockFile } from '../../electron/engine/paths.ts';
import { createFakeWorld, runCli } from '../fakes/harness.ts';
import { noStack, waitUntilNoFakeProcess, world } from './world.ts';

describe('cancel during preflight', () => {
  it('Ctrl+C while a check waits on docker stops at once, kills the check, leaves no process and creates nothing', async () => {
    // `docker info` never answers (a wedged daemon): preflight is waiting on a live process.
    const w = await world({ scenario: { docker: { hangOn: 'info' } } });
    const infoStarted = () => w.calls().some((c) => c.tool === 'docker' && c.args[0] === 'info');
    const r = await runCli(['up'], w, { timeoutMs: 60_000, signalWhen: { test: infoStarted, signal: 'SIGINT' } });
    expect(r.code, r.stderr).toBe(130);
    noStack(r);
    expect(r.stderr).toMatch(/■ preflight: cancelled/);
    expect(r.stderr).toContain('Cancelled during preflight; no cluster was created.');
    expect(r.stderr).not.toMatch(/half-built|▸ cluster/);
    // The engine itself stopped the hung check; it did not wait for the probe's own time limit.
    expect(r.stderr).not.toMatch(/still running/);
    // Timed from Ctrl+C, not from start: start-up on a busy two-core machine must not count.
    expect(r.afterSignalMs).not.toBeNull();
    expect(r.afterSignalMs ?? Infinity).toBeLessThan(PROBE_TIMEOUT_MS);
    expect(await waitUntilNoFakeProcess(w)).toEqual([]);
    // Nothing was created: no kind cluster, no node container, no API object, no cluster folder, no lock.
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toEqual([]);
    expect(w.readState()).toMatchObject({ clusters: {}, containers: [], network: null });
    expect(w.api.cluster()).toBeNull();
    expect(w.api.writes()).toBe(0);
    expect(existsSync(clusterPaths(w.dataDir, 'cluster01').dir)).toBe(false);
    expect(existsSync(lockFile(w.dataDir))).toBe(false);
    // And the next `up` simply runs.
    w.setScenario({});
    const again = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
  });
});

describe('cancel in each phase', () => {
  const cases: { phase: string; scenario: Parameters<typeof createFakeWorld>[0] }[] = [
    { phase: 'cluster', scenario: { scenario: { kind: { hangAt: 'Starting control-plane' } } } },
    { phase: 'cni', scenario: { scenario: { faults: { hang: { phase: 'calico' } } } } },
    { phase: 'ingress', scenario: { scenario: { faults: { hang: { phase: 'ingress' } } } } },
    { phase: 'metallb', scenario: { scenario: { faults: { hang: { phase: 'metallb' } } } } },
    { phase: 'pools', scenario: { scenario: { faults: { webhookRefusals: { webhookNamePrefix: 'ipaddresspoolvalidationwebhook', count: 1000 } } } } },
  ];
  for (const c of cases) {
    it(`Ctrl+C during ${c.phase} stops at once, leaves no process and reports the half-built cluster`, async () => {
      const w = await world(c.scenario);
      const trigger = c.phase === 'cluster' ? /Starting control-plane/ : c.phase === 'pools' ? /webhook not ready \(attempt 1\)/ : new RegExp(`▸ ${c.phase}:`);
      const r = await runCli(['up'], w, { timeoutMs: 60_000, signalAfter: { pattern: trigger, signal: 'SIGINT' } });
      expect(r.code, r.stderr).toBe(130);
      noStack(r);
      expect(r.stderr).toMatch(new RegExp(`Cancelled during [a-z ]*${c.phase}[a-z ]*\\. The cluster is half-built: run \`kindlab up\` to finish it, or \`kindlab down\` to remove it\\.`));
      expect(r.stderr).toMatch(new RegExp(`■ ${c.phase}: cancelled`));
      expect(await waitUntilNoFakeProcess(w)).toEqual([]);
      if (c.phase === 'cluster' || c.phase === 'cni') {
        // Finishing is a plain re-run (an interrupted kind create is deleted and redone).
        w.setScenario({});
        const again = await runCli(['up'], w, { timeoutMs: 120_000 });
        expect(again.code, again.stderr).toBe(0);
      }
    });
  }
});

