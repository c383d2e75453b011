import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { networkingCheck } from './networking.ts';

describe('networking check', () => {
  it('says LB addresses answer directly on native Linux Docker Engine', async () => {
    const out = await networkingCheck.check(fakeContext());
    expect(out.status).toBe('ok');
    expect(out.finding.en).toContain('answer from here directly');
  });

  it('explains the VM and the container probe on Docker Desktop', async () => {
    const out = await networkingCheck.check(fakeContext({ platform: 'darwin', commands: { 'docker info --format {{json .}}': { stdout: fx.DOCKER_DESKTOP_INFO } } }));
    expect(out.status).toBe('ok');
    expect(out.finding.en).toMatch(/^Docker Desktop runs containers in a VM/);
    expect(out.finding.en).toContain('from a container on the kind network');
    expect(out.finding.zh).toContain('kind 网络上的一个容器');
  });

  it('names WSL 2 and rootless mode as not routable', async () => {
    expect((await networkingCheck.check(fakeContext({ isWsl: true }))).finding.en).toMatch(/^Inside WSL 2/);
    const rootless = await networkingCheck.check(
      fakeContext({
        commands: {
          'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ SecurityOptions: ['name=rootless'] }) },
          'docker context inspect': { stdout: fx.dockerContextJson('rootless', 'unix:///run/user/1000/docker.sock') },
        },
      }),
    );
    expect(rootless.finding.en).toMatch(/^rootless Docker Engine keeps the kind network in its own network namespace/);
  });

  it('skips while the engine is down, and says what it will tell', async () => {
    const out = await networkingCheck.check(fakeContext({ commands: DAEMON_DOWN }));
    expect(out.status).toBe('skip');
    expect(out.finding.en).toMatch(/^Once the engine runs/);
  });
});
