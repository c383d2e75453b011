// Tier 2: scripts/verify-real (the tier-5 run on a machine with Docker) against the fake world:
// it stops at a hard failure with the table so far, and it fails the run when the second `up`
// re-does anything instead of finding the cluster finished.
import { describe, expect, it } from 'vitest';
import { runScript } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

const AGAIN = 'up (again, must change nothing)';
const stages = (stdout: string) => [...new Set([...stdout.matchAll(/^(doctor|up|up \(again, must change nothing\)|status|reset --fast|reset --full|down|lab \S+) {2,}/gm)].map((m) => m[1]))];

describe('scripts/verify-real', () => {
  it('a clean run: every stage in the table, the second up judged unchanged phase by phase, exit 0', async () => {
    const w = await world();
    const r = await runScript('scripts/verify-real.ts', ['--no-labs'], w, { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    noStack(r);
    expect(stages(r.stdout)).toEqual(['doctor', 'up', AGAIN, 'status', 'reset --fast', 'reset --full', 'down']);
    const again = r.stdout.split('\n').filter((l) => l.startsWith(AGAIN));
    expect(again.find((l) => / cluster +[\d.]+ +done: reusing the existing cluster$/.test(l))).toBeDefined();
    for (const phase of ['cni', 'ingress', 'metallb', 'pools']) expect(again.find((l) => new RegExp(` ${phase} +[\\d.]+ +done: already ready: `).test(l)), phase).toBeDefined();
    expect(again.at(-1)).toMatch(/\(total\) +[\d.]+ +ok$/);
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(2); // up, reset --full
  });

  it('stops after a failed up: the table so far, exit 1, nothing run after it', async () => {
    const w = await world({ scenario: { kind: { failWith: 'failed to init node with kubeadm: exit status 1' } } });
    const r = await runScript('scripts/verify-real.ts', ['--no-labs'], w, { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    noStack(r);
    expect(stages(r.stdout)).toEqual(['doctor', 'up']);
    expect(r.stdout).toMatch(/^up +\(total\) +[\d.]+ +FAILED: /m);
    expect(r.stderr).toContain('Stopped here; the cluster is left as it is');
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);
  });

  it('stops when the doctor fails: exit 1 with the doctor row, no up', async () => {
    const w = await world({ state: { daemon: 'down' } });
    const r = await runScript('scripts/verify-real.ts', ['--no-labs'], w, { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('The doctor found problems; fix them first.');
    expect(stages(r.stdout)).toEqual(['doctor']);
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] !== 'version' && c.args[0] !== 'get')).toEqual([]);
  });

  it('fails the run when the second up re-does something (here: a worker stopped in between)', async () => {
    const w = await world();
    let stopped = false;
    const r = await runScript('scripts/verify-real.ts', ['--no-labs'], w, {
      timeoutMs: 120_000,
      onLine: (line) => {
        // As the second `up` starts, the worker goes down (a reboot does this): `up` must start it again.
        if (stopped || !line.startsWith(`  ${AGAIN}: `)) return;
        stopped = true;
        w.setState({ containers: w.readState().containers.map((c) => (c.name === 'cluster01-worker' ? { ...c, state: 'exited' as const } : c)) });
        w.api.setNodeRunning('cluster01-worker', false);
      },
    });
    expect(stopped).toBe(true);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${AGAIN.replace(/[()]/g, '\\$&')} +\\(total\\) +[\\d.]+ +FAILED: re-did cluster \\(done; reusing the existing cluster; starting stopped node containers: cluster01-worker\\)`, 'm'));
    // Not a hard failure: the run goes on and cleans up.
    expect(stages(r.stdout)).toEqual(['doctor', 'up', AGAIN, 'status', 'reset --fast', 'reset --full', 'down']);
  });
});
