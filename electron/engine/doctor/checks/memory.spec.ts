import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { memoryCheck } from './memory.ts';

const GiB = 2 ** 30;
const withMemory = (bytes: number, extra: Record<string, unknown> = {}, platform: NodeJS.Platform = 'linux') =>
  fakeContext({ platform, commands: { 'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ MemTotal: bytes, ...extra }) } } });

describe('memory check', () => {
  it('accepts 15.5 GiB', async () => {
    const out = await memoryCheck.check(fakeContext());
    expect(out.status).toBe('ok');
    expect(out.finding.en).toBe('The engine has 15.5 GiB of memory.');
  });

  it('warns below 6 GiB and fails below 3 GiB', async () => {
    expect((await memoryCheck.check(withMemory(5.5 * GiB))).status).toBe('warn');
    const low = await memoryCheck.check(withMemory(2 * GiB));
    expect(low.status).toBe('fail');
    expect(low.finding.en).toBe('The engine has 2.0 GiB of memory; the cluster needs at least 3.0 GiB.');
    expect((await memoryCheck.check(withMemory(6 * GiB))).status).toBe('ok');
  });

  it('points Docker Desktop users at its Resources settings', async () => {
    const out = await memoryCheck.check(withMemory(4 * GiB, { OperatingSystem: 'Docker Desktop', Name: 'docker-desktop' }, 'darwin'));
    expect(out.fix?.en).toContain('Settings → Resources');
    expect(out.fix?.zh).toContain('Docker Desktop 分配更多内存');
  });

  it('skips while the engine is down', async () => {
    expect((await memoryCheck.check(fakeContext({ commands: DAEMON_DOWN }))).status).toBe('skip');
  });
});
