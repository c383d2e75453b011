// Shared by the engine tests: a fake world per test, closed afterwards with the proof that the
// learner's ~/.kube/config was not touched; plus small assertions on CLI output.
import { readFileSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { type FakeWorld, type RunResult, createFakeWorld } from '../fakes/harness.ts';

const worlds: FakeWorld[] = [];

export async function world(opts: Parameters<typeof createFakeWorld>[0] = {}): Promise<FakeWorld> {
  const w = await createFakeWorld(opts);
  worlds.push(w);
  return w;
}

afterEach(async () => {
  for (const w of worlds.splice(0)) {
    // The learner's own kubeconfig is never touched, whatever the test did.
    expect(readFileSync(w.userKubeconfig, 'utf8')).toBe(w.userKubeconfigText);
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

