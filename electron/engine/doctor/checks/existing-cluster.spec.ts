import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, type MachineChanges, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { existingClusterCheck } from './existing-cluster.ts';

const PS = 'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}';

function world(clusters: string, nodes: Parameters<typeof fx.kindContainerLines>[0], extra: MachineChanges = {}) {
  return fakeContext({ ...extra, commands: { 'kind get clusters': { stdout: clusters }, [PS]: { stdout: fx.kindContainerLines(nodes) }, ...extra.commands } });
}

const CONTROL_PLANE = { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane' };
const WORKER = { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker' };
const COMPLETE = [CONTROL_PLANE, WORKER];

describe('existing-cluster check', () => {
  it('says the cluster will be created when nothing exists', async () => {
    const out = await existingClusterCheck.check(fakeContext());
    expect(out).toEqual({
      status: 'ok',
      finding: { en: 'No cluster named cluster01 yet; kindlab will create it.', zh: '还没有名为 cluster01 的集群，kindlab 会创建它。' },
    });
  });

  it('matches cluster01 exactly: cluster012 is someone else', async () => {
    const out = await existingClusterCheck.check(
      world('cluster012\n', [
        { name: 'cluster012-control-plane', cluster: 'cluster012', role: 'control-plane' },
        { name: 'cluster012-worker', cluster: 'cluster012', role: 'worker' },
      ]),
    );
    expect(out.status).toBe('ok');
    expect(out.finding.en).toMatch(/^No cluster named cluster01 yet/);
    expect(out.finding.en).toContain('Other kind clusters also use memory and CPU: cluster012');
  });

  it('reuses a complete running cluster', async () => {
    const out = await existingClusterCheck.check(world('cluster01\n', COMPLETE));
    expect(out.status).toBe('ok');
    expect(out.finding.en).toBe('Cluster cluster01 exists with 2 running nodes; kindlab will reuse it.');
  });

  it('warns about leftover node containers with the kind delete command', async () => {
    const out = await existingClusterCheck.check(world('cluster01\n', [{ name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state: 'exited' }]));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toBe('Leftover node containers of cluster01 without a complete cluster: cluster01-worker.');
    expect(out.fixCommands).toEqual(['kind delete cluster --name cluster01']);
  });

  it('falls back to docker rm when kind is missing', async () => {
    const out = await existingClusterCheck.check(world('', [{ name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane' }], { tools: { kind: null } }));
    expect(out.fixCommands).toEqual(['docker rm -f cluster01-control-plane']);
  });

  it('warns about stopped nodes with docker start', async () => {
    const out = await existingClusterCheck.check(world('cluster01\n', [CONTROL_PLANE, { ...WORKER, state: 'exited' }]));
    expect(out.status).toBe('warn');
    expect(out.fixCommands).toEqual(['docker start cluster01-worker']);
  });

  it('skips while the engine is down', async () => {
    const out = await existingClusterCheck.check(fakeContext({ commands: DAEMON_DOWN }));
    expect(out.status).toBe('skip');
    expect(out.finding.en).toMatch(/needs a running container engine/i);
  });
});
