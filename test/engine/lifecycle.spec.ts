// Tier 2: the real `kindlab` CLI and engine against fake docker/kind/kubectl and a fake API
// server that replay real behaviour (test/fakes). Each test builds its own world, and every test
// ends by proving the learner's ~/.kube/config is byte-identical.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../electron/api.ts';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { type FakeWorld, type RunResult, createFakeWorld, runCli, runTool } from '../fakes/harness.ts';

const worlds: FakeWorld[] = [];

async function world(opts: Parameters<typeof createFakeWorld>[0] = {}): Promise<FakeWorld> {
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
function noStack(r: RunResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.stderr).not.toMatch(/TypeError|ReferenceError|node:internal/);
}

async function waitUntilNoFakeProcess(w: FakeWorld, ms = 5000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let live = w.livePids();
  while (live.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    live = w.livePids();
  }
  return live;
}

describe('happy path', () => {
  it('up builds everything, a second up changes nothing, status reports it, reset --fast and down clean up', async () => {
    const w = await world();
    const up = await runCli(['up'], w, { timeoutMs: 120_000 });
    noStack(up);
    expect(up.code, up.stderr).toBe(0);
    for (const phase of ['preflight', 'cluster', 'calico', 'ingress', 'metallb', 'pools']) expect(up.stderr).toMatch(new RegExp(`✓ ${phase}: done`));
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
    expect(again.stderr).toMatch(/calico: done.*already ready/);
    expect(w.api.changes()).toBe(0);
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);

    // A lab object and a learner's namespace disappear with the fast reset; the add-ons stay.
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } });
    await api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-frontend', namespace: 'default' }, spec: { selector: { run: 'nginx-frontend' }, ports: [{ port: 80 }] } });
    await api.apply({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'ns-scoped-pool', namespace: 'metallb-system' }, spec: { addresses: ['172.18.202.100-172.18.202.125'] } });
    await api.delete('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system');
    const reset = await runCli(['reset', '--fast'], w, { timeoutMs: 60_000 });
    expect(reset.code, reset.stderr).toBe(0);
    expect(await api.get('v1', 'Namespace', 'sales')).toBeNull();
    expect(await api.get('v1', 'Service', 'nginx-frontend', 'default')).toBeNull();
    expect(await api.get('v1', 'Service', 'kubernetes', 'default')).not.toBeNull();
    expect(await api.get('metallb.io/v1beta1', 'IPAddressPool', 'ns-scoped-pool', 'metallb-system')).toBeNull();
    // The add-ons' state is restored: the removed L2Advertisement is back.
    expect(await api.get('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system')).not.toBeNull();

    const down = await runCli(['down'], w);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/Cluster deleted/);
    const after = JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus;
    expect(after.exists).toBe(false);
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

  it('up --dry-run prints the plan and runs nothing', async () => {
    const w = await world();
    const r = await runCli(['up', '--dry-run'], w);
    expect(r.code).toBe(0);
    expect(w.calls()).toEqual([]);
    expect(r.stdout).toMatch(/kind create cluster --name cluster01 --config .*--kubeconfig /);
    for (const pin of w.pins.manifests) {
      expect(r.stdout).toContain(pin.url);
      expect(r.stdout).toContain(pin.sha256);
    }
  });
});

