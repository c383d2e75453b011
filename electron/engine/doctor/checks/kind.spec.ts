import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import { kindCheck } from './kind.ts';

const withKind = (line: string) => fakeContext({ commands: { 'kind version': { stdout: line } } });

describe('kind check', () => {
  it('accepts the pinned kind', async () => {
    const out = await kindCheck.check(fakeContext());
    expect(out).toEqual({ status: 'ok', finding: { en: 'kind 0.33.0 at /usr/local/bin/kind.', zh: 'kind 0.33.0，位于 /usr/local/bin/kind。' } });
  });

  it('fails with install commands for the platform when kind is missing', async () => {
    const linux = await kindCheck.check(fakeContext({ tools: { kind: null } }));
    expect(linux.status).toBe('fail');
    expect(linux.fix?.en).toContain('go install sigs.k8s.io/kind@v0.33.0');
    expect(linux.fixCommands).toContain('curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64');
    const mac = await kindCheck.check(fakeContext({ tools: { kind: null }, platform: 'darwin', arch: 'arm64' }));
    expect(mac.fixCommands?.[0]).toContain('kind-darwin-arm64');
  });

  it('fails below the minimum and warns below the pinned version', async () => {
    const old = await kindCheck.check(withKind('kind v0.29.0 go1.24.2 linux/amd64'));
    expect(old.status).toBe('fail');
    expect(old.finding.en).toContain('kind 0.29.0 is too old');
    const behind = await kindCheck.check(withKind('kind v0.31.0 go1.25.1 linux/amd64'));
    expect(behind.status).toBe('warn');
    expect(behind.finding.en).toContain('tested with 0.33.0');
  });

  it('accepts a newer kind', async () => {
    expect((await kindCheck.check(withKind('kind v0.34.1 go1.26.0 linux/amd64'))).status).toBe('ok');
  });

  it('warns when the version cannot be read', async () => {
    const out = await kindCheck.check(fakeContext({ commands: { 'kind version': { exitCode: 126, stderr: 'exec format error\n' } } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain('exec format error');
  });

  it('quotes what it printed when it exits 0 without a version, so the finding never ends in a bare colon', async () => {
    const odd = await kindCheck.check(withKind('something unexpected'));
    expect(odd.status).toBe('warn');
    expect(odd.finding.en).toMatch(/: "something unexpected"$/);
    const silent = await kindCheck.check(withKind(''));
    expect(silent.finding.en).toMatch(/: ""$/);
  });
});
