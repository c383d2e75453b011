import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { kubectlCheck } from './kubectl.ts';

const withKubectl = (gitVersion: string, minor: string, path = '/usr/local/bin/kubectl') =>
  fakeContext({ tools: { kubectl: path }, commands: { 'kubectl version --client -o json': { stdout: fx.kubectlClientJson(gitVersion, minor) } } });

describe('kubectl check', () => {
  it('accepts kubectl 1.35 and its neighbours', async () => {
    for (const [v, m] of [['v1.35.8', '35'], ['v1.34.2', '34'], ['v1.36.1', '36']] as const) {
      expect((await kubectlCheck.check(withKubectl(v, m))).status).toBe('ok');
    }
  });

  it('warns about kubectl 1.32 (this build machine) and says how to get 1.35', async () => {
    const out = await kubectlCheck.check(withKubectl('v1.32.4-dispatcher', '32+'));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toMatch(/^kubectl 1\.32 vs cluster 1\.35/);
    expect(out.finding.zh).toContain('kubectl 1.32 与集群 1.35');
    expect(out.fixCommands?.[0]).toBe('curl -LO https://dl.k8s.io/release/v1.35.8/bin/linux/amd64/kubectl');
  });

  it('points at Docker Desktop when its bundled kubectl is the one found', async () => {
    const out = await kubectlCheck.check(withKubectl('v1.30.5', '30', '/Applications/Docker.app/Contents/Resources/bin/kubectl'));
    expect(out.status).toBe('warn');
    expect(out.fix?.en).toContain('came with Docker Desktop');
  });

  it('fails with install advice when kubectl is missing', async () => {
    const out = await kubectlCheck.check(fakeContext({ tools: { kubectl: null }, platform: 'win32' }));
    expect(out.status).toBe('fail');
    expect(out.fixCommands?.[0]).toContain('windows/amd64/kubectl.exe');
  });

  it('warns when the version cannot be read', async () => {
    const out = await kubectlCheck.check(fakeContext({ commands: { 'kubectl version --client -o json': { exitCode: 1, stderr: 'error: unknown shorthand flag: \'o\' in -o\n' } } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain('unknown shorthand flag');
  });
});
