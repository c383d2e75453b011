import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { diskCheck } from './disk.ts';

const withFree = (bytes: number) => fakeContext({ freeBytes: { '/var/lib/docker': bytes } });

describe('disk check', () => {
  it('reads the free space of DockerRootDir', async () => {
    const out = await diskCheck.check(fakeContext());
    expect(out).toEqual({ status: 'ok', finding: { en: '120.0 GB free in /var/lib/docker.', zh: '/var/lib/docker 有 120.0 GB 可用空间。' } });
  });

  it('warns below 15 GB and fails below 5 GB, offering a prune', async () => {
    expect((await diskCheck.check(withFree(12e9))).status).toBe('warn');
    const full = await diskCheck.check(withFree(3e9));
    expect(full.status).toBe('fail');
    expect(full.fixCommands).toEqual(['docker system prune']);
  });

  it('skips, saying why, when the engine lives in a VM', async () => {
    const out = await diskCheck.check(
      fakeContext({
        platform: 'darwin',
        commands: {
          'docker info --format {{json .}}': { stdout: fx.DOCKER_DESKTOP_INFO },
          'docker context inspect': { stdout: fx.dockerContextJson('desktop-linux', 'unix:///Users/lee/.docker/run/docker.sock') },
        },
      }),
    );
    expect(out.status).toBe('skip');
    expect(out.finding.en).toMatch(/^Docker Desktop keeps its images inside its own VM/);
  });

  it('skips when the path cannot be read, and when the engine is down', async () => {
    const unreadable = await diskCheck.check(fakeContext({ commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ DockerRootDir: '/srv/docker' }) } } }));
    expect(unreadable.status).toBe('skip');
    expect(unreadable.finding.en).toBe('Could not read the free space of /srv/docker.');
    expect((await diskCheck.check(fakeContext({ commands: DAEMON_DOWN }))).status).toBe('skip');
  });
});
