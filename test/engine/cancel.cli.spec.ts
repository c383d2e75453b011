// Tier 2: Ctrl+C in every phase of `kindlab up`: it stops at once, no process is left behind,
// and the learner is told the cluster is half-built and how to go on.
import { describe, expect, it } from 'vitest';
import { createFakeWorld, runCli } from '../fakes/harness.ts';
import { noStack, waitUntilNoFakeProcess, world } from './world.ts';

describe('cancel in each phase', () => {
  const cases: { phase: string; scenario: Parameters<typeof createFakeWorld>[0] }[] = [
    { phase: 'cluster', scenario: { scenario: { kind: { hangAt: 'Starting control-plane' } } } },
    { phase: 'calico', scenario: { scenario: { faults: { hang: { phase: 'calico' } } } } },
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
      if (c.phase === 'cluster' || c.phase === 'calico') {
        // Finishing is a plain re-run (an interrupted kind create is deleted and redone).
        w.setScenario({});
        const again = await runCli(['up'], w, { timeoutMs: 120_000 });
        expect(again.code, again.stderr).toBe(0);
      }
    });
  }
});

