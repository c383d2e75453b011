// The fake docker answers in the shapes the real Docker 20.10 engine of scripts/realworld gave
// (test/fixtures/docker/, see its README): the kind network, a kind node's network settings and
// state, and what the CLI prints when the daemon does not answer or a name is unknown.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWorld, createFakeWorld, runTool } from './harness.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/docker/', import.meta.url));
const recorded = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const ENGINE = { serverVersion: '20.10.24+dfsg1', clientVersion: '28.2.2', cgroupVersion: '1' as const };

/** The keys at every depth, with the types of the leaves: what two answers share when their values differ. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return v === null ? null : typeof v;
}

let world: FakeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function clusterWorld(state: Record<string, unknown> = {}): Promise<FakeWorld> {
  world = await createFakeWorld({ state: { ...ENGINE, ...state } });
  const config = join(world.root, 'kind.yaml');
  writeFileSync(config, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  disableDefaultCNI: true\nnodes:\n- role: control-plane\n- role: worker\nkubeadmConfigPatches:\n- |\n  kind: KubeletConfiguration\n  failCgroupV1: false\n');
  expect((await runTool('kind', ['create', 'cluster', '--name', 'cluster01', '--config', config, '--kubeconfig', world.kubeconfigPath()], world)).code).toBe(0);
  return world;
}

describe('fake docker against recordings of Docker 20.10', () => {
  it('inspects the kind network in the recorded shape: IPv4 first, no IPv6 gateway, MACs from the addresses', async () => {
    const w = await clusterWorld({ network: { name: 'kind', id: 'ab'.repeat(32), subnet: '172.18.0.0/16', gateway: '172.18.0.1', ipv6Subnet: 'fc00:f853:ccd:e793::/64', ipv6Gateway: 'fc00:f853:ccd:e793::1', ipv6First: false } });
    const real = JSON.parse(recorded('network-kind.json')) as Record<string, unknown>[];
    const fake = JSON.parse((await runTool('docker', ['network', 'inspect', 'kind'], w)).stdout) as Record<string, unknown>[];
    // Containers is keyed by container id: compare its entries.
    const byValue = (nets: Record<string, unknown>[]) => nets.map((n) => ({ ...n, Containers: Object.values(n.Containers as object) }));
    expect(shape(byValue(fake))).toEqual(shape(byValue(real)));
    expect(Object.keys(fake[0] ?? {})).toEqual(Object.keys(real[0] ?? {}));
    expect((fake[0]?.IPAM as { Config: unknown[] }).Config).toEqual((real[0]?.IPAM as { Config: unknown[] }).Config);
    const macs = Object.values(fake[0]?.Containers as Record<string, { MacAddress: string; IPv4Address: string }>).map((c) => [c.IPv4Address, c.MacAddress]).sort();
    expect(macs).toEqual([['172.18.0.2/16', '02:42:ac:12:00:02'], ['172.18.0.3/16', '02:42:ac:12:00:03']]);
  });

  it('keeps Docker 28\'s shape for a modern engine: EnableIPv4, and the IPv6 gateway', async () => {
    const w = await clusterWorld({ serverVersion: '28.5.1', clientVersion: '28.5.1' });
    const net = JSON.parse((await runTool('docker', ['network', 'inspect', 'kind'], w)).stdout)[0] as Record<string, unknown>;
    expect(Object.keys(net).slice(5, 8)).toEqual(['EnableIPv4', 'EnableIPv6', 'IPAM']);
    expect((net.IPAM as { Config: unknown[] }).Config[0]).toEqual({ Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' });
  });

  it('inspects a node\'s network settings and state as the engine does, before and after a stop', async () => {
    const w = await clusterWorld();
    const real = (JSON.parse(recorded('inspect-node.json')) as Record<string, any>[])[0] ?? {};
    const fake = (JSON.parse((await runTool('docker', ['inspect', 'cluster01-worker'], w)).stdout) as Record<string, any>[])[0] ?? {};
    expect(shape(fake.NetworkSettings.Networks.kind)).toEqual(shape(real.NetworkSettings.Networks.kind));
    expect(fake.NetworkSettings.Networks.kind.Aliases).toEqual([fake.Id.slice(0, 12), 'cluster01-worker']);
    expect(shape(fake.State)).toEqual(shape(real.State));
    expect(fake.State.FinishedAt).toBe('0001-01-01T00:00:00Z');
    expect((await runTool('docker', ['stop', 'cluster01-worker'], w)).stdout).toBe('cluster01-worker\n');
    const stopped = (await runTool('docker', ['inspect', '--format', '{{.State.Status}}|{{.State.ExitCode}}|{{.State.FinishedAt}}', 'cluster01-worker'], w)).stdout;
    expect(stopped).toMatch(/^exited\|130\|\d{4}-\d\d-\d\dT/);
  });

  it('prints what the CLI prints for unknown names', async () => {
    const w = await clusterWorld();
    const start = await runTool('docker', ['start', 'nope'], w);
    expect([start.code, start.stderr]).toEqual([1, 'Error response from daemon: No such container: nope\nError: failed to start containers: nope\n']);
    const stop = await runTool('docker', ['stop', 'nope'], w);
    expect([stop.code, stop.stderr]).toEqual([1, 'Error response from daemon: No such container: nope\n']);
    const inspect = await runTool('docker', ['inspect', '--format', '{{.State.StartedAt}}', 'nope'], w);
    expect([inspect.code, inspect.stdout, inspect.stderr]).toEqual([1, '\n', 'Error: No such object: nope\n']);
    expect((await runTool('docker', ['inspect', 'nope'], w)).stdout).toBe('[]\n');
  });

  it('with no daemon, `docker info --format {{json .}}` and `docker network inspect` still print the CLI\'s empty answer, then the reason', async () => {
    world = await createFakeWorld({ state: { ...ENGINE, daemon: 'down', dockerHost: 'unix:///tmp/nope.sock' } });
    const info = await runTool('docker', ['info', '--format', '{{json .}}'], world);
    expect(info.code).toBe(1);
    expect(info.stdout).toBe(recorded('info-daemon-down.json'));
    expect(info.stderr).toBe(recorded('info-daemon-down.stderr'));
    const version = await runTool('docker', ['version', '--format', '{{json .}}'], world);
    expect(version.code).toBe(1);
    expect(version.stderr).toBe(recorded('version-daemon-down.stderr'));
    expect(JSON.parse(version.stdout).Server).toBeNull();
    const net = await runTool('docker', ['network', 'inspect', 'kind'], world);
    expect([net.code, net.stdout, net.stderr]).toEqual([1, recorded('network-inspect-daemon-down.stdout'), recorded('network-inspect-daemon-down.stderr')]);
    const ps = await runTool('docker', ['ps', '--format', '{{json .}}'], world);
    expect([ps.code, ps.stdout]).toEqual([1, '']);
  });
});
