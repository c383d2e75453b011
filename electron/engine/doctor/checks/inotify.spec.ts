import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { inotifyCheck } from './inotify.ts';

const limits = (watches: string, instances: string) => ({
  '/proc/sys/fs/inotify/max_user_watches': watches,
  '/proc/sys/fs/inotify/max_user_instances': instances,
});

describe('inotify check', () => {
  it('applies on Linux only', () => {
    expect(inotifyCheck.applies(fakeContext())).toBe(true);
    expect(inotifyCheck.applies(fakeContext({ platform: 'darwin' }))).toBe(false);
  });

  it('accepts the kind-recommended limits', async () => {
    const out = await inotifyCheck.check(fakeContext());
    expect(out.status).toBe('ok');
    expect(out.finding.en).toContain('max_user_watches=524288, max_user_instances=512');
  });

  it('warns on Ubuntu defaults with the exact sysctl and a persistent file', async () => {
    const out = await inotifyCheck.check(fakeContext({ files: limits('8192\n', '128\n') }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain('max_user_watches 8192 < 524288, max_user_instances 128 < 512');
    expect(out.fixCommands).toEqual([
      'sudo sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512',
      "printf 'fs.inotify.max_user_watches = 524288\\nfs.inotify.max_user_instances = 512\\n' | sudo tee /etc/sysctl.d/99-kindlab-inotify.conf",
    ]);
  });

  it('raises only what is low, so a larger setting is never lowered', async () => {
    const out = await inotifyCheck.check(fakeContext({ files: limits('1048576\n', '128\n') }));
    expect(out.fixCommands?.[0]).toBe('sudo sysctl -w fs.inotify.max_user_instances=512');
    expect(out.fixCommands?.[1]).not.toContain('max_user_watches');
  });

  it('still reads the host limits while the daemon is down', async () => {
    expect((await inotifyCheck.check(fakeContext({ commands: DAEMON_DOWN, files: limits('8192', '128') }))).status).toBe('warn');
  });

  it('skips for engines in a VM and when /proc cannot be read', async () => {
    const desktop = await inotifyCheck.check(fakeContext({ commands: { 'docker info --format {{json .}}': { stdout: fx.DOCKER_DESKTOP_INFO } } }));
    expect(desktop.status).toBe('skip');
    expect(desktop.finding.en).toMatch(/^Docker Desktop runs containers in its own VM/);
    const unreadable = await inotifyCheck.check(fakeContext({ files: { '/proc/sys/fs/inotify/max_user_watches': 'garbage' } }));
    expect(unreadable.status).toBe('skip');
  });
});
