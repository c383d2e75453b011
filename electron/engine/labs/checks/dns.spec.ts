import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient, fixture } from '../testing/fake-kube.ts';
import { checkContext } from '../testing/harness.ts';
import { dnsChecker } from './dns.ts';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const svc = (namespace: string, name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec, status });
const command = (pod: KubeObject) => (pod.spec as { containers: { command: string[] }[] }).containers[0]?.command ?? [];

const header = (status: string) => `;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: 4242\n;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\n`;

function world(opts: { timeout?: boolean } = {}): FakeKubeClient {
  const client = new FakeKubeClient([
    ns('database'),
    ns('productionweb'),
    ns('finance'),
    svc('database', 'mysql-web', { type: 'ClusterIP', clusterIP: '10.96.143.7', selector: { app: 'mysql-web' }, ports: [{ port: 80 }] }),
    ...fixture('service-sql-db-externalname'),
    svc('kube-system', 'coredns-ext', { type: 'LoadBalancer', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '172.18.200.101' }] } }),
  ]);
  return client.scriptPods((pod) => {
    const cmd = command(pod);
    if (cmd[0] !== 'dig') return undefined;
    if (opts.timeout) return { phase: 'Failed', exitCode: 9, log: ';; connection timed out; no servers could be reached\n' };
    const name = cmd.find((a) => !a.startsWith('+') && !a.startsWith('@') && a !== 'dig') ?? '';
    const from = pod.metadata.namespace;
    // An A query for an ExternalName whose target does not exist ends in NXDOMAIN; CNAME works.
    if (name === 'sql-db' && cmd.includes('CNAME')) return { phase: 'Succeeded', log: `${header('NOERROR')};; ANSWER SECTION:\nsql-db.finance.svc.cluster.local. 5 IN CNAME sqlserver1.foowidgets.com.\n` };
    if ((name === 'mysql-web' && from === 'database') || name.startsWith('mysql-web.database')) {
      return { phase: 'Succeeded', log: `${header('NOERROR')};; ANSWER SECTION:\nmysql-web.database.svc.cluster.local. 30 IN A 10.96.143.7\n` };
    }
    return { phase: 'Succeeded', log: header('NXDOMAIN') };
  });
}

const check = (from: string, name: string, expect: Parameters<typeof dnsChecker.run>[0]['expect']) => ({ id: 'dns', type: 'dns' as const, from: { namespace: from }, name, expect, protocol: 'udp' as const });
const mysql = { a: { service: { namespace: 'database', name: 'mysql-web' } } };

describe('dns', () => {
  it('resolves the short name inside the namespace and the full name from elsewhere', async () => {
    const client = world();
    expect((await dnsChecker.run(check('database', 'mysql-web', mysql), checkContext(client))).status).toBe('pass');
    expect((await dnsChecker.run(check('productionweb', 'mysql-web.database.svc.cluster.local', mysql), checkContext(client))).status).toBe('pass');
    expect((await dnsChecker.run(check('productionweb', 'mysql-web', { nxdomain: true }), checkContext(client))).status).toBe('pass');
  });

  it('explains the search list when the short name is used from another namespace', async () => {
    const r = await dnsChecker.run(check('productionweb', 'mysql-web', mysql), checkContext(world()));
    expect(r).toMatchObject({ status: 'fail', layer: 'dns' });
    expect(r.observed).toContain('NXDOMAIN');
    expect(r.observed).toContain('10.96.143.7');
    expect(r.hint).toContain('mysql-web.database');
  });

  it('sees the CNAME of an ExternalName Service', async () => {
    const r = await dnsChecker.run(check('finance', 'sql-db', { cname: 'sqlserver1.foowidgets.com' }), checkContext(world()));
    expect(r.status).toBe('pass');
  });

  it('asks a LoadBalancer address over TCP when told to', async () => {
    const client = world();
    let seen: string[] = [];
    client.scriptPods((pod) => {
      seen = command(pod);
      return undefined;
    });
    await dnsChecker.run({ ...check('database', 'mysql-web', mysql), server: { loadBalancer: { namespace: 'kube-system', name: 'coredns-ext' } }, protocol: 'tcp' }, checkContext(client));
    expect(seen).toEqual(expect.arrayContaining(['@172.18.200.101', '+tcp', '+search']));
  });

  it('blames an egress policy when DNS times out behind one', async () => {
    const client = world({ timeout: true });
    client.add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-egress', namespace: 'productionweb' }, spec: { podSelector: {}, policyTypes: ['Egress'] } });
    const r = await dnsChecker.run(check('productionweb', 'mysql-web.database.svc', mysql), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toContain('deny-egress');
    const plain = await dnsChecker.run(check('database', 'mysql-web', mysql), checkContext(world({ timeout: true })));
    expect(plain).toMatchObject({ status: 'fail', layer: 'dns' });
    expect(plain.hint).toContain('CoreDNS');
  });

  it('fails at the service layer when the Service to compare with is missing', async () => {
    const r = await dnsChecker.run(check('database', 'mysql-web', { a: { service: { namespace: 'database', name: 'nope' } } }), checkContext(world()));
    expect(r).toMatchObject({ status: 'fail', layer: 'service' });
  });
});
