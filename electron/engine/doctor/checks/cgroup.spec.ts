import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { cgroupCheck } from './cgroup.ts';

const withInfo = (fields: Record<string, unknown>) => fakeContext({ commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson(fields) } } });

describe('cgroup check', () => {
  it('accepts cgroup v2', async () => {
    expect((await cgroupCheck.check(fakeContext())).status).toBe('ok');
  });

  it('warns on cgroup v1 (kindlab lets the kubelet run there), naming the Kubernetes version and the way to v2', async () => {
    const out = await cgroupCheck.check(withInfo({ CgroupVersion: '1' }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain('Kubernetes 1.35.8');
    expect(out.finding.en).toContain('failCgroupV1: false');
    expect(out.finding.zh).toContain('failCgroupV1: false');
    expect(out.fix?.en).toContain('systemd.unified_cgroup_hierarchy=1');
    expect(out.fix?.zh).toContain('systemd.unified_cgroup_hierarchy=1');
    expect(out.fix?.en).toContain('.wslconfig');
  });

  it('warns when the engine does not say', async () => {
    expect((await cgroupCheck.check(withInfo({ CgroupVersion: '' }))).status).toBe('warn');
  });

  it('skips quietly while the engine is down', async () => {
    const out = await cgroupCheck.check(fakeContext({ commands: DAEMON_DOWN }));
    expect(out.status).toBe('skip');
    expect(out.finding.en).toMatch(/needs a running container engine/i);
  });
});
