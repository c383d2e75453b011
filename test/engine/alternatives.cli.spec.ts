// Tier 2: the alternatives kindlab offers beside the book's add-ons, through the real CLI in the
// fake world: kube-router as the CNI and Traefik as the ingress controller (the pair tier 5 runs
// on for real), a node image of one's own, a cgroup v1 engine, and the pinned manifests imported
// from a folder instead of downloaded.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labRunFailures } from './lab-failures.ts';
import type { ClusterStatus, LabRunResult, ManifestImportResult, ManifestInfo } from '../../electron/api.ts';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { loadLabs } from '../../electron/engine/labs/loader.ts';
import { clusterPaths } from '../../electron/engine/paths.ts';
import { type FakeWorld, createFakeWorld, runCli } from '../fakes/harness.ts';
import { FIXTURE_MANIFESTS } from '../fakes/manifest-server.ts';
import { expectUserKubeconfigUntouched, noStack, world } from './world.ts';

const CUSTOM_IMAGE = 'kindlab.local/node:v1.35.8-rw1';

async function status(w: FakeWorld): Promise<ClusterStatus> {
  const r = await runCli(['status', '--json'], w);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ClusterStatus;
}

const addonStates = (s: ClusterStatus) => s.addons.map((a) => [a.id, a.state]);

/** The choices remembered in the cluster's folder. */
function remembered(w: FakeWorld): Record<string, string> {
  return JSON.parse(readFileSync(join(clusterPaths(w.dataDir, 'cluster01').dir, 'choices.json'), 'utf8')) as Record<string, string>;
}

/** The kind config each `kind create cluster` was given, read from the --config it was called with. */
function kindConfigs(w: FakeWorld): string[] {
  return w
    .calls()
    .filter((c) => c.tool === 'kind' && c.args[0] === 'create')
    .map((c) => readFileSync(String(c.args[c.args.indexOf('--config') + 1]), 'utf8'));
}

