import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { dockerDaemonCheck } from './docker-daemon.ts';

const DESKTOP_MAC = {
  platform: 'darwin' as const,
  commands: {
    'docker version --format {{json .}}': { stdout: fx.dockerVersionJson({ version: '28.1.1', product: 'Docker Desktop 4.41.2 (191736)' }, 'desktop-linux') },
    'docker info --format {{json .}}': { stdout: fx.DOCKER_DESKTOP_INFO },
    'docker context inspect': { stdout: fx.dockerContextJson('desktop-linux', 'unix:///Users/lee/.docker/run/docker.sock') },
  },
};

describe('docker-daemon check', () => {
  it('names the engine, its context and endpoint', async () => {
    const out = await dockerDaemonCheck.check(fakeContext());
    expect(out.status).toBe('ok');
    expect(out.finding.en).toBe('Docker Engine - Community 28.2.2 (default, unix:///var/run/docker.sock), recognised as Docker Engine.');
  });

  it('fails with the daemon’s own words and systemctl on Linux when the daemon is down', async () => {
    const out = await dockerDaemonCheck.check(fakeContext({ commands: DAEMON_DOWN }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    expect(out.finding.zh).toContain('容器引擎没有响应');
    expect(out.fixCommands).toContain('sudo systemctl start docker');
  });

  it('recognises Docker Desktop on macOS, and says to open it when it is down', async () => {
    const up = await dockerDaemonCheck.check(fakeContext(DESKTOP_MAC));
    expect(up.status).toBe('ok');
    expect(up.finding.en).toMatch(/^Docker Desktop 4\.41\.2 \(191736\) 28\.1\.1 \(desktop-linux, .*\), recognised as Docker Desktop\.$/);
    const down = await dockerDaemonCheck.check(
      fakeContext({ ...DESKTOP_MAC, commands: { ...DAEMON_DOWN, 'docker context inspect': DESKTOP_MAC.commands['docker context inspect'] } }),
    );
    expect(down.status).toBe('fail');
    expect(down.fixCommands?.[0]).toBe('open -a Docker');
  });

  it('recognises Podman and tells a stopped Podman machine to start', async () => {
    const podman = {
      platform: 'darwin' as const,
      commands: {
        'docker version --format {{json .}}': { stdout: fx.dockerVersionJson({ version: '5.3.1', product: 'linux/arm64/fedora-41', podman: true }) },
        'docker info --format {{json .}}': { stdout: fx.PODMAN_COMPAT_INFO },
        'docker context inspect': { stdout: fx.dockerContextJson('podman', 'unix:///var/folders/x/podman/podman-machine-default-api.sock') },
      },
    };
    const up = await dockerDaemonCheck.check(fakeContext(podman));
    expect(up.status).toBe('ok');
    expect(up.finding.en).toContain('recognised as Podman');
    const down = await dockerDaemonCheck.check(fakeContext({ ...podman, commands: { ...DAEMON_DOWN, 'docker context inspect': podman.commands['docker context inspect'] } }));
    expect(down.fixCommands?.[0]).toBe('podman machine start');
  });

  it('suggests the docker group when the socket refuses the user', async () => {
    const denied = 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied';
    const out = await dockerDaemonCheck.check(
      fakeContext({ commands: { ...DAEMON_DOWN, 'docker version --format {{json .}}': { exitCode: 1, stdout: fx.DOCKER_VERSION_DOWN, stderr: denied } } }),
    );
    expect(out.fixCommands?.[0]).toBe('sudo usermod -aG docker $USER');
  });

  it('fails on Windows containers and on a Docker older than 20.10', async () => {
    const windows = await dockerDaemonCheck.check(fakeContext({ platform: 'win32', commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ OSType: 'windows' }) } } }));
    expect(windows.status).toBe('fail');
    expect(windows.finding.en).toMatch(/Windows containers/);
    const old = await dockerDaemonCheck.check(
      fakeContext({ commands: { 'docker version --format {{json .}}': { stdout: fx.dockerVersionJson({ version: '19.03.15', product: 'Docker Engine - Community' }) } } }),
    );
    expect(old.status).toBe('fail');
    expect(old.finding.en).toContain('19.03.15 is too old');
  });

  it('skips when there is no docker CLI', async () => {
    expect((await dockerDaemonCheck.check(fakeContext({ tools: { docker: null } }))).status).toBe('skip');
  });
});
