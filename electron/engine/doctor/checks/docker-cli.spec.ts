import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import { dockerCliCheck } from './docker-cli.ts';

describe('docker-cli check', () => {
  it('names the CLI and its version', async () => {
    const out = await dockerCliCheck.check(fakeContext());
    expect(out.status).toBe('ok');
    expect(out.finding.en).toBe('docker 28.2.2 at /usr/bin/docker.');
  });

  it('fails with install advice when docker is missing', async () => {
    const out = await dockerCliCheck.check(fakeContext({ tools: { docker: null } }));
    expect(out.status).toBe('fail');
    expect(out.fix?.en).toMatch(/Docker Desktop/);
    expect(out.fix?.zh).toMatch(/Docker Desktop/);
  });
});
