// Tier 2: labs on a data plane that behaves like the real one met on a kind cluster (kube-proxy
// in iptables mode, kube-router as the CNI, MetalLB): kube-proxy programs a new external IP or
// node port a moment after the API shows it, a CNI programs a new policy a moment after it
// appears, kube-router rejects what a policy denies where Calico drops it, and it takes in a new
// pod (the checks' own clients too) only a second after the pod starts. The labs must grade right
// on all of that, through `kindlab lab run`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabRunResult } from '../../electron/api.ts';
import { type FakeWorld, createFakeWorld, runCli } from '../fakes/harness.ts';
import { labRunFailures } from './lab-failures.ts';
import type { Scenario } from '../fakes/scenario.ts';
import { expectUserKubeconfigUntouched } from './world.ts';

const failures = (result: LabRunResult): string[] => labRunFailures(result);

/** A world that is up, then gets `scenario` (the lags would only slow the build down). */
function upWorld(scenario: Scenario, timeoutScale = 0.2): { world: () => FakeWorld } {
  let w: FakeWorld;
  beforeAll(async () => {
    // A settle window of 3 s (SETTLE_MS × 0.2): room for a few retries around the lags below.
    w = await createFakeWorld({ timeoutScale, env: { KINDLAB_LAB_COMMANDS: 'docker' } });
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    w.setScenario(scenario);
  }, 180_000);
  afterAll(async () => {
    expectUserKubeconfigUntouched(w);
    await w.close();
  });
  return { world: () => w };
}

async function runLab(w: FakeWorld, id: string): Promise<LabRunResult> {
  const r = await runCli(['lab', 'run', id, '--json'], w, { timeoutMs: 300_000 });
  const result = JSON.parse(r.stdout) as LabRunResult;
  expect(failures(result)).toEqual([]);
  expect(r.code).toBe(0);
  return result;
}

describe('a data plane that follows the API a moment later', () => {
  const { world } = upWorld({ timings: { proxyLagMs: 600, policyLagMs: 600 } });

  it('loadbalancer: new external IPs answer once kube-proxy has programmed them', async () => {
    await runLab(world(), 'loadbalancer');
  }, 300_000);

  it('netpol: new policies are graded once the CNI enforces them, and the blocks hold', async () => {
    const result = await runLab(world(), 'netpol');
    const canary = result.steps.flatMap((s) => s.checks).find((c) => c.id === 'policy-enforced');
    expect(canary?.observed).toMatch(/with deny-all: no answer within/);
  }, 300_000);
});

describe('a CNI that rejects what a policy denies (kube-router)', () => {
  const { world } = upWorld({ dataPlane: { policyBlock: 'reject' } });

  it('netpol: every block is graded as a block, and the closed port as closed', async () => {
    const result = await runLab(world(), 'netpol');
    const checks = result.steps.flatMap((s) => s.checks);
    expect(checks.find((c) => c.id === 'policy-enforced')?.observed).toMatch(/with deny-all: refused: this CNI rejects/);
    // Refused, and yet a block: the port answered in the baseline and a policy is in the way.
    expect(checks.find((c) => c.id === 'frontend-5433-blocked')?.observed).toMatch(/5433 — connection refused, although the pod declares a listener/);
    expect(checks.find((c) => c.id === 'frontend-now-blocked')?.observed).toMatch(/connection refused, although/);
    expect(checks.find((c) => c.id === 'closed-port-refused')?.observed).toMatch(/5434 — connection refused: the packet arrived, no policy is in the way/);
  }, 300_000);
});

describe('kube-router takes in a new pod a second after it starts', () => {
  // What a real kind cluster with kube-router v2.1.0 did: a client pod with the right label was
  // refused for its first second on every run, so a new client pod for every try never got in.
  // The real settle window (15 s) and hold (3 s): a block holds only once the client is taken in.
  const { world } = upWorld({ dataPlane: { policyBlock: 'reject' }, timings: { admitLagMs: 1000 } }, 1);

  it('netpol: an allowed client gets in on a later try of the same pod, and every block holds once the clients are taken in', async () => {
    const result = await runLab(world(), 'netpol');
    const checks = result.steps.flatMap((s) => s.checks);
    // (The OR/AND targets start a moment before their probes here, so they may not be held to
    // their own policies yet at the first try: a new pod is taken in as a target late, too.)
    for (const id of ['frontend-open', 'frontend-open-again']) {
      expect(checks.find((c) => c.id === id)?.observed, id).toMatch(/accepted .*\(try \d+ from the same client pod, [\d.]+ s after its first; before: refused ×\d+\)/);
    }
    expect(checks.find((c) => c.id === 'frontend-open')?.hint).toMatch(/new pod gets in only a moment after it starts/);
    for (const id of ['wrong-blocked', 'frontend-5433-blocked', 'frontend-now-blocked', 'wrong-still-blocked']) {
      expect(checks.find((c) => c.id === id)?.observed, id).toMatch(/refused, although .*\(and still so [\d.]+ s later, \d+ tries from the same client pod\)/);
    }
  }, 300_000);
});
