// The fake kind prints what real kind v0.33.0 printed on the real Docker 20.10 engine of
// scripts/realworld (test/fixtures/kind/, made as its README says): each recording is replayed
// with the same config, names and engine state, and the two outputs must be equal once the
// parts that differ from run to run (container ids, image ids, the kubeconfig's path, kind's Go
// version) are masked. A change to the fake's wording, emoji or spacing fails here.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWorld, createFakeWorld, runTool } from './harness.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/kind/', import.meta.url));
const recordedText = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
/** The node image every recording used (built by scripts/realworld). */
const IMAGE = 'kindlab.local/node:v1.35.8-rw1';
/** The engine the recordings ran on: Docker 20.10 with cgroup v1. */
const ENGINE = { serverVersion: '20.10.24+dfsg1', cgroupVersion: '1' as const, dockerHost: 'unix:///tmp/nope.sock' };

const KUBELET_PATCH = 'kubeadmConfigPatches:\n  - |\n    kind: KubeletConfiguration\n    failCgroupV1: false\n';
/** The configs of the recordings (README.md beside them). */
const CONFIGS = {
  rec: `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: rec\nnetworking:\n  apiServerAddress: 127.0.0.1\n  disableDefaultCNI: true\n  podSubnet: 10.240.0.0/16\n  serviceSubnet: 10.96.0.0/16\nnodes:\n  - role: control-plane\n    image: ${IMAGE}\n  - role: worker\n    image: ${IMAGE}\n    labels:\n      ingress-ready: "true"\n${KUBELET_PATCH}`,
  recport: `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: recport\nnetworking:\n  disableDefaultCNI: true\nnodes:\n  - role: control-plane\n    image: ${IMAGE}\n  - role: worker\n    image: ${IMAGE}\n    extraPortMappings:\n      - containerPort: 80\n        hostPort: 18080\n        listenAddress: 127.0.0.1\n        protocol: TCP\n${KUBELET_PATCH}`,
  recv1: `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: recv1\nnetworking:\n  disableDefaultCNI: true\nnodes:\n  - role: control-plane\n    image: ${IMAGE}\n`,
};

/** What differs between two runs of the same command. */
function mask(text: string): string {
  return text
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/--kubeconfig \S+/g, '--kubeconfig <file>')
    .replace(/ go\d+\.\d+\.\d+ /g, ' go<version> ');
}

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function engine(state: Record<string, unknown> = {}): Promise<FakeWorld> {
  world = await createFakeWorld({ state: { ...ENGINE, images: [IMAGE, 'kindlab.local/empty:1'], ...state } });
  for (const [name, text] of Object.entries(CONFIGS)) writeFileSync(join(world.root, `${name}.yaml`), text);
  return world;
}

const create = (w: FakeWorld, name: keyof typeof CONFIGS) => runTool('kind', ['create', 'cluster', '--config', join(w.root, `${name}.yaml`), '--kubeconfig', join(w.root, `${name}.kubeconfig`)], w);

describe('fake kind against recordings of kind v0.33.0', () => {
  it('creates a cluster with kind\'s lines, emoji and spacing (the cgroup v1 warning first), and fails again on the same name', async () => {
    const w = await engine();
    const r = await create(w, 'rec');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    // The world's node image has no local-path-provisioner; a kindest/node image does, and kind says nothing then.
    const real = recordedText('create-cluster.stderr').replace('Could not read storage manifest, falling back on old k8s.io/host-path default ...\n', '');
    expect(mask(r.stderr)).toBe(mask(real));
    const again = await create(w, 'rec');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(recordedText('create-cluster-exists.stderr'));
  });

  it('lists, exports, loads and deletes as kind does', async () => {
    const w = await engine();
    expect((await create(w, 'rec')).code).toBe(0);
    expect((await runTool('kind', ['get', 'clusters'], w)).stdout).toBe(recordedText('get-clusters.stdout'));
    expect((await runTool('kind', ['get', 'nodes', '--name', 'rec'], w)).stdout).toBe(recordedText('get-nodes.stdout'));
    expect((await runTool('kind', ['get', 'nodes', '--name', 'nope'], w)).stderr).toBe(recordedText('get-nodes-none.stderr'));
    const none = await runTool('kind', ['get', 'kubeconfig', '--name', 'nope'], w);
    expect([none.code, none.stderr]).toEqual([1, recordedText('get-kubeconfig-none.stderr')]);
    expect((await runTool('kind', ['export', 'kubeconfig', '--name', 'rec', '--kubeconfig', join(w.root, 'other.kubeconfig')], w)).stderr).toBe(recordedText('export-kubeconfig.stderr'));
    expect(mask((await runTool('kind', ['load', 'docker-image', 'kindlab.local/empty:1', '--name', 'rec'], w)).stderr)).toBe(mask(recordedText('load-docker-image.stderr')));
    const missing = await runTool('kind', ['load', 'docker-image', 'nope:1', '--name', 'rec'], w);
    expect([missing.code, missing.stderr]).toEqual([1, recordedText('load-docker-image-missing.stderr')]);
    const del = await runTool('kind', ['delete', 'cluster', '--name', 'rec', '--kubeconfig', join(w.root, 'rec.kubeconfig')], w);
    expect([del.code, del.stdout, del.stderr]).toEqual([0, '', recordedText('delete-cluster.stderr')]);
    expect((await runTool('kind', ['delete', 'cluster', '--name', 'rec'], w)).stderr).toBe(recordedText('delete-cluster-absent.stderr'));
    expect((await runTool('kind', ['get', 'clusters'], w)).stderr).toBe(recordedText('get-clusters-none.stderr'));
    expect(mask((await runTool('kind', ['version'], w)).stdout)).toBe(mask(recordedText('version.stdout')));
  });

  it('fails on a taken host port as kind does on Docker 20.10', async () => {
    const w = await engine({ portsInUse: [18080] });
    const r = await create(w, 'recport');
    expect(r.code).toBe(1);
    expect(mask(r.stderr)).toBe(mask(recordedText('create-cluster-port-in-use.stderr')));
    expect(w.readState().containers).toEqual([]);
  });

  it('replays kubeadm\'s failure when a 1.35 kubelet refuses cgroup v1 (no failCgroupV1: false)', async () => {
    const w = await engine();
    const r = await create(w, 'recv1');
    expect(r.code).toBe(1);
    expect(mask(r.stderr)).toBe(mask(recordedText('create-cluster-cgroup-v1.stderr')));
  });

  it('fails as kind does when the daemon does not answer', async () => {
    const w = await engine({ daemon: 'down' });
    const createDown = await runTool('kind', ['create', 'cluster', '--name', 'x', '--image', IMAGE], w);
    expect([createDown.code, createDown.stderr]).toEqual([1, recordedText('create-cluster-daemon-down.stderr')]);
    const deleteDown = await runTool('kind', ['delete', 'cluster', '--name', 'x'], w);
    expect([deleteDown.code, deleteDown.stderr]).toEqual([1, recordedText('delete-cluster-daemon-down.stderr')]);
    expect((await runTool('kind', ['get', 'clusters'], w)).stderr).toBe(recordedText('get-clusters-daemon-down.stderr'));
    expect((await runTool('kind', ['get', 'nodes', '--name', 'x'], w)).stderr).toBe(recordedText('get-nodes-daemon-down.stderr'));
  });
});
