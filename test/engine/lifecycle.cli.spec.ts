// Tier 2: the happy path of the real CLI and engine against the fake world (test/fakes).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../electron/api.ts';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { manifestCacheDir } from '../../electron/engine/paths.ts';
import { runCli, runTool } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

describe('happy path', () => {
  it('up builds everything, a second up changes nothing, status reports it, reset --fast and down clean up', async () => {
    const w = await world();
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    noStack(up);
    expect(up.code, up.stderr).toBe(0);
    for (const phase of ['preflight', 'cluster', 'cni', 'ingress', 'metallb', 'pools']) expect(up.stderr).toMatch(new RegExp(`✓ ${phase}: done`));
    // kind wrote the cluster's kubeconfig to kindlab's own file, never to ~/.kube/config.
    expect(readFileSync(w.kubeconfigPath(), 'utf8')).toContain('kind-cluster01');

    const status = JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus;
    expect(status.exists).toBe(true);
    expect(status.nodes.map((n) => [n.name, n.ready])).toEqual([
      ['cluster01-control-plane', true],
      ['cluster01-worker', true],
    ]);
    expect(status.addons.map((a) => [a.id, a.state])).toEqual([
      ['calico', 'ready'],
      ['ingress-nginx', 'ready'],
      ['metallb', 'ready'],
    ]);
    expect(status.pools).toEqual([
      { name: 'pool-01', addresses: ['172.18.200.100-172.18.200.125'] },
      { name: 'pool-02', addresses: ['172.18.201.200-172.18.201.225'] },
    ]);
    expect(status.kubeconfig).toBe(w.kubeconfigPath());

    // The ingress controller was moved to the port-mapped worker and made a NodePort Service.
    const api = RestKubeClient.fromFile(w.kubeconfigPath());
    const controller = (await api.get('apps/v1', 'Deployment', 'ingress-nginx-controller', 'ingress-nginx')) as unknown as { spec: { template: { spec: { nodeSelector: Record<string, string> } } } };
    expect(controller.spec.template.spec.nodeSelector['ingress-ready']).toBe('true');

    w.api.resetCounters();
    const again = await runCli(['up'], w, { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cni: done.*already ready/);
    expect(w.api.changes()).toBe(0);
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);

    // What the labs made disappears with the fast reset: objects their cleanup lists name (a
    // namespace, a Service typed from a lab's text) and objects carrying a lab's label.
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } });
    await api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-frontend', namespace: 'default' }, spec: { selector: { run: 'nginx-frontend' }, ports: [{ port: 80 }] } });
    await api.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'ns-scoped-pool', namespace: 'metallb-system', labels: { 'kindlab.io/lab': 'loadbalancer' } }, spec: { addresses: ['172.18.202.100-172.18.202.125'] } });
    await api.delete('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system');
    // What no lab made stays: another component's Service in kube-system, the learner's own namespace.
    await api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-router-metrics', namespace: 'kube-system' }, spec: { selector: { 'k8s-app': 'kube-router' }, ports: [{ port: 8080 }] } });
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my-experiments' } });
    // status counts what the labs left (objects with a lab's label), which the reset then removes.
    const before = JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus;
    expect(before.labObjects).toEqual({ loadbalancer: 1 });
    // The nodeport lab stops the worker; a reset taken at that point brings it back.
    expect((await runTool('docker', ['stop', 'cluster01-worker'], w)).code).toBe(0);
    const reset = await runCli(['reset', '--fast'], w, { timeoutMs: 60_000 });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/starting stopped node containers: cluster01-worker/);
    expect(w.readState().containers.find((c) => c.name === 'cluster01-worker')?.state).toBe('running');
    expect(await api.get('v1', 'Namespace', 'sales')).toBeNull();
    expect(await api.get('v1', 'Service', 'nginx-frontend', 'default')).toBeNull();
    expect(await api.get('v1', 'Service', 'kubernetes', 'default')).not.toBeNull();
    expect(await api.get('metallb.io/v1beta1', 'IPAddressPool', 'ns-scoped-pool', 'metallb-system')).toBeNull();
    expect(await api.get('v1', 'Service', 'kube-router-metrics', 'kube-system')).not.toBeNull();
    expect(await api.get('v1', 'Namespace', 'my-experiments')).not.toBeNull();
    expect((JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus).labObjects).toEqual({});
    // The add-ons' state is restored: the removed L2Advertisement is back.
    expect(await api.get('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system')).not.toBeNull();

    const down = await runCli(['down'], w);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/Cluster deleted/);
    const after = JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus;
    expect(after.exists).toBe(false);
  });

  it('reset --fast waits for an add-on that is merely recovering, and downloads nothing', async () => {
    const w = await world({ timeoutScale: 0.05 });
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    // No cached manifest, and no way to download one: a reinstall would fail.
    rmSync(manifestCacheDir(w.dataDir), { recursive: true, force: true });
    w.manifests.setMode('error');
    const before = w.manifests.requests.length;
    // MetalLB's speakers restart, as they do on a node a lab has just started again, and take a
    // moment to come back.
    w.setScenario({ faults: { hang: { phase: 'metallb' } } });
    const api = RestKubeClient.fromFile(w.kubeconfigPath());
    for (const p of (await api.list('v1', 'Pod', { namespace: 'metallb-system', labelSelector: 'component=speaker' })).items) await api.delete('v1', 'Pod', p.metadata.name, 'metallb-system');
    // They come back a moment after the reset has started to wait for them.
    let back: NodeJS.Timeout | undefined;
    const onLine = (line: string) => {
      if (!back && /recover by itself/.test(line)) back = setTimeout(() => w.setScenario({}), 300);
    };
    const reset = await runCli(['reset', '--fast'], w, { timeoutMs: 120_000, onLine });
    clearTimeout(back);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/MetalLB load balancer: speakers not ready; waiting up to 9 s for it to recover by itself/);
    expect(reset.stderr).toMatch(/MetalLB load balancer: recovered, nothing reinstalled/);
    expect(reset.stderr).not.toMatch(/restoring/);
    expect(w.manifests.requests.length).toBe(before);
  });

  it('reset --full recreates the cluster', async () => {
    const w = await world();
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    const r = await runCli(['reset', '--full', '--json'], w, { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as ClusterStatus).addons.every((a) => a.state === 'ready')).toBe(true);
    const kindCalls = w.calls().filter((c) => c.tool === 'kind');
    expect(kindCalls.filter((c) => c.args[0] === 'delete')).toHaveLength(1);
    expect(kindCalls.filter((c) => c.args[0] === 'create')).toHaveLength(2);
  });

  it('up --dry-run prints the plan and changes nothing (it only asks the engine its cgroup version and which caches run, for their mode)', async () => {
    const w = await world();
    const r = await runCli(['up', '--dry-run'], w);
    expect(r.code).toBe(0);
    expect(w.calls().map((c) => [c.tool, ...c.args].join(' ')).sort()).toEqual(['docker info --format {{.CgroupVersion}}', 'docker ps -a --filter label=io.kindlab.cache --format {{json .}}']);
    expect(r.stdout).toMatch(/kind create cluster --name cluster01 --config .*--kubeconfig /);
    expect(r.stdout).toContain(`node image ${w.pins.nodeImage}`);
    const chosen = w.pins.manifests.filter((m) => ['calico', 'ingress-nginx', 'metallb'].includes(m.addon));
    expect(chosen).toHaveLength(4);
    for (const pin of chosen) {
      expect(r.stdout).toContain(pin.url);
      expect(r.stdout).toContain(pin.sha256);
    }
    for (const pin of w.pins.manifests.filter((m) => !chosen.includes(m))) expect(r.stdout).not.toContain(pin.url);
  });

  it('up --dry-run with the alternatives and a node image shows exactly those', async () => {
    const w = await world();
    const r = await runCli(['--cni', 'kube-router', '--ingress', 'traefik', '--node-image', 'kindlab.local/node:v1.35.8-rw1', 'up', '--dry-run'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CNI kube-router, ingress controller traefik, node image kindlab.local/node:v1.35.8-rw1');
    expect(r.stdout).toContain('create the cluster (node image kindlab.local/node:v1.35.8-rw1)');
    for (const id of ['kube-router-generic', 'traefik-ingress-nginx-rbac', 'metallb-native']) expect(r.stdout).toContain(w.pins.manifests.find((m) => m.id === id)?.url ?? id);
    expect(r.stdout).not.toMatch(/calico|ingress-nginx\/controller/i);
  });
});