describe('bad machines and bad input', () => {
  it('a stopped Docker daemon fails in preflight with the daemon error and what to do', async () => {
    const w = await world({ state: { daemon: 'down' } });
    const r = await runCli(['up'], w);
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/Cannot connect to the Docker daemon/);
    expect(r.stderr).toMatch(/what to do: Start the Docker daemon/);
    expect(r.stderr).toMatch(/\$ sudo systemctl start docker/);
    expect(w.calls().some((c) => c.tool === 'kind' && c.args[0] === 'create')).toBe(false);
    const status = await runCli(['status'], w);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/Cannot connect to the Docker daemon/);
    expect(status.stderr).toMatch(/Start Docker/);
  });

  it('kind missing: up and doctor say how to install it', async () => {
    const w = await world();
    w.removeTool('kind');
    const r = await runCli(['up'], w);
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/kind was not found/);
    expect(r.stderr).toMatch(/go install sigs\.k8s\.io\/kind@v0\.33\.0|kind\.sigs\.k8s\.io\/dl\/v0\.33\.0/);
    const d = await runCli(['doctor', '--json'], w);
    expect(d.code).toBe(1);
    const report = JSON.parse(d.stdout) as { findings: { id: string; status: string; fix?: string }[] };
    expect(report.findings.find((f) => f.id === 'kind')).toMatchObject({ status: 'fail' });
    expect(report.findings.find((f) => f.id === 'docker-daemon')).toMatchObject({ status: 'ok' });
  });

  it('host port 80 taken: kind fails and the error names the port and the fix', async () => {
    const w = await world({ state: { portsInUse: [80] } });
    const r = await runCli(['up'], w);
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/port is already allocated/);
    expect(r.stderr).toMatch(/what to do: .*port/i);
    expect(r.stderr).toMatch(/exit code: 1/);
  });

  it('an existing kindlab cluster is reused and its build completed', async () => {
    const w = await world();
    expect((await runCli(['up'], w, { timeoutMs: 120_000 })).code).toBe(0);
    // A half-built state: MetalLB's pools were removed.
    const api = RestKubeClient.fromFile(w.kubeconfigPath());
    await api.delete('metallb.io/v1beta1', 'IPAddressPool', 'pool-02', 'metallb-system');
    const r = await runCli(['up'], w, { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pools: done/);
    expect(await api.get('metallb.io/v1beta1', 'IPAddressPool', 'pool-02', 'metallb-system')).not.toBeNull();
    expect(w.calls().filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);
  });

  it('an existing cluster of the same name that kindlab did not build is refused with a clear way out', async () => {
    const w = await world();
    const cfg = join(w.root, 'foreign.yaml');
    writeFileSync(cfg, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n');
    expect((await runTool('kind', ['create', 'cluster', '--name', 'cluster01', '--config', cfg, '--kubeconfig', join(w.root, 'foreign-kubeconfig')], w)).code).toBe(0);
    const r = await runCli(['up'], w, { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/exists but was not built from kindlab's config/);
    expect(r.stderr).toMatch(/kindlab down/);
  });

  it('a webhook that refuses twice is retried and then accepts', async () => {
    const w = await world({ scenario: { faults: { webhookRefusals: { webhookNamePrefix: 'ipaddresspoolvalidationwebhook', count: 2 } } } });
    const r = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/IPAddressPool pool-01: webhook not ready \(attempt 1\)/);
    expect(r.stderr).toMatch(/IPAddressPool pool-01: webhook not ready \(attempt 2\)/);
    expect(r.stderr).not.toMatch(/attempt 3/);
    expect(await RestKubeClient.fromFile(w.kubeconfigPath()).get('metallb.io/v1beta1', 'IPAddressPool', 'pool-01', 'metallb-system')).not.toBeNull();
  });

  it('an image pull back-off during Calico stops the build with the registry message', async () => {
    const w = await world({
      scenario: {
        faults: {
          imagePullBackOff: {
            namespace: 'calico-system',
            podPrefix: 'calico-node',
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "quay.io/calico/node:v3.32.1": toomanyrequests: You have reached your pull rate limit.',
          },
        },
      },
    });
    const r = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(/calico-system\/calico-node-\S+ cannot pull quay\.io\/calico\/node:v3\.32\.1: ImagePullBackOff/);
    expect(r.stderr).toMatch(/phase: calico/);
    expect(r.stderr).toMatch(/rate-limit|rate limit|docker login/i);
  });

  it('a corrupted download is refused by its sha256', async () => {
    const w = await world();
    w.manifests.setMode('corrupt', 'metallb-native.yaml');
    const r = await runCli(['up'], w, { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…/);
    expect(r.stderr).toMatch(/refuses to install it/);
  });

  it('a second lifecycle operation is refused while one runs', async () => {
    const w = await world({ scenario: { faults: { hang: { phase: 'calico' } } } });
    let second: Promise<RunResult> | undefined;
    const first = await runCli(['up'], w, {
      timeoutMs: 60_000,
      onLine: (line) => {
        if (/▸ calico/.test(line)) second ??= runCli(['down'], w);
      },
    });
    const other = await second;
    // The hung Calico install runs into its (scaled-down) bound and reports why.
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/Calico: not done after/);
    expect(other?.code).toBe(1);
    expect(other?.stderr).toMatch(/another kindlab operation is running: up \(pid \d+/);
    expect(other?.stderr).toMatch(/Only one cluster operation runs at a time/);
  });

  it('wrong flags and bad files exit 2 with one line and no stack', async () => {
    const w = await world();
    const flag = await runCli(['up', '--bogus'], w);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')[0]).toBe("kindlab: unknown option '--bogus'");
    const reset = await runCli(['reset'], w);
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/choose exactly one of --fast or --full/);
    const step = await runCli(['lab', 'run', 'services', '--step', 'x'], w);
    expect(step.code).toBe(2);
    noStack(step);
  });
});

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
      // Finishing is a plain re-run.
      w.setScenario({});
      const again = await runCli(['up'], w, { timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(0);
    });
  }
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
      expect(r.stderr.split('\n')[0]).toMatch(/^✗ /);
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
