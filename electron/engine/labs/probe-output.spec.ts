import { describe, expect, it } from 'vitest';
import { classifyCurl, classifyNc, parseCurlOutput, parseDig } from './probe-output.ts';
import { sayer } from './say.ts';

const say = sayer('en');

describe('curl output', () => {
  it('splits body and status', () => {
    expect(parseCurlOutput('<h1>Welcome to nginx!</h1>\n200')).toEqual({ status: 200, body: '<h1>Welcome to nginx!</h1>' });
    expect(parseCurlOutput('\n404')).toEqual({ status: 404, body: '' });
    expect(parseCurlOutput('\n000')).toEqual({ status: null, body: '' });
  });

  it.each([
    [0, '', 'response'],
    [6, 'curl: (6) Could not resolve host: webserver.127-0-0-1.nip.io', 'resolve'],
    [7, 'curl: (7) Failed to connect to 172.18.0.3 port 80 after 1 ms: Couldn\'t connect to server', 'refused'],
    [7, 'curl: (7) Failed to connect to 172.18.200.100 port 80 after 3063 ms: No route to host', 'unreachable'],
    [28, 'curl: (28) Connection timed out after 5001 milliseconds', 'timeout'],
    [35, 'curl: (35) TLS connect error', 'tls'],
    [60, 'curl: (60) SSL certificate problem: self-signed certificate', 'tls'],
    [52, 'curl: (52) Empty reply from server', 'reset'],
    [56, 'curl: (56) Recv failure: Connection reset by peer', 'reset'],
    [3, 'curl: (3) URL rejected: Bad hostname', 'error'],
  ])('exit %i → %s', (code, stderr, outcome) => {
    const obs = classifyCurl(code, code === 0 ? 'ok\n200' : '\n000', stderr, 5, say);
    expect(obs.outcome).toBe(outcome);
    expect(obs.detail.length).toBeGreaterThan(5);
  });

  it('says the timeout it used', () => {
    expect(classifyCurl(28, '\n000', '', 5, say).detail).toContain('5 s');
  });
});

describe('netcat output', () => {
  it.each([
    [0, 'Connection to 10.240.1.5 5432 port [tcp/postgresql] succeeded!', 'open'],
    [0, '10.240.1.5 (10.240.1.5:5432) open', 'open'],
    [1, 'nc: connect to 10.240.1.5 port 5432 (tcp) failed: Connection refused', 'refused'],
    [1, 'nc: 10.240.1.5 (10.240.1.5:5432): Connection refused', 'refused'],
    [1, 'nc: connect to 10.240.1.5 port 5432 (tcp) timed out: Operation now in progress', 'blocked'],
    [1, 'nc: 10.240.1.5 (10.240.1.5:5432): Operation timed out', 'blocked'],
    [1, 'nc: connect to 10.240.1.9 port 5432 (tcp) failed: No route to host', 'blocked'],
    [1, 'nc: getaddrinfo for host "db" port 5432: Name does not resolve', 'error'],
  ])('exit %i, %s → %s', (code, out, outcome) => {
    expect(classifyNc(code, out, 3, say).outcome).toBe(outcome);
  });

  it('keeps the unknown text in the detail', () => {
    expect(classifyNc(1, 'nc: getaddrinfo for host "db" port 5432: Name does not resolve', 3, say).detail).toContain('Name does not resolve');
  });
});

describe('dig output', () => {
  const answer = `;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48121
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

;; ANSWER SECTION:
mysql-web.database.svc.cluster.local. 30 IN A	10.96.143.7
`;
  const cname = `;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 3
;; ANSWER SECTION:
sql-db.finance.svc.cluster.local. 5 IN	CNAME	sqlserver1.foowidgets.com.
`;
  const nx = `;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 5
;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
`;

  it.each([
    [answer, 'answer', 'NOERROR'],
    [cname, 'answer', 'NOERROR'],
    [nx, 'nxdomain', 'NXDOMAIN'],
    [';; connection timed out; no servers could be reached\n', 'timeout', null],
    // An ICMP port-unreachable (kube-proxy: a Service without ready endpoints), as dig 9.18+ words it.
    [';; communications error to 10.96.0.10#53: connection refused\n;; communications error to 10.96.0.10#53: connection refused\n;; no servers could be reached\n', 'refused', null],
    [';; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 9\n', 'servfail', 'SERVFAIL'],
    [';; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 9\n', 'nodata', 'NOERROR'],
    ['dig: couldn\'t get address for \'x\': not found\n', 'error', null],
  ])('classifies %#', (out, outcome, status) => {
    const obs = parseDig(out, say);
    expect(obs.outcome).toBe(outcome);
    expect(obs.status).toBe(status);
  });

  it('reads A and CNAME records without the trailing dot', () => {
    expect(parseDig(answer, say).records).toEqual([{ name: 'mysql-web.database.svc.cluster.local', type: 'A', value: '10.96.143.7' }]);
    expect(parseDig(cname, say).records).toEqual([{ name: 'sql-db.finance.svc.cluster.local', type: 'CNAME', value: 'sqlserver1.foowidgets.com' }]);
  });
});
