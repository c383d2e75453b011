import { DEFAULT_SETTINGS } from '../../context.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dnsError, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import { labHostName, nipioCheck } from './nipio.ts';

const NAME = 'webserver.127-0-0-1.nip.io';

describe('nipio check', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('derives the lab host name from the ingress address', () => {
    expect(labHostName({ ...DEFAULT_SETTINGS, lanAccess: false })).toEqual({ name: NAME, address: '127.0.0.1' });
    expect(labHostName({ ...DEFAULT_SETTINGS, lanAccess: true, hostAddress: '192.168.1.20' })).toEqual({ name: 'webserver.192-168-1-20.nip.io', address: '192.168.1.20' });
    expect(labHostName({ ...DEFAULT_SETTINGS, lanAccess: true, hostAddress: 'not-an-ip' }).address).toBe('127.0.0.1');
  });

  it('is ok when the name resolves to loopback', async () => {
    const out = await nipioCheck.check(fakeContext());
    expect(out).toEqual({ status: 'ok', finding: { en: `${NAME} resolves to 127.0.0.1.`, zh: `${NAME} 解析到 127.0.0.1。` } });
  });

  /** The names the check asks after a failure, answering as a working internet resolver would. */
  const CONTROLS = { '1-1-1-1.nip.io': ['1.1.1.1'], 'example.com': ['93.184.215.14'] };

  it('warns about rebinding protection on NXDOMAIN and on an empty answer, when the public nip.io name resolves', async () => {
    for (const dns of [dnsError('ENOTFOUND'), []]) {
      const out = await nipioCheck.check(fakeContext({ dns: { ...CONTROLS, [NAME]: dns } }));
      expect(out.status).toBe('warn');
      expect(out.finding.en).toMatch(/^DNS rebinding protection drops webserver\.127-0-0-1\.nip\.io \((ENOTFOUND|an empty answer)\): 1-1-1-1\.nip\.io, a nip\.io name with a public address, resolves/);
      expect(out.fix?.en).toContain('rebind-domain-ok=/nip.io/');
      expect(out.fixCommands?.[0]).toBe(`curl --resolve ${NAME}:80:127.0.0.1 http://${NAME}/`);
    }
  });

  it('does not blame rebinding protection on a machine where no name resolves at all', async () => {
    // The fake machine answers ENOTFOUND for every name it does not know: a sandbox without DNS.
    const out = await nipioCheck.check(fakeContext({ dns: { [NAME]: dnsError('ENOTFOUND') } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toBe(`No name resolves on this machine: neither ${NAME} nor example.com (ENOTFOUND). It is offline or has no working DNS resolver, which is no filter's doing; the labs send a Host header instead.`);
    expect(out.finding.en).not.toMatch(/rebinding/);
    expect(out.finding.zh).toContain('example.com');
    expect(out.fixCommands?.[0]).toBe(`curl --resolve ${NAME}:80:127.0.0.1 http://${NAME}/`);
  });

  it('names a blocklist when other names resolve but no nip.io name does', async () => {
    const out = await nipioCheck.check(fakeContext({ dns: { 'example.com': ['93.184.215.14'], [NAME]: dnsError('ENOTFOUND') } }));
    expect(out.finding.en).toMatch(/^A blocklist or DNS filter drops nip\.io: example\.com resolves, but neither/);
  });

  it('reports a rewritten answer', async () => {
    const out = await nipioCheck.check(fakeContext({ dns: { [NAME]: ['146.112.61.104'] } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain(`(${NAME} came back as 146.112.61.104)`);
  });

  it('says the machine looks offline on a timeout or a resolver failure', async () => {
    vi.useFakeTimers();
    const pending = nipioCheck.check(fakeContext({ dns: { [NAME]: 'hang' } }));
    await vi.advanceTimersByTimeAsync(3000);
    const slow = await pending;
    expect(slow.status).toBe('warn');
    expect(slow.finding.en).toBe(`No name resolves on this machine: neither ${NAME} nor example.com (no answer within 3 s). It is offline or has no working DNS resolver, which is no filter's doing; the labs send a Host header instead.`);
    const offline = await nipioCheck.check(fakeContext({ dns: { [NAME]: dnsError('EAI_AGAIN') } }));
    expect(offline.finding.en).toContain('(EAI_AGAIN)');
    expect(offline.finding.en).toContain('offline');
  });
});
