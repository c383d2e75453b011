import { DEFAULT_SETTINGS } from '../../context.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dnsError, fakeContext } from '../fake-probes.ts';
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

  it('warns about rebinding protection on NXDOMAIN and on an empty answer', async () => {
    for (const dns of [dnsError('ENOTFOUND'), []]) {
      const out = await nipioCheck.check(fakeContext({ dns: { [NAME]: dns } }));
      expect(out.status).toBe('warn');
      expect(out.finding.en).toBe('DNS rebinding protection or a blocklist filters nip.io; the labs fall back to a Host header / curl --resolve.');
      expect(out.fixCommands?.[0]).toBe(`curl --resolve ${NAME}:80:127.0.0.1 http://${NAME}/`);
    }
  });

  it('reports a rewritten answer', async () => {
    const out = await nipioCheck.check(fakeContext({ dns: { [NAME]: ['146.112.61.104'] } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain(`(${NAME} came back as 146.112.61.104)`);
  });

  it('warns that the machine looks offline on a timeout or a resolver failure', async () => {
    vi.useFakeTimers();
    const pending = nipioCheck.check(fakeContext({ dns: { [NAME]: 'hang' } }));
    await vi.advanceTimersByTimeAsync(3000);
    const slow = await pending;
    expect(slow.status).toBe('warn');
    expect(slow.finding.en).toBe(`Could not resolve ${NAME} (no answer within 3 s): this machine seems offline or its DNS is unreachable.`);
    const offline = await nipioCheck.check(fakeContext({ dns: { [NAME]: dnsError('EAI_AGAIN') } }));
    expect(offline.finding.en).toContain('(EAI_AGAIN)');
  });
});
