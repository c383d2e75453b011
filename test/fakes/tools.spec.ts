// The fake docker, kind and kubectl executables, the harness and the manifest server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { RestKubeClient } from '../../electron/engine/kube/client.ts';
import { type FakeWorld, createFakeWorld, runTool } from './harness.ts';
import { until } from './testkit.ts';

const KIND_CONFIG = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: 10.240.0.0/16
  serviceSubnet: 10.96.0.0/16
nodes:
- role: control-plane
- role: worker
  labels:
    ingress-ready: "true"
  extraPortMappings:
  - containerPort: 80
    hostPort: 80
    listenAddress: 127.0.0.1
  - containerPort: 443
    hostPort: 443
    listenAddress: 127.0.0.1
`;

let world: FakeWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function newWorld(opts: Parameters<typeof createFakeWorld>[0] = {}): Promise<FakeWorld> {
  world = await createFakeWorld(opts);
  writeFileSync(join(world.root, 'kind.yaml'), KIND_CONFIG);
  return world;
}

function createArgs(w: FakeWorld, extra: string[] = ['--kubeconfig', w.kubeconfigPath()]): string[] {
  return ['create', 'cluster', '--name', 'cluster01', '--config', join(w.root, 'kind.yaml'), '--image', w.pins.nodeImage, ...extra];
}

describe('fake kind', () => {
  it('creates a cluster, writing only the --kubeconfig file, and the API answers through it', async () => {
    const w = await newWorld();
    const lines: string[] = [];
    const r = await runTool('kind', createArgs(w), w, { onLine: (l) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(lines.slice(0, 3)).toEqual(['Creating cluster "cluster01" ...', ' • Ensuring node image (kindest/node:v1.35.8) 🖼️  ...', ' ✓ Ensuring node image (kindest/node:v1.35.8) 🖼️']);
    expect(lines).toContain(' • Preparing nodes 📦 📦   ...');
    expect(lines).not.toContain(' • Installing CNI 🔌  ...');
    expect(lines).toContain('Set kubectl context to "kind-cluster01"');
    expect(readFileSync(w.userKubeconfig).equals(w.userKubeconfigBytes)).toBe(true);
    const kc = new KubeConfig();
    kc.loadFromFile(w.kubeconfigPath());
    expect(kc.getCurrentContext()).toBe('kind-cluster01');
    const nodes = await new RestKubeClient(kc).list('v1', 'Node');
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['cluster01-control-plane', 'cluster01-worker']);
    expect(nodes.items[1]?.metadata.labels?.['ingress-ready']).toBe('true');
    expect((await runTool('kind', ['get', 'clusters'], w)).stdout).toBe('cluster01\n');
    expect(w.readState().containers.find((c) => c.name === 'cluster01-worker')?.ports).toEqual(['127.0.0.1:80->80/tcp', '127.0.0.1:443->443/tcp']);
    expect(w.calls().map((c) => c.tool)).toEqual(['kind', 'kind']);
  });

  it('without --kubeconfig writes $KUBECONFIG or ~/.kube/config like real kind, keeping other contexts', async () => {
    const w = await newWorld();
    expect((await runTool('kind', createArgs(w, []), w)).code).toBe(0);
    const kc = new KubeConfig();
    kc.loadFromFile(w.userKubeconfig);
    expect(kc.getContexts().map((c) => c.name).sort()).toEqual(['kind-cluster01', 'work']);
    expect(kc.getCurrentContext()).toBe('kind-cluster01');
    expect((await runTool('kind', ['delete', 'cluster', '--name', 'cluster01'], w)).stderr).toBe('Deleting cluster "cluster01" ...\nDeleted nodes: ["cluster01-worker" "cluster01-control-plane"]\n');
    const after = new KubeConfig();
    after.loadFromFile(w.userKubeconfig);
    expect(after.getContexts().map((c) => c.name)).toEqual(['work']);
    const elsewhere = join(w.root, 'elsewhere.yaml');
    expect((await runTool('kind', createArgs(w, []), w, { env: { KUBECONFIG: `${elsewhere}:${w.userKubeconfig}` } })).code).toBe(0);
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('fails with kind’s own words: existing cluster, port taken, daemon down, bad config', async () => {
    const w = await newWorld({ state: { portsInUse: [80] } });
    const port = await runTool('kind', createArgs(w), w);
    expect(port.code).toBe(1);
    expect(port.stderr).toContain(' ✗ Preparing nodes 📦 📦 \nDeleted nodes: ["cluster01-worker" "cluster01-control-plane"]\nERROR: failed to create cluster: command "docker run --name cluster01-worker ');
    expect(port.stderr).toContain('--publish=127.0.0.1:80:80/TCP --publish=127.0.0.1:443:443/TCP');
    expect(port.stderr).toMatch(/failed with error: exit status 125\n\nCommand Output: [0-9a-f]{64}\ndocker: Error response from daemon: .*Bind for 127\.0\.0\.1:80 failed: port is already allocated\n/);
    expect(w.readState().containers).toEqual([]);

    w.setState({ portsInUse: [] });
    expect((await runTool('kind', createArgs(w), w)).code).toBe(0);
    const again = await runTool('kind', createArgs(w), w);
    expect(again).toMatchObject({ code: 1, stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "cluster01"\n' });

    w.setState({ daemon: 'down' });
    const down = await runTool('kind', ['get', 'clusters'], w);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');

    w.setState({ daemon: 'up' });
    writeFileSync(join(w.root, 'bad.yaml'), 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\n');
    const bad = await runTool('kind', ['create', 'cluster', '--name', 'x', '--config', join(w.root, 'bad.yaml')], w);
    expect(bad).toMatchObject({ code: 1, stderr: 'ERROR: failed to create cluster: unknown apiVersion: kind.x-k8s.io/v1alpha3\n' });
    expect((await runTool('kind', ['delete', 'cluster', '--name', 'cluster01'], w)).code).toBe(0);
    expect((await runTool('kind', ['get', 'clusters'], w)).stderr).toBe('No kind clusters found.\n');
  });

  it('on a cgroup v1 engine, a 1.35 kubelet starts only with failCgroupV1: false in the config', async () => {
    const w = await newWorld({ state: { cgroupVersion: '1' } });
    const refused = await runTool('kind', createArgs(w), w);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(' ✗ Starting control-plane 🕹️\nDeleted nodes: ["cluster01-worker" "cluster01-control-plane"]\nERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged cluster01-control-plane kubeadm init');
    // What kubeadm v1.35.8 printed there: the API server never answers (no word about cgroups).
    expect(refused.stderr).toContain('error execution phase wait-control-plane');
    expect(refused.stderr).toContain('dial tcp 172.18.0.2:6443: connect: connection refused');
    expect(refused.stderr.startsWith('cgroup v1 is deprecated in Kubernetes')).toBe(true);
    expect(w.readState().containers).toEqual([]);
    // Kubernetes before 1.35 still starts there.
    expect((await runTool('kind', ['create', 'cluster', '--name', 'old', '--config', join(w.root, 'kind.yaml'), '--image', 'kindest/node:v1.34.3', '--kubeconfig', w.kubeconfigPath('old')], w)).code).toBe(0);
    expect((await runTool('kind', ['delete', 'cluster', '--name', 'old'], w)).code).toBe(0);
    writeFileSync(join(w.root, 'kind.yaml'), `${KIND_CONFIG}kubeadmConfigPatches:\n- |\n  kind: KubeletConfiguration\n  failCgroupV1: false\n`);
    expect((await runTool('kind', createArgs(w), w)).code).toBe(0);
  });

  it('dies on SIGTERM while hanging, leaving no process and no pid file behind', async () => {
    const w = await newWorld({ scenario: { kind: { hangAt: 'Starting control-plane' } } });
    const r = await runTool('kind', createArgs(w), w, { signalAfter: { pattern: /Starting control-plane/, signal: 'SIGTERM' }, timeoutMs: 10_000 });
    expect(r.code).toBe(143);
    expect(r.stderr).toContain(' • Starting control-plane 🕹️  ...');
    expect(w.livePids()).toEqual([]);
    // The half-created nodes stay, as after a real interrupted kind.
    expect(w.readState().containers.map((c) => c.name).sort()).toEqual(['cluster01-control-plane', 'cluster01-worker']);
  });
});

describe('fake docker', () => {
  it('prints the daemon error when the engine is down, keeping the client part of version', async () => {
    const w = await newWorld({ state: { daemon: 'down' } });
    const v = await runTool('docker', ['version', '--format', 'json'], w);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout)).toMatchObject({ Client: { Version: '28.5.1' }, Server: null });
    expect(v.stderr).toBe('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    const [info, ps, net, ctx] = await Promise.all([['info', '--format', 'json'], ['ps', '-a'], ['network', 'inspect', 'kind'], ['context', 'show']].map((args) => runTool('docker', args, w)));
    const down = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';
    for (const r of [info, ps, net]) expect(r).toMatchObject({ code: 1, stderr: down });
    // As the real CLI: info renders its template over an empty answer, network inspect an empty list.
    expect(JSON.parse(info?.stdout ?? '')).toMatchObject({ ServerVersion: '', ClientInfo: { Version: '28.5.1' } });
    expect([ps?.stdout, net?.stdout]).toEqual(['', '[]\n']);
    expect(ctx?.stdout).toBe('default\n');
  });

  it('answers inspections, stops and starts nodes, and runs probes on the kind network', async () => {
    const w = await newWorld();
    const [version, cgroup, noNet] = await Promise.all([
      runTool('docker', ['version', '--format', 'json'], w),
      runTool('docker', ['info', '--format', '{{.CgroupVersion}}'], w),
      runTool('docker', ['network', 'inspect', 'kind'], w),
    ]);
    const v = JSON.parse(version.stdout);
    expect(v.Client.Version).toBe('28.5.1');
    expect(v.Server.Os).toBe('linux');
    expect(cgroup.stdout).toBe('2\n');
    expect(noNet).toMatchObject({ code: 1, stderr: 'Error response from daemon: network kind not found\n' });
    await runTool('kind', createArgs(w), w);

    // network inspect: IPv6 first, the nodes attached.
    const [inspectNet, psNames, inspectIP] = await Promise.all([
      runTool('docker', ['network', 'inspect', 'kind'], w),
      runTool('docker', ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster=cluster01', '--format', '{{.Names}}'], w),
      runTool('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'cluster01-worker'], w),
    ]);
    const net = JSON.parse(inspectNet.stdout)[0];
    expect(net.IPAM.Config).toEqual([
      { Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' },
      { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
    ]);
    expect(Object.values(net.Containers).map((c: any) => c.IPv4Address).sort()).toEqual(['172.18.0.2/16', '172.18.0.3/16']);
    expect(psNames.stdout.split('\n').filter(Boolean).sort()).toEqual(['cluster01-control-plane', 'cluster01-worker']);
    expect(inspectIP.stdout).toBe('172.18.0.3\n');

    // stop/start: the API server sees the node go and come back.
    expect((await runTool('docker', ['stop', 'cluster01-worker'], w)).stdout).toBe('cluster01-worker\n');
    const ready = () => (w.api.state.get('v1', 'Node', 'cluster01-worker')?.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
    await until(() => ready() === 'Unknown', 'node Unknown');
    const started = () => runTool('docker', ['inspect', '--format', '{{.State.StartedAt}}|{{.State.Running}}', 'cluster01-worker'], w).then((r) => r.stdout.trim().split('|'));
    const [createdAt, stopped] = await started();
    expect(stopped).toBe('false');
    const beforeStart = Date.now();
    await runTool('docker', ['start', 'cluster01-worker'], w);
    await until(() => ready() === 'False', 'node back (NotReady until a CNI runs)');
    // State.StartedAt moves with the start (the nodeport lab's data-plane wait reads it), and
    // not with a start of a container that already runs.
    const [startedAt, running] = await started();
    expect(running).toBe('true');
    expect(Date.parse(startedAt ?? '')).toBeGreaterThanOrEqual(beforeStart - 1000);
    expect(startedAt).not.toBe(createdAt);
    await runTool('docker', ['start', 'cluster01-worker'], w);
    expect((await started())[0]).toBe(startedAt);
    expect(await runTool('docker', ['stop', 'nope'], w)).toMatchObject({ code: 1, stderr: 'Error response from daemon: No such container: nope\n' });

    // docker run: pulls once, then simulates curl on the kind network.
    const probe = ['run', '--rm', '--network', 'kind', w.pins.images.probe, '-sS', '-m', '3', '-o', '/dev/null', '-w', '%{http_code}', 'http://172.18.0.3/'];
    const first = await runTool('docker', probe, w);
    expect(first.stderr).toContain(`Unable to find image '${w.pins.images.probe}' locally`);
    expect(first).toMatchObject({ code: 7, stdout: '000' });
    const second = await runTool('docker', probe, w);
    expect(second.stderr).toBe("curl: (7) Failed to connect to 172.18.0.3 port 80 after 0 ms: Couldn't connect to server\n");
    w.setScenario({ docker: { pullRateLimited: true } });
    const limited = await runTool('docker', ['run', '--rm', '--network', 'kind', 'nicolaka/netshoot:v0.15', 'nc', '-zv', '172.18.0.3', '80'], w);
    expect(limited.code).toBe(125);
    expect(limited.stderr).toContain('toomanyrequests: You have reached your unauthenticated pull rate limit.');
  });
});

describe('fake kubectl and the harness', () => {
  it('reports its client version and replays recordings', async () => {
    const w = await newWorld();
    w.addKubectlRecording('mine', { args: ['get', 'pods', '-n', '*'], stdout: 'No resources found in lab namespace.\n' });
    const [version, nodes, mine, unknown] = await Promise.all([
      runTool('kubectl', ['version', '--client', '-o', 'json'], w),
      runTool('kubectl', ['--kubeconfig', '/x/y', 'get', 'nodes'], w),
      runTool('kubectl', ['get', 'pods', '-n', 'lab', '--context', 'kind-cluster01'], w),
      runTool('kubectl', ['frobnicate'], w),
    ]);
    expect(JSON.parse(version.stdout)).toMatchObject({ clientVersion: { major: '1', minor: '35', gitVersion: 'v1.35.8' }, kustomizeVersion: 'v5.7.1' });
    expect(nodes.stdout).toContain('cluster01-worker          Ready');
    expect(mine.stdout).toBe('No resources found in lab namespace.\n');
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: unknown command for the fake kubectl: frobnicate\n' });
  });

  it('puts only the fake tools on PATH and can take one away', async () => {
    const w = await newWorld();
    expect(w.env.PATH).toBe(w.binDir);
    expect(w.env).toMatchObject({ KINDLAB_NO_PATH_REPAIR: '1', HOME: w.home, KINDLAB_DATA_DIR: w.dataDir, KINDLAB_FAKE_API: w.api.url });
    w.removeTool('kind');
    expect(existsSync(join(w.binDir, 'kind'))).toBe(false);
    w.restoreTool('kind');
    expect((await runTool('kind', ['version'], w)).stdout).toBe('kind v0.33.0 go1.25.5 linux/amd64\n');
    const pins = JSON.parse(readFileSync(w.env.KINDLAB_PINS_FILE ?? '', 'utf8'));
    expect(pins.manifests.map((m: any) => m.id)).toEqual(['calico-operator-crds', 'calico-tigera-operator', 'ingress-nginx-kind', 'metallb-native', 'kube-router-generic', 'traefik-ingress-nginx-rbac']);
    for (const m of pins.manifests) expect(m.url.startsWith(w.manifests.url)).toBe(true);
  });

  it('serves the fixture manifests with their sha256, or corrupted, or not at all', async () => {
    const w = await newWorld();
    const m = w.pins.manifests.find((x) => x.id === 'metallb-native');
    const ok = await fetch(m?.url ?? '');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(Buffer.from(await ok.arrayBuffer())).digest('hex')).toBe(m?.sha256);
    w.manifests.setMode('corrupt', 'metallb-native.yaml');
    const bad = await fetch(m?.url ?? '');
    expect(createHash('sha256').update(Buffer.from(await bad.arrayBuffer())).digest('hex')).not.toBe(m?.sha256);
    w.manifests.setMode('notfound');
    expect((await fetch(w.pins.manifests[0]?.url ?? '')).status).toBe(404);
    w.manifests.setMode('error');
    expect((await fetch(w.pins.manifests[0]?.url ?? '')).status).toBe(500);
    expect(w.manifests.requests.length).toBe(4);
  });
});
