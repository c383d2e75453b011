import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { DEFAULT_LABS_DIR, loadLabs } from '../loader.ts';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { FakeTools, type ScriptedRun } from '../../../../test/fakes/engine/labs/fake-tools.ts';
import { TEST_IMAGES, checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { coreDnsHealth } from './cluster-dns.ts';
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

describe('dns when cluster DNS itself is down (the worker was stopped a moment ago)', () => {
  const coredns = (name: string, node: string, ready: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { nodeName: node, containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.1' }] },
    status: { phase: 'Running', podIP: node.endsWith('worker') ? '10.240.1.2' : '10.240.0.3', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const slice = (ready: boolean[]): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kube-dns-x7k2p', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
    endpoints: ready.map((r, i) => ({ addresses: [`10.240.${1 - i}.${2 + i}`], conditions: { ready: r } })),
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
  } as KubeObject);
  const cname = check('finance', 'sql-db', { cname: 'sqlserver1.foowidgets.com' });
  /** The externalname lab's world, with CoreDNS in the given state and dig answering `log`. */
  const externalname = (ready: [boolean, boolean], log: string, exitCode = 0) =>
    new FakeKubeClient([ns('finance'), ...fixture('service-sql-db-externalname'), coredns('coredns-668d6bf9bc-4kq8w', 'cluster01-worker', ready[0]), coredns('coredns-668d6bf9bc-tx2mv', 'cluster01-control-plane', ready[1]), slice(ready)]).scriptPods(
      (pod) => (command(pod)[0] === 'dig' ? { phase: exitCode === 0 ? 'Succeeded' : 'Failed', exitCode, log } : undefined),
    );

  it('says DNS is not answering, not that spec.externalName is wrong, when CoreDNS is not Ready', async () => {
    for (const [log, exitCode] of [
      [';; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached\n', 9],
      [';; communications error to 10.96.0.10#53: connection refused\n;; no servers could be reached\n', 9],
      [header('NXDOMAIN'), 0],
    ] as const) {
      const r = await dnsChecker.run(cname, checkContext(externalname([false, false], log, exitCode)));
      expect(r).toMatchObject({ status: 'fail', layer: 'dns' });
      expect(r.hint).toMatch(/Cluster DNS is not answering .*CoreDNS is not ready/);
      expect(r.hint).toContain('kubectl get pods -n kube-system -l k8s-app=kube-dns');
      expect(r.hint).not.toContain('spec.externalName');
      expect(r.observed).toContain('CoreDNS: 0 of 2 pods Ready, kube-dns has 0 ready endpoints');
    }
  });

  it('also when only one of the two CoreDNS pods is Ready (queries may land on the dead one)', async () => {
    const r = await dnsChecker.run(cname, checkContext(externalname([false, true], ';; connection timed out; no servers could be reached\n', 9)));
    expect(r.hint).toMatch(/Cluster DNS is not answering/);
    expect(r.observed).toContain('1 of 2 pods Ready');
  });

  it('keeps the record hint when CoreDNS is Ready and answers', async () => {
    const r = await dnsChecker.run(cname, checkContext(externalname([true, true], header('NXDOMAIN'))));
    expect(r).toMatchObject({ status: 'fail', layer: 'dns' });
    expect(r.hint).toContain('spec.externalName');
    expect(r.observed).not.toContain('CoreDNS:');
  });

  it('reads a refused query as no answer, and CoreDNS health from pods and slices', async () => {
    expect(await coreDnsHealth(externalname([true, false], ''))).toEqual({ pods: 2, readyPods: 1, readyEndpoints: 1 });
    // No CoreDNS under kube-dns at all: nothing to judge by, so no claim about it.
    expect(await coreDnsHealth(new FakeKubeClient())).toBeNull();
    const silent = await dnsChecker.run(cname, checkContext(externalname([true, true], ';; communications error to 10.96.0.10#53: connection refused\n', 9)));
    expect(silent.observed).toMatch(/refused the query/);
    expect(silent.hint).toMatch(/did not answer, although CoreDNS looks Ready/);
  });
});

describe('dns from a container on the kind network', () => {
  const lbCheck = (protocol: 'udp' | 'tcp') => ({
    id: 'dns-lb',
    type: 'dns' as const,
    from: { kindNetwork: true as const },
    name: 'mysql-web.database.svc.cluster.local',
    server: { loadBalancer: { namespace: 'kube-system', name: 'coredns-ext' } },
    protocol,
    expect: mysql,
  });
  const docker = (answer: ScriptedRun) => new FakeTools((tool, args) => (tool === 'docker' && args.includes('dig') ? answer : undefined));
  const answer = { stdout: `${header('NOERROR')};; ANSWER SECTION:\nmysql-web.database.svc.cluster.local. 30 IN A 10.96.143.7\n` };

  it('runs dig in a pinned netshoot container on the kind network, asking the LoadBalancer address', async () => {
    for (const protocol of ['udp', 'tcp'] as const) {
      const tools = docker(answer);
      const pods: KubeObject[] = [];
      const client = world().scriptPods((pod) => {
        pods.push(pod);
        return undefined;
      });
      const cancel = new AbortController();
      await dnsChecker.run(lbCheck(protocol), checkContext(client, { tools, signal: cancel.signal }));
      expect(tools.calls).toHaveLength(1);
      const args = tools.calls[0]?.args ?? [];
      expect(args.slice(0, 6)).toEqual(['run', '--rm', '--network', 'kind', TEST_IMAGES.netshoot, 'dig']);
      expect(TEST_IMAGES.netshoot).toMatch(/^nicolaka\/netshoot:v[\d.]+$/);
      expect(args).toContain('@172.18.200.101');
      expect(args.includes('+tcp')).toBe(protocol === 'tcp');
      // No probe pod: the point is to come from outside the cluster.
      expect(pods).toEqual([]);
      // Bounded and cancellable like the HTTP probe on the kind network.
      expect(tools.calls[0]?.opts).toMatchObject({ allowFailure: true, timeoutMs: expect.any(Number), signal: cancel.signal });
    }
  });

  it('passes when the answer is the ClusterIP, and says where it asked from', async () => {
    const r = await dnsChecker.run(lbCheck('udp'), checkContext(world(), { tools: docker(answer) }));
    expect(r.status).toBe('pass');
    expect(r.expected).toContain('from a container on the kind network');
    expect(r.expected).not.toContain('pod');
    expect(r.observed).toContain('kind network');
    const zh = await dnsChecker.run(lbCheck('tcp'), checkContext(world(), { tools: docker(answer), lang: 'zh' }));
    expect(zh.expected).toContain('kind 网络上的容器');
  });

  it('blames the LoadBalancer address, not a client egress policy, when nothing answers', async () => {
    const client = world();
    // An egress policy in a namespace the container has nothing to do with must not be named.
    client.add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-egress', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Egress'] } });
    const tools = docker({ exitCode: 9, stdout: ';; communications error to 172.18.200.101#53: timed out\n;; no servers could be reached\n' });
    const r = await dnsChecker.run(lbCheck('udp'), checkContext(client, { tools }));
    expect(r).toMatchObject({ status: 'fail', layer: 'lb-ip' });
    expect(r.observed).toContain('timed out');
    expect(r.hint).toContain('metallb-system');
    expect(r.hint).not.toContain('deny-egress');
  });

  it('a docker that cannot start the container is the probe, not the learner', async () => {
    const r = await dnsChecker.run(lbCheck('udp'), checkContext(world(), { tools: docker({ exitCode: 125, stderr: 'docker: Error response from daemon: network kind not found.' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'cluster' });
    expect(r.observed).toContain('network kind not found');
  });

  it('is rejected by the lab validator without a server: outside the cluster there is no cluster DNS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-labs-'));
    try {
      cpSync(DEFAULT_LABS_DIR, dir, { recursive: true });
      const file = join(dir, 'dns/lab.yaml');
      const text = readFileSync(file, 'utf8');
      // Any pod-sourced dns check of the dns lab, switched to the kind network and left without a server.
      const edited = text.replace(/from: \{namespace: [a-z-]+\}/, 'from: {kindNetwork: true}');
      expect(edited).not.toBe(text);
      writeFileSync(file, edited);
      const { labs, problems } = loadLabs(dir);
      expect(problems).toEqual([{ lab: 'dns', file: 'dns/lab.yaml', path: expect.stringMatching(/^steps\[\d+\]\.checks\[\d+\]\.from$/), reason: expect.stringContaining('{kindNetwork: true} needs a server: {loadBalancer') }]);
      expect(problems[0]?.reason).toContain('cannot use the cluster DNS');
      expect(labs.map((l) => l.id)).not.toContain('dns');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
