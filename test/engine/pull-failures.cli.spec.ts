// Tier 2: a pull that fails reaches the learner with its class and its fix, through the real CLI
// in the fake world: `up` stops on Docker Hub's rate limit with the cache and the login, and a
// lab step whose image the registry does not have says so and names the lab that pins it.
import { describe, expect, it } from 'vitest';
import type { LabRunResult } from '../../electron/api.ts';
import { runCli } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

describe('image pull failures, classified', () => {
  it('up stops on Docker Hub\'s rate limit of kube-router\'s image, naming the class and the cache', async () => {
    const w = await world({
      scenario: { faults: { imagePullBackOff: { namespace: 'kube-system', image: 'cloudnativelabs/kube-router', reason: 'ImagePullBackOff', kind: 'rate-limited' } } },
    });
    const r = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik'], w, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/kube-system\/kube-router-\S+ cannot pull docker\.io\/cloudnativelabs\/kube-router:v2\.1\.0: (ImagePullBackOff|ErrImagePull) — rate-limited by docker\.io/);
    expect(r.stderr).toMatch(/kindlab cache warm/);
    expect(r.stderr).toMatch(/docker login/);
    expect(r.stderr).toMatch(/toomanyrequests: You have reached your unauthenticated pull rate limit/);
    expect(r.stderr).toMatch(/phase: cni/);
  }, 150_000);

  it('up stops on a pinned image the registry does not have, naming the pin', async () => {
    const w = await world({
      scenario: { faults: { imagePullBackOff: { namespace: 'metallb-system', image: 'quay.io/metallb/controller', reason: 'ImagePullBackOff', kind: 'missing' } } },
    });
    const r = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/cannot pull quay\.io\/metallb\/controller:v0\.16\.1: (ImagePullBackOff|ErrImagePull) — not found on quay\.io, pinned by kindlab's pin of MetalLB v0\.16\.1/);
    expect(r.stderr).toMatch(/waiting will not help/);
  }, 150_000);

  it('a lab step whose image is gone fails at its wait with the missing-image fix, and its check says the same', async () => {
    const w = await world();
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    w.setScenario({ faults: { imagePullBackOff: { namespace: 'default', image: 'nginx:1.30.4-alpine', reason: 'ImagePullBackOff', kind: 'missing' } } });
    const t0 = Date.now();
    const r = await runCli(['lab', 'run', 'services', '--step', '1', '--json'], w, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    // The wait of the step is bounded at 240 s (scaled); a missing image stops it within seconds.
    expect(Date.now() - t0).toBeLessThan(30_000);
    const result = JSON.parse(r.stdout) as LabRunResult;
    const step = result.steps[0];
    const en = (t: unknown) => (typeof t === 'string' ? t : (t as { en?: string } | undefined)?.en ?? '');
    const wait = step?.actions.find((a) => a.status === 'failed');
    expect(en(wait?.output)).toMatch(/cannot pull nginx:1\.30\.4-alpine: (ImagePullBackOff|ErrImagePull) — not found on docker\.io, pinned by the lab services/);
    expect(en(wait?.output)).toMatch(/pinned by the lab services: check that version/);
    const check = step?.checks.find((c) => c.id === 'three-pods-ready');
    expect(check?.status).toBe('fail');
    expect(en(check?.observed)).toMatch(/\(not found on docker\.io, pinned by the lab services\)/);
    expect(en(check?.hint)).toMatch(/docker\.io has no image docker\.io\/library\/nginx:1\.30\.4-alpine/);
  }, 200_000);
});
