// Shared by the engine tests: a fake world per test, closed afterwards with the proof that the
// learner's ~/.kube/config was not touched; plus small assertions on CLI output.
import { readFileSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { type FakeWorld, type RunResult, createFakeWorld } from '../fakes/harness.ts';

const worlds: FakeWorld[] = [];

export async function world(opts: Parameters<typeof createFakeWorld>[0] = {}): Promise<FakeWorld> {
  const w = await createFakeWorld(opts);
  worlds.push(w);
  // With KINDLAB unaware of any KUBECONFIG, ~/.kube/config is the file kind and kubectl would
  // write by default: the one the check below guards.
  expect(w.env.KUBECONFIG).toBeUndefined();
  return w;
}

/** The learner's own kubeconfig has exactly the bytes it had before the test. */
export function expectUserKubeconfigUntouched(w: FakeWorld): void {
  const now = readFileSync(w.userKubeconfig);
  expect(now.equals(w.userKubeconfigBytes), `~/.kube/config changed:\n${now.toString('utf8')}`).toBe(true);
}

afterEach(async () => {
  for (const w of worlds.splice(0)) {
    // The learner's own kubeconfig is never touched, whatever the test did.
    expectUserKubeconfigUntouched(w);
    await w.close();
  }
});

/** No stack trace reaches the learner. */
export function noStack(r: RunResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.stderr).not.toMatch(/TypeError|ReferenceError|node:internal/);
}

export async function waitUntilNoFakeProcess(w: FakeWorld, ms = 5000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let live = w.livePids();
  while (live.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    live = w.livePids();
  }
  return live;
}

