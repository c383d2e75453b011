// Tier 2: the image cache through the real CLI and engine against the fake world: the plan shows
// the caches and every hosts file; up starts one cache per upstream and writes the hosts files
// into every node; reset --full and down keep the caches; only `cache clear` removes them; and
// KINDLAB_CACHE=off or --no-cache leave everything as it was before the cache existed.
import { describe, expect, it } from 'vitest';
import type { CacheStatus, ClusterPlan } from '../../electron/api.ts';
import type { FakeWorld } from '../fakes/harness.ts';
import { runCli } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

const UPSTREAMS = ['docker.io', 'quay.io', 'registry.k8s.io'];
const CACHES = UPSTREAMS.map((u) => `kindlab-cache-${u}`);
const NODES = ['cluster01-control-plane', 'cluster01-worker'];

function caches(w: FakeWorld) {
  return w.readState().containers.filter((c) => c.labels['io.kindlab.cache']);
}

describe('image cache', () => {
  it('up --dry-run lists the caches and each hosts file; --no-cache says it is off', async () => {
    const w = await world();
    const r = await runCli(['up', '--dry-run', '--json'], w);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as ClusterPlan;
    const cacheSteps = plan.steps.filter((s) => s.phase === 'cache');
    expect(cacheSteps.map((s) => s.argv?.[s.argv.indexOf('--name') + 1])).toEqual(CACHES);
    expect(cacheSteps[0]?.argv).toEqual(expect.arrayContaining(['--restart', 'unless-stopped', '-p', '127.0.0.1:5101:5000', 'registry:3.0.0']));
    const mirrors = plan.steps.filter((s) => s.phase === 'mirrors');
    expect(mirrors).toHaveLength(NODES.length * UPSTREAMS.length);
    expect(JSON.stringify(mirrors)).toContain('/etc/containerd/certs.d/registry.k8s.io/hosts.toml');
    // The caches come before the cluster, the hosts files after it and before any add-on.
    const phases = plan.steps.map((s) => s.phase);
    expect(phases.indexOf('cache')).toBeLessThan(phases.indexOf('cluster'));
    expect(phases.lastIndexOf('mirrors')).toBeLessThan(phases.indexOf('cni'));
    const text = await runCli(['up', '--dry-run'], w);
    expect(text.stdout).toContain('kindlab-cache-quay.io');
    const off = JSON.parse((await runCli(['up', '--dry-run', '--no-cache', '--json'], w)).stdout) as ClusterPlan;
    expect(off.steps.filter((s) => s.phase === 'mirrors')).toEqual([]);
    expect(JSON.stringify(off.steps.filter((s) => s.phase === 'cache'))).toContain('off');
    expect(w.calls().filter((c) => c.tool === 'docker' && c.args[0] === 'run')).toEqual([]);
  });

  it('cache status --json lists every image of every choice and lab', async () => {
    const w = await world();
    const r = await runCli(['cache', 'status', '--json'], w);
    noStack(r);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as CacheStatus;
    expect(s.enabled).toBe(true);
    expect(s.upstreams.map((u) => [u.upstream, u.exists])).toEqual(UPSTREAMS.map((u) => [u, false]));
    const refs = s.images.map((i) => i.ref);
    for (const ref of ['quay.io/tigera/operator:v1.42.3', 'docker.io/cloudnativelabs/kube-router:v2.1.0', 'docker.io/library/traefik:v3.6.12', 'quay.io/metallb/speaker:v0.16.1', 'nicolaka/netshoot:v0.15', 'postgres:17.11-alpine']) expect(refs).toContain(ref);
    expect(s.totalCount).toBe(s.images.length);
    expect(s.cachedCount).toBe(0);
    const text = await runCli(['cache', 'status'], w);
    expect(text.stdout).toContain('kindlab cache warm');
  });

  it('up starts the caches and writes the hosts files into every node; a second up changes nothing; reset --full and down keep the caches; cache clear removes them', async () => {
    const w = await world();
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    noStack(up);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/✓ cache: done/);
    expect(up.stderr).toMatch(/✓ mirrors: done/);
    expect(caches(w).map((c) => [c.name, c.state])).toEqual(CACHES.map((n) => [n, 'running']));
    // The kind network did not exist before the first cluster: the caches were connected to it after kind made it.
    for (const c of caches(w)) expect(c.networks).toContain('kind');
    expect(caches(w)[0]?.env).toMatchObject({ REGISTRY_PROXY_REMOTEURL: 'https://registry-1.docker.io', REGISTRY_PROXY_TTL: '0s', OTEL_TRACES_EXPORTER: 'none' });
    const nodes = () => w.readState().containers.filter((c) => NODES.includes(c.name));
    for (const node of nodes()) {
      for (const u of UPSTREAMS) {
        const file = node.files?.[`/etc/containerd/certs.d/${u}/hosts.toml`];
        expect(file, `${node.name} ${u}`).toContain(`[host."http://kindlab-cache-${u}:5000"]`);
        expect(file).toContain('capabilities = ["pull", "resolve"]');
      }
    }

    const again = await runCli(['up'], w, { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cache: done.*already ready/);
    expect(again.stderr).toMatch(/mirrors: done.*already ready/);
    expect(w.calls().filter((c) => c.tool === 'docker' && c.args[0] === 'run' && c.args.includes('-d'))).toHaveLength(CACHES.length);

    const reset = await runCli(['reset', '--full'], w, { timeoutMs: 120_000 });
    expect(reset.code, reset.stderr).toBe(0);
    expect(caches(w).map((c) => c.name)).toEqual(CACHES);
    // The new nodes got their hosts files again (they are new containers).
    for (const node of nodes()) expect(Object.keys(node.files ?? {})).toHaveLength(UPSTREAMS.length);

    const down = await runCli(['down'], w, { timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(caches(w).map((c) => c.name)).toEqual(CACHES);
    expect((w.readState().volumes ?? []).map((v) => v.name)).toEqual(CACHES);

    const clear = await runCli(['cache', 'clear', '--json'], w);
    expect(clear.code, clear.stderr).toBe(0);
    expect((JSON.parse(clear.stdout) as { removed: string[] }).removed).toEqual(CACHES);
    expect(caches(w)).toEqual([]);
    expect(w.readState().volumes ?? []).toEqual([]);
  });

  it('cache warm in local mode pushes what the host engine has, and status then counts it', async () => {
    const w = await world({ state: { images: ['busybox:1.37.0', 'quay.io/metallb/speaker:v0.16.1'] } });
    const r = await runCli(['cache', 'warm', '--mode', 'local', '--json'], w, { timeoutMs: 60_000 });
    // Most images are not on this machine: warm names each one it skipped and caches the rest.
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('nicolaka/netshoot:v0.15: skipped (not on this machine)');
    const s = JSON.parse((await runCli(['cache', 'status', '--json'], w)).stdout) as CacheStatus;
    expect(s.images.filter((i) => i.cached).map((i) => i.ref).sort()).toEqual(['busybox:1.37.0', 'quay.io/metallb/speaker:v0.16.1']);
    expect(caches(w)[0]?.env).not.toHaveProperty('REGISTRY_PROXY_REMOTEURL');
    const bad = await runCli(['cache', 'warm', '--mode', 'mirror'], w);
    expect(bad.code).not.toBe(0);
  });

  it('cache warm in proxy mode pulls every image through its cache; a rate limit fails with what to do', async () => {
    const w = await world({ scenario: { docker: { pullRateLimited: true } }, state: { images: ['registry:3.0.0'] } });
    const limited = await runCli(['cache', 'warm'], w, { timeoutMs: 60_000 });
    expect(limited.code).toBe(1);
    expect(limited.stderr).toContain('toomanyrequests');
    expect(limited.stderr).toContain('docker login');
    w.setScenario({});
    const r = await runCli(['cache', 'warm', '--json'], w, { timeoutMs: 120_000 });
    noStack(r);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as CacheStatus;
    expect(s.cachedCount).toBe(s.totalCount);
    // One phase per upstream, each reaching its last image.
    for (const u of UPSTREAMS) expect(r.stderr).toMatch(new RegExp(`✓ ${u.replace(/\./g, '\\.')}: done`));
    // The pulled copies do not stay in the host engine under the cache's name.
    expect(w.readState().images.filter((i) => i.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('KINDLAB_CACHE=off and --no-cache leave the caches out', async () => {
    const w = await world();
    const up = await runCli(['up'], w, { timeoutMs: 120_000, env: { KINDLAB_CACHE: 'off' } });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/cache: skipped|cache.*off/);
    expect(caches(w)).toEqual([]);
    const reset = await runCli(['reset', '--full', '--no-cache'], w, { timeoutMs: 120_000 });
    expect(reset.code, reset.stderr).toBe(0);
    expect(caches(w)).toEqual([]);
    for (const node of w.readState().containers) expect(node.files ?? {}).toEqual({});
  });
});