describe('kube-router and Traefik', () => {
  it('up builds them, a second up keeps them and changes nothing, up --cni calico is refused, reset --full --cni calico rebuilds with Calico', async () => {
    const w = await world();
    const up = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik'], w, { timeoutMs: 120_000 });
    noStack(up);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/▸ cni: Install kube-router\n/);
    expect(up.stderr).toMatch(/▸ ingress: Install the Traefik ingress controller\n/);
    for (const phase of ['preflight', 'cluster', 'cni', 'ingress', 'metallb', 'pools']) expect(up.stderr).toMatch(new RegExp(`✓ ${phase}: done`));
    expect(up.stderr).not.toMatch(/calico|tigera|admission/i);

    const s = await status(w);
    expect(addonStates(s)).toEqual([
      ['kube-router', 'ready'],
      ['traefik', 'ready'],
      ['metallb', 'ready'],
    ]);
    expect({ cni: s.cni, ingress: s.ingress, nodeImage: s.nodeImage }).toEqual({ cni: 'kube-router', ingress: 'traefik', nodeImage: w.pins.nodeImage });
    expect(s.nodes.every((n) => n.ready)).toBe(true);
    expect(s.pools.map((p) => p.name)).toEqual(['pool-01', 'pool-02']);
    expect(remembered(w)).toMatchObject({ cni: 'kube-router', ingress: 'traefik' });

    // What runs is the alternatives, and only they: no operator, no ingress-nginx.
    const api = RestKubeClient.fromFile(w.kubeconfigPath());
    expect(await api.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system')).not.toBeNull();
    expect(await api.get('apps/v1', 'Deployment', 'traefik', 'traefik')).not.toBeNull();
    expect(await api.get('v1', 'Namespace', 'ingress-nginx')).toBeNull();
    expect(await api.get('v1', 'Namespace', 'tigera-operator')).toBeNull();
    expect(((await api.get('networking.k8s.io/v1', 'IngressClass', 'nginx'))?.spec as { controller?: string }).controller).toBe('k8s.io/ingress-nginx');

    // A second up without flags: the cluster's own choices, nothing changed, nothing reinstalled.
    w.api.resetCounters();
    const again = await runCli(['up'], w, { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cni: done.*already ready/);
    expect(again.stderr).toMatch(/ingress: done.*already ready/);
    expect(w.api.changes()).toBe(0);
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);
    const kept = await status(w);
    expect([kept.cni, kept.ingress]).toEqual(['kube-router', 'traefik']);

    // Asking for Calico on it is refused before anything is touched, with the reset that does it.
    w.api.resetCounters();
    const other = await runCli(['up', '--cni', 'calico'], w, { timeoutMs: 60_000 });
    noStack(other);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('was built with --cni kube-router');
    expect(other.stderr).toContain('kindlab reset --full --cni calico');
    expect(w.api.changes()).toBe(0);
    expect(remembered(w)).toMatchObject({ cni: 'kube-router', ingress: 'traefik' });

    // reset --full --cni calico rebuilds it with Calico; the ingress choice stays Traefik.
    const reset = await runCli(['reset', '--full', '--cni', 'calico', '--json'], w, { timeoutMs: 120_000 });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/▸ cni: Install Calico/);
    const rebuilt = JSON.parse(reset.stdout) as ClusterStatus;
    expect(addonStates(rebuilt)).toEqual([
      ['calico', 'ready'],
      ['traefik', 'ready'],
      ['metallb', 'ready'],
    ]);
    expect([rebuilt.cni, rebuilt.ingress]).toEqual(['calico', 'traefik']);
    expect(remembered(w)).toMatchObject({ cni: 'calico', ingress: 'traefik' });
    const fresh = RestKubeClient.fromFile(w.kubeconfigPath());
    expect(await fresh.get('apps/v1', 'DaemonSet', 'kube-router', 'kube-system')).toBeNull();
    expect(await fresh.get('apps/v1', 'DaemonSet', 'calico-node', 'calico-system')).not.toBeNull();
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(2);
  });

  it('--node-image reaches the kind config, is remembered, and the cluster runs it', async () => {
    const w = await world();
    const up = await runCli(['--node-image', CUSTOM_IMAGE, 'up'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    const [config] = kindConfigs(w);
    expect(config?.match(/image: (.+)/g)).toEqual([`image: ${CUSTOM_IMAGE}`, `image: ${CUSTOM_IMAGE}`]);
    expect(config).not.toContain(w.pins.nodeImage);
    expect(w.readState().clusters.cluster01?.image).toBe(CUSTOM_IMAGE);
    const s = await status(w);
    expect(s.nodeImage).toBe(CUSTOM_IMAGE);
    expect(s.nodes.map((n) => n.kubeletVersion)).toEqual(['v1.35.8', 'v1.35.8']);
    expect(remembered(w)).toMatchObject({ nodeImage: CUSTOM_IMAGE });
    // Remembered: a second up without the flag neither rebuilds nor forgets it.
    expect((await runCli(['up'], w, { timeoutMs: 60_000 })).code).toBe(0);
    expect((await status(w)).nodeImage).toBe(CUSTOM_IMAGE);
  });

  it('a cgroup v1 engine: the kind config lets the kubelet start there (failCgroupV1: false), and up succeeds', async () => {
    const w = await world({ state: { cgroupVersion: '1' } });
    const up = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik'], w, { timeoutMs: 120_000 });
    noStack(up);
    expect(up.code, up.stderr).toBe(0);
    const [config] = kindConfigs(w);
    expect(config).toMatch(/kubeadmConfigPatches:\n\s*- \|\n\s*kind: KubeletConfiguration\n\s*failCgroupV1: false\n/);
    expect(addonStates(await status(w)).every(([, state]) => state === 'ready')).toBe(true);
  });

  it('on cgroup v2 the kind config carries no kubelet patch', async () => {
    const w = await world();
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    expect(kindConfigs(w)[0]).not.toMatch(/failCgroupV1|kubeadmConfigPatches/);
  });
});

describe('manifests import and list', () => {
  it('imports the fixture manifests verified, refuses a tampered one with both hashes, and up then downloads nothing', async () => {
    const w = await world();
    const list = async () => {
      const r = await runCli(['manifests', 'list', '--json'], w);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { manifests: ManifestInfo[] }).manifests;
    };
    expect((await list()).filter((m) => m.cached)).toEqual([]);
    const text = await runCli(['manifests', 'list'], w);
    for (const pin of w.pins.manifests) {
      expect(text.stdout).toContain(pin.url);
      expect(text.stdout).toContain(pin.sha256);
    }

    // A folder with every release file, one of them altered.
    const dir = join(w.root, 'offline');
    cpSync(FIXTURE_MANIFESTS, dir, { recursive: true });
    const tampered = join(dir, 'generic-kuberouter.yaml');
    writeFileSync(tampered, `${readFileSync(tampered, 'utf8')}# changed after the release\n`);
    const got = createHash('sha256').update(readFileSync(tampered)).digest('hex');
    const pinned = w.pins.manifests.find((m) => m.id === 'kube-router-generic')?.sha256 ?? '';
    expect(got).not.toBe(pinned);
    const bad = await runCli(['manifests', 'import', dir], w);
    noStack(bad);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ generic-kuberouter.yaml: its sha256 is not the one pinned for kube-router-generic; not imported');
    expect(bad.stdout).toContain(`pinned   ${pinned}`);
    expect(bad.stdout).toContain(`file has ${got}`);
    expect((await list()).filter((m) => !m.cached).map((m) => m.id)).toEqual(['kube-router-generic']);

    // The release file itself: everything verified and cached.
    cpSync(join(FIXTURE_MANIFESTS, 'generic-kuberouter.yaml'), tampered);
    const good = await runCli(['manifests', 'import', dir, '--json'], w);
    expect(good.code, good.stderr).toBe(0);
    const result = JSON.parse(good.stdout) as ManifestImportResult;
    expect(result.refused).toEqual([]);
    expect(result.imported.map((f) => f.id)).toContain('kube-router-generic');
    for (const f of result.imported) expect(f.sha256).toBe(w.pins.manifests.find((m) => m.id === f.id)?.sha256);
    const cached = await list();
    expect(cached.every((m) => m.cached)).toBe(true);
    expect(cached.map((m) => m.id).sort()).toEqual(w.pins.manifests.map((m) => m.id).sort());

    // Nothing is downloaded by either choice of add-ons.
    const before = w.manifests.requests.length;
    expect(before).toBe(0);
    const up = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
    const full = await runCli(['reset', '--full', '--cni', 'calico', '--ingress', 'ingress-nginx'], w, { timeoutMs: 120_000 });
    expect(full.code, full.stderr).toBe(0);
    expect(w.manifests.requests).toEqual([]);
  });
});

