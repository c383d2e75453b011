import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../fake-probes.ts';
import * as fx from '../fixtures.ts';
import { cgroupCheck } from './cgroup.ts';

const withInfo = (fields: Record<string, unknown>) => fakeContext({ commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson(fields) } } });

describe('cgroup check', () => {
  it('accepts cgroup v2', async () => {
    expect((await cgroupCheck.check(fakeContext())).status).toBe('ok');
  });

  it('fails on cgroup v1, naming the Kubernetes version', async () => {
    const out = await cgroupCheck.check(withInfo({ CgroupVersion: '1' }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('The engine uses cgroup v1; Kubernetes 1.35.8 node images refuse to start on it.');
    expect(out.fix?.zh).toContain('systemd.unified_cgroup_hierarchy=1');
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