describe('pools and config', () => {
  it('pools --inspect prints the book ranges for a /16 with IPv6 listed first', async () => {
    const w = await world();
    const r = await runCli(['pools', '--inspect', 'test/fixtures/docker/network-kind.json', '--json'], w);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      '{"subnet":"172.18.0.0/16","gateway":"172.18.0.1","pools":[{"name":"pool-01","addresses":["172.18.200.100-172.18.200.125"]},{"name":"pool-02","addresses":["172.18.201.200-172.18.201.225"]}]}',
    );
  });

  it('pools --inspect on bad input exits 2 with one line on stderr', async () => {
    const w = await world();
    const bad = join(w.root, 'bad.json');
    for (const text of ['not json at all', '[{"Name":"kind","IPAM":{"Config":[{"Subnet":"fc00::/64"}]}}]', '[{"Name":"kind","IPAM":{"Config":[{"Subnet":"10.1.2.0/29","Gateway":"10.1.2.1"}]}}]']) {
      writeFileSync(bad, text);
      const r = await runCli(['pools', '--inspect', bad], w);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(/^✗ .+ — .+/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      noStack(r);
    }
    const missing = await runCli(['pools', '--inspect', join(w.root, 'nope.json')], w);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
  });

  it('pools without --inspect reads the live kind network', async () => {
    const w = await world();
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    const r = await runCli(['pools', '--json'], w);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ subnet: '172.18.0.0/16' });
  });
});
