// Tier 2: bad machines and bad input — every failure is one clear block with what to do.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterStatus } from '../../electron/api.ts';
import { describe, expect, it } from 'vitest';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { REPO_ROOT, type RunResult, runCli, runTool } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

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
    // status does not call MetalLB ready while a pool is missing: no LoadBalancer would get pool-02.
    const half = JSON.parse((await runCli(['status', '--json'], w)).stdout) as ClusterStatus;
    expect(half.addons.find((a) => a.id === 'metallb')).toMatchObject({ state: 'degraded', message: { en: 'pool pool-02 missing or different' } });
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
    expect(r.stderr).toMatch(/phase: cni/);
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
        if (/▸ cni/.test(line)) second ??= runCli(['down'], w);
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

  it('a KINDLAB_* variable with a wrong value stops the CLI at start, naming it and what it may be', async () => {
    const w = await world();
    const cni = await runCli(['status'], w, { env: { KINDLAB_CNI: 'flannel' } });
    expect(cni.code).toBe(2);
    expect(cni.stderr).toMatch(/KINDLAB_CNI="flannel" is not a value kindlab understands/);
    expect(cni.stderr).toMatch(/KINDLAB_CNI must be calico or kube-router; set it so, or unset it/);
    noStack(cni);
    const json = await runCli(['status', '--json'], w, { env: { KINDLAB_TIMEOUT_SCALE: 'fast' } });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failure: { code: 'bad-input', hint: { en: expect.stringContaining('KINDLAB_TIMEOUT_SCALE must be a number greater than 0') } } });
    expect(w.calls()).toEqual([]);
  });

  it('labs validate exits 0 on labs/ and 1 on a broken copy, one precise line per problem', async () => {
    const w = await world();
    const ok = await runCli(['labs', 'validate'], w);
    expect(ok.code).toBe(0);
    const dir = join(w.root, 'labs');
    cpSync(join(REPO_ROOT, 'labs'), dir, { recursive: true });
    const lab = join(dir, 'services', 'lab.yaml');
    writeFileSync(lab, readFileSync(lab, 'utf8').replace('type: podsReady', 'type: podReady'));
    const ingress = join(dir, 'ingress', 'manifests', 'nginx-web.yaml');
    writeFileSync(ingress, readFileSync(ingress, 'utf8').replace(/image: \S+/, 'image: nginx'));
    const bad = await runCli(['labs', 'validate', '--dir', dir], w);
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^services\/lab\.yaml: steps\[0\]\.checks\[\d+\]\S*: /));
    expect(lines).toContainEqual('ingress/manifests/nginx-web.yaml: document 1.spec.template.spec.containers[0].image: image nginx must be pinned to a version tag (not latest)');
    expect(lines).toContainEqual(expect.stringMatching(/unknown check type; use one of podsReady, endpoints, service, http, tcp, dns, object, policyCanary$/));
    noStack(bad);
  });
});
