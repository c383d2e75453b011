// The probe parsers on what the tools printed on a real kind cluster (test/fixtures/probes/, see
// its README: curl 7.88, netcat-openbsd 1.219, busybox nc and BIND 9.18 of the world's images).
// A few outcomes the cluster could not be made to produce stay inline, marked as such.
import { describe, expect, it } from 'vitest';
import { splitCurlLog } from './probes.ts';
import { classifyCurl, classifyNc, parseCurlOutput, parseDig } from './probe-output.ts';
import { sayer } from './say.ts';
import { printed, probeSample, probeSamples } from '../../../test/fakes/engine/labs/probe-samples.ts';

const say = sayer('en');

/** curl's output as the engine reads it: a container's two streams, or a pod's log split apart. */
function curlOf(name: string): { exitCode: number; stdout: string; stderr: string } {
  const s = probeSample(name);
  if (s.log !== undefined) return { exitCode: s.exitCode, ...splitCurlLog(s.log) };
  return { exitCode: s.exitCode, stdout: s.stdout ?? '', stderr: s.stderr ?? '' };
}

describe('curl output', () => {
  it('splits body and status', () => {
    const ok = curlOf('curl-200');
    expect(parseCurlOutput(ok.stdout)).toMatchObject({ status: 200 });
    expect(parseCurlOutput(ok.stdout).body).toContain('<title>Welcome to nginx!</title>');
    expect(parseCurlOutput(curlOf('curl-404-ingress').stdout)).toEqual({ status: 404, body: '404 page not found\n' });
    expect(parseCurlOutput(curlOf('curl-refused').stdout)).toEqual({ status: null, body: '' });
    expect(parseCurlOutput('\n404')).toEqual({ status: 404, body: '' });
  });

  it.each([
    ['curl-200', 0, 'response', 200],
    ['curl-404-ingress', 0, 'response', 404],
    ['curl-tls-k', 0, 'response', 200],
    ['curl-pod-200', 0, 'response', 200],
    ['curl-refused', 7, 'refused', null],
    ['curl-pod-refused', 7, 'refused', null],
    // Worded like a refusal by curl, but after the kernel's 3 s of unanswered ARP.
    ['curl-no-arp-answer', 7, 'unreachable', null],
    ['curl-timeout', 28, 'timeout', null],
    ['curl-unknown-host', 6, 'resolve', null],
    ['curl-tls-untrusted', 60, 'tls', null],
    ['curl-tls-plain-port', 35, 'tls', null],
  ])('%s: exit %i → %s', (name, code, outcome, status) => {
    const r = curlOf(name);
    expect(r.exitCode).toBe(code);
    const obs = classifyCurl(r.exitCode, r.stdout, r.stderr, 5, say);
    expect(obs.outcome).toBe(outcome);
    expect(obs.status).toBe(status);
    expect(obs.detail.length).toBeGreaterThan(5);
  });

  it('tells an address nobody holds from a closed port by the time curl took', () => {
    const noArp = curlOf('curl-no-arp-answer');
    expect(noArp.stderr).toMatch(/after 3\d{3} ms: Couldn't connect to server/);
    expect(classifyCurl(7, noArp.stdout, noArp.stderr, 5, say).detail).toMatch(/nothing answered for the address within 3\d{3} ms/);
    const refused = curlOf('curl-refused');
    expect(refused.stderr).toMatch(/after 0 ms: Couldn't connect to server/);
    // curl 8 words it "Could not connect to server"; the time decides there too.
    expect(classifyCurl(7, '\n000', 'curl: (7) Failed to connect to 172.18.200.120 port 80 after 3071 ms: Could not connect to server', 5, say).outcome).toBe('unreachable');
    expect(classifyCurl(7, '\n000', 'curl: (7) Failed to connect to 172.18.0.2 port 8081 after 0 ms: Could not connect to server', 5, say).outcome).toBe('refused');
  });

  it('keeps the TLS error in the detail', () => {
    const r = curlOf('curl-tls-plain-port');
    expect(classifyCurl(r.exitCode, r.stdout, r.stderr, 5, say).detail).toContain('wrong version number');
  });

  it('says the timeout it used', () => {
    const r = curlOf('curl-timeout');
    expect(classifyCurl(r.exitCode, r.stdout, r.stderr, 2, say).detail).toContain('2 s');
  });

  // Not recorded: the cluster had nothing that resets or half-answers, and exit 3 needs a bad URL.
  it.each([
    [52, 'curl: (52) Empty reply from server', 'reset'],
    [56, 'curl: (56) Recv failure: Connection reset by peer', 'reset'],
    [3, 'curl: (3) URL rejected: Bad hostname', 'error'],
  ])('exit %i (not recorded) → %s', (code, stderr, outcome) => {
    expect(classifyCurl(code, '\n000', stderr, 5, say).outcome).toBe(outcome);
  });
});

describe('netcat output', () => {
  it.each([
    ['nc-open', 0, 'open'],
    ['nc-kind-network-open', 0, 'open'],
    ['nc-busybox-open', 0, 'open'],
    ['nc-refused', 1, 'refused'],
    // kube-router rejects what a policy denies: the same words as a closed port.
    ['nc-policy-rejected', 1, 'refused'],
    ['nc-absent-pod', 1, 'blocked'],
    ['nc-kind-network-no-arp', 1, 'blocked'],
    ['nc-unknown-name', 1, 'error'],
    // busybox nc says nothing when refused: only the exit code is left.
    ['nc-busybox-refused', 1, 'error'],
  ])('%s: exit %i → %s', (name, code, outcome) => {
    const s = probeSample(name);
    expect(s.exitCode).toBe(code);
    expect(classifyNc(s.exitCode, printed(s), 3, say).outcome).toBe(outcome);
  });

  it('keeps the unknown text in the detail', () => {
    const s = probeSample('nc-unknown-name');
    expect(classifyNc(s.exitCode, printed(s), 3, say).detail).toContain('Name or service not known');
    // Alpine's musl (upstream netshoot) words the same failure so.
    expect(classifyNc(1, 'nc: getaddrinfo for host "db" port 5432: Name does not resolve', 3, say).detail).toContain('Name does not resolve');
  });

  it('reads every recorded nc sample as something', () => {
    for (const s of probeSamples('nc-')) expect(['open', 'refused', 'blocked', 'error']).toContain(classifyNc(s.exitCode, printed(s), 3, say).outcome);
  });
});

describe('dig output', () => {
  it.each([
    ['dig-a', 'answer', 'NOERROR'],
    ['dig-tcp', 'answer', 'NOERROR'],
    ['dig-cname', 'answer', 'NOERROR'],
    ['dig-nxdomain', 'nxdomain', 'NXDOMAIN'],
    ['dig-no-server', 'timeout', null],
    ['dig-no-server-tcp', 'timeout', null],
    // An ICMP port-unreachable: nothing listens on 53 there (or a policy rejects it).
    ['dig-pod-refused', 'refused', null],
  ])('%s → %s', (name, outcome, status) => {
    const obs = parseDig(printed(probeSample(name)), say);
    expect(obs.outcome).toBe(outcome);
    expect(obs.status).toBe(status);
  });

  it('reads A and CNAME records without the trailing dot, past dig\'s mDNS warning for .local', () => {
    const a = printed(probeSample('dig-a'));
    expect(a).toContain('WARNING: .local is reserved for Multicast DNS');
    const [record] = parseDig(a, say).records;
    expect(record).toMatchObject({ name: 'nginx-frontend.default.svc.cluster.local', type: 'A' });
    expect(record?.value).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(parseDig(printed(probeSample('dig-cname')), say).records).toEqual([{ name: 'sql-db.finance.svc.cluster.local', type: 'CNAME', value: 'sqlserver1.foowidgets.com' }]);
  });

  // Not recorded: CoreDNS answered everything it was asked.
  it.each([
    [';; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 9\n', 'servfail', 'SERVFAIL'],
    [';; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 9\n', 'nodata', 'NOERROR'],
    ["dig: couldn't get address for 'x': not found\n", 'error', null],
  ])('classifies %# (not recorded)', (out, outcome, status) => {
    const obs = parseDig(out, say);
    expect(obs.outcome).toBe(outcome);
    expect(obs.status).toBe(status);
  });
});