describe('every lab on kube-router and Traefik', () => {
  const { labs } = loadLabs();
  let w: FakeWorld;
  beforeAll(async () => {
    // One world for all labs, as the chapter builds on itself.
    w = await createFakeWorld({ timeoutScale: 0.05, env: { KINDLAB_LAB_COMMANDS: 'docker' } });
    const up = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik'], w, { timeoutMs: 120_000 });
    expect(up.code, up.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    expectUserKubeconfigUntouched(w);
    await w.close();
  });

  const run = async (id: string): Promise<LabRunResult> => {
    const r = await runCli(['lab', 'run', id, '--json'], w, { timeoutMs: 300_000 });
    const result = JSON.parse(r.stdout) as LabRunResult;
    const failed = labRunFailures(result);
    expect(failed).toEqual([]);
    expect(r.code).toBe(0);
    return result;
  };
  const check = (r: LabRunResult, id: string) => r.steps.flatMap((s) => s.checks).find((c) => c.id === id);

  for (const lab of labs) {
    it(`lab ${lab.id}`, async () => {
      const result = await run(lab.id);
      if (lab.id === 'ingress') {
        // The controller the lab speaks of is Traefik, in its namespace, with its own 404.
        expect(check(result, 'controller-ready')?.description).toMatch(/traefik/i);
        expect(check(result, 'other-host')?.observed).toMatch(/HTTP 404, body: "404 page not found"/);
        expect(check(result, 'https-by-sni')?.observed).toMatch(/:443\): HTTP 200/);
      }
      if (lab.id === 'netpol') {
        // kube-router rejects what a policy denies: the canary sees it refused, not dropped.
        expect(check(result, 'policy-enforced')?.observed).toMatch(/refused: this CNI rejects/);
      }
    }, 300_000);
  }
});
