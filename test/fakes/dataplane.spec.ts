// The simulated data plane: probe pods (nc, curl, dig, nslookup), NetworkPolicy, DNS, Services,
// the ingress controller and LoadBalancer addresses, as lab checks will see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, RestKubeClient } from '../../electron/engine/kube/client.ts';
import { type FakeApiServer, policyAllows, startFakeApiServer } from './apiserver/index.ts';
import { L2, clientFor, installCalico, installIngress, installMetallb, pool, until, waitPods } from './testkit.ts';

let api: FakeApiServer;
let client: RestKubeClient;
const NS = 'np';

function deployment(name: string, image: string, labels: Record<string, string>, ports: number[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image, ports: ports.map((p) => ({ containerPort: p })) }] } } },
  };
}

function service(name: string, selector: Record<string, string>, port: number, targetPort = port, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector, ports: [{ port, targetPort }], ...extra } };
}

let probes = 0;
/** Runs a command in a probe pod and returns its phase and log. */
async function probe(command: string[], labels: Record<string, string> = {}, ns = NS, container: Record<string, unknown> = {}): Promise<{ phase: string; log: string }> {
  const name = `probe-${++probes}`;
  await client.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { 'kindlab.io/probe': 'check', ...labels } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'probe', image: 'nicolaka/netshoot:v0.15', command, ...container }] },
  });
  const phase = await until(async () => {
    const p: any = await client.get('v1', 'Pod', name, ns);
    return ['Succeeded', 'Failed'].includes(p?.status?.phase) ? (p.status.phase as string) : null;
  }, `${name} to finish`);
  return { phase, log: await client.podLogs(ns, name) };
}

async function podIP(selector: string): Promise<string> {
  const [p] = await waitPods(client, selector, NS, 1);
  return (p?.status as any).podIP;
}

async function clusterIP(name: string, ns = NS): Promise<string> {
  return ((await client.get('v1', 'Service', name, ns))?.spec as any).clusterIP;
}

beforeAll(async () => {
  api = await startFakeApiServer({});
  api.seed({ name: 'cluster01' });
  client = clientFor(api);
  await installCalico(client);
  await Promise.all([installIngress(client), installMetallb(client)]);
  // What the engine does to the kind manifest: put the controller on the port-mapped worker.
  await fetch(`${api.url}/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${api.cluster()?.token}`, 'Content-Type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify({ spec: { template: { spec: { nodeSelector: { 'ingress-ready': 'true', 'kubernetes.io/os': 'linux' } } } } }),
  });
  await client.apply(pool('pool-01', ['172.18.200.100-172.18.200.125']));
  await client.apply(L2);
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await client.apply(deployment('db-postgresql', 'postgres:17.11-alpine', { 'app.kubernetes.io/name': 'postgresql' }, [5432]));
  await client.apply(deployment('nginx-web', 'nginxinc/nginx-unprivileged:1.30.4-alpine', { app: 'nginx-web' }, [8080]));
  await client.apply(service('db', { 'app.kubernetes.io/name': 'postgresql' }, 5432));
  await client.apply(service('nginx-web', { app: 'nginx-web' }, 8080));
  await client.apply(service('empty', { app: 'nothing' }, 80));
  await client.apply(service('nginx-lb', { app: 'nginx-web' }, 80, 8080, { type: 'LoadBalancer' }));
  await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: NS }, spec: { type: 'ExternalName', externalName: 'web.10-1-2-3.nip.io' } });
  await waitPods(client, 'app=nginx-web', NS);
  await waitPods(client, 'app.kubernetes.io/name=postgresql', NS);
  await waitPods(client, 'app.kubernetes.io/component=controller', 'ingress-nginx');
  await until(async () => {
    const ctl = (await client.list('v1', 'Pod', { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/component=controller' })).items;
    return ctl.length === 1 && (ctl[0]?.spec as any).nodeName === 'cluster01-worker' && (ctl[0]?.status as any).phase === 'Running';
  }, 'controller on the worker');
});

afterAll(async () => {
  await api?.close();
});

describe('TCP probes', () => {
  it('reaches a Service by name, like netcat-openbsd reports it', async () => {
    const r = await probe(['nc', '-zv', '-w', '3', 'db', '5432']);
    expect(r).toEqual({ phase: 'Succeeded', log: 'Connection to db 5432 port [tcp/postgresql] succeeded!\n' });
  });

  it('is refused where nothing listens and where a Service has no endpoints', async () => {
    const ip = await podIP('app=nginx-web');
    expect(await probe(['nc', '-z', '-v', '-w', '3', ip, '5432'])).toEqual({ phase: 'Failed', log: `nc: connect to ${ip} port 5432 (tcp) failed: Connection refused\n` });
    const empty = await clusterIP('empty');
    expect((await probe(['sh', '-c', `nc -zv -w 3 ${empty} 80 2>&1 || echo blocked`])).log).toBe(`nc: connect to ${empty} port 80 (tcp) failed: Connection refused\nblocked\n`);
  });

  it('times out once a deny-all policy selects the target, and opens again for an allowed client', async () => {
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    await client.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: NS },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] },
    });
    const t0 = Date.now();
    expect(await probe(['nc', '-zv', '-w', '3', ip, '5432'])).toEqual({ phase: 'Failed', log: `nc: connect to ${ip} port 5432 (tcp) timed out: Operation now in progress\n` });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    await client.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-frontend', namespace: NS },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
      },
    });
    expect((await probe(['nc', '-zv', '-w', '3', 'db', '5432'], { role: 'frontend' })).phase).toBe('Succeeded');
    expect((await probe(['nc', '-zv', '-w', '3', 'db', '5432'], { role: 'backend' })).phase).toBe('Failed');
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-all', NS);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'allow-frontend', NS);
  });

  it("answers the book's telnet as netshoot's BusyBox telnet and timeout do: connected, refused, or silence ended by SIGTERM", async () => {
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    const book = (target: string, port: number) => ['sh', '-c', `sleep 2; timeout 5 telnet ${target} ${port} </dev/null; echo exit code $?`];
    // Connected, and with nothing on stdin telnet ends by itself; the host as it was typed.
    expect(await probe(book('db', 5432))).toEqual({ phase: 'Succeeded', log: 'Connected to db\nexit code 0\n' });
    expect((await probe(['telnet', `${ip}:5432`])).log, "the book's HOST:PORT form").toBe(`Connected to ${ip}:5432\n`);
    expect(await probe(book(ip, 5434))).toEqual({ phase: 'Succeeded', log: `telnet: can't connect to remote host (${ip}): Connection refused\nexit code 1\n` });
    expect((await probe(book('nowhere', 80))).log).toBe("telnet: bad address 'nowhere'\nexit code 1\n");
    // With stdin open (kubectl run -i) and no </dev/null, a connected telnet waits for the
    // learner's keys until timeout ends it.
    expect((await probe(['sh', '-c', `timeout 5 telnet ${ip} 5432; echo exit code $?`], {}, NS, { stdin: true, stdinOnce: true, tty: true })).log).toBe('exit code 143\n');
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-in', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] } });
    // Dropped: nothing at all, then BusyBox's timeout stops telnet with SIGTERM (143, not GNU's 124).
    const t0 = Date.now();
    expect(await probe(book(ip, 5432))).toEqual({ phase: 'Succeeded', log: 'exit code 143\n' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    // Without timeout, the connect gives up only after Linux's SYN retries (about two minutes).
    expect((await probe(['telnet', ip, '5432'])).log).toBe(`telnet: can't connect to remote host (${ip}): Connection timed out\n`);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-in', NS);
  });

  it('on a CNI that rejects (kube-router), what a policy denies is refused at once, ingress and egress alike', async () => {
    api.setScenario({ dataPlane: { policyBlock: 'reject' } });
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-in', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] } });
    expect(await probe(['nc', '-zv', '-w', '3', ip, '5432'])).toEqual({ phase: 'Failed', log: `nc: connect to ${ip} port 5432 (tcp) failed: Connection refused\n` });
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-in', NS);
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-out', namespace: NS }, spec: { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'] } });
    expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'], { role: 'client' })).log).toBe(`nc: connect to ${ip} port 5432 (tcp) failed: Connection refused\n`);
    // dig gets the ICMP answer too, and gives up at once.
    const dig = await probe(['dig', '+time=5', '+tries=2', `db.${NS}.svc.cluster.local`], { role: 'client' });
    expect(dig.log).toMatch(/^;; communications error to 10\.96\.0\.10#53: connection refused\n;; communications error to 10\.96\.0\.10#53: connection refused\n/);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-out', NS);
    api.setScenario({});
  });

  it('rejects by default once a kube-router DaemonSet runs, and drops otherwise', async () => {
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-in', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] } });
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-router', namespace: 'kube-system', labels: { 'k8s-app': 'kube-router' } },
      spec: { selector: { matchLabels: { 'k8s-app': 'kube-router' } }, template: { metadata: { labels: { 'k8s-app': 'kube-router' } }, spec: { hostNetwork: true, containers: [{ name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.1.0' }] } } },
    };
    await client.apply(ds);
    expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'])).log).toContain('Connection refused');
    await client.delete('apps/v1', 'DaemonSet', 'kube-router', 'kube-system');
    expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'])).log).toContain('timed out');
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-in', NS);
  });

  it('programs a new policy a moment after it appears (timings.policyLagMs)', async () => {
    api.setScenario({ timings: { policyLagMs: 1000 } });
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-late', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] } });
    expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'])).phase).toBe('Succeeded');
    await new Promise((r) => setTimeout(r, 1050));
    expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'])).log).toContain('timed out');
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-late', NS);
    api.setScenario({});
  });

  it('takes in a new pod a moment after it starts (timings.admitLagMs): refused by a from-rule at first, and not yet held to its own policies', async () => {
    api.setScenario({ dataPlane: { policyBlock: 'reject' }, timings: { admitLagMs: 1000 } });
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    const allow = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-frontend', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }] } };
    await client.apply(allow);
    // What a real kube-router did: a client made with the right label is refused for its first
    // second, then let in; its connections are judged when they would happen (sleep is scaled).
    const tries = `nc -zv -w 3 ${ip} 5432; sleep 0.5; nc -zv -w 3 ${ip} 5432; sleep 1; nc -zv -w 3 ${ip} 5432`;
    const t0 = Date.now();
    const r = await probe(['sh', '-c', tries], { role: 'frontend' });
    expect(r.log).toBe(`nc: connect to ${ip} port 5432 (tcp) failed: Connection refused\n`.repeat(2) + `Connection to ${ip} 5432 port [tcp/postgresql] succeeded!\n`);
    expect(Date.now() - t0).toBeLessThan(1000);
    // A one-shot nc connects at once: refused every time, however often it is run.
    for (let i = 0; i < 2; i++) expect((await probe(['nc', '-zv', '-w', '3', ip, '5432'], { role: 'frontend' })).log).toContain('Connection refused');
    // Its own Egress policy does not hold it yet either (kube-router builds its filter in the same sync).
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-out', namespace: NS }, spec: { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'] } });
    const web = await podIP('app=nginx-web');
    const out = await probe(['sh', '-c', `nc -zv -w 3 ${web} 8080; sleep 2; nc -zv -w 3 ${web} 8080`], { role: 'client' });
    expect(out.log).toBe(`Connection to ${web} 8080 port [tcp/http-alt] succeeded!\nnc: connect to ${web} port 8080 (tcp) failed: Connection refused\n`);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-out', NS);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'allow-frontend', NS);
    api.setScenario({});
  });

  it('judges each connection of a command when it would happen: a policy programmed meanwhile counts (timings.policyLagMs)', async () => {
    api.setScenario({ timings: { policyLagMs: 1000 } });
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    await client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-later', namespace: NS }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, policyTypes: ['Ingress'] } });
    const r = await probe(['sh', '-c', `nc -zv -w 3 ${ip} 5432; sleep 2; nc -zv -w 3 ${ip} 5432`]);
    expect(r.log).toBe(`Connection to ${ip} 5432 port [tcp/postgresql] succeeded!\nnc: connect to ${ip} port 5432 (tcp) timed out: Operation now in progress\n`);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'deny-later', NS);
    api.setScenario({});
  });

  it('ends the shell at exit, as sh does', async () => {
    const ip = await podIP('app.kubernetes.io/name=postgresql');
    const r = await probe(['sh', '-c', `nc -zv -w 3 ${ip} 5432 && echo mark:0 && exit 0 || echo mark:1; sleep 1; echo after`]);
    expect(r).toEqual({ phase: 'Succeeded', log: `Connection to ${ip} 5432 port [tcp/postgresql] succeeded!\nmark:0\n` });
    expect((await probe(['sh', '-c', 'echo a; exit 3; echo b'])).log).toBe('a\n');
  });

  it('lets the scenario force an outcome', async () => {
    api.setScenario({ probes: [{ namespace: NS, commandIncludes: '5432', outcome: 'timeout' }] });
    const r = await probe(['nc', '-zv', '-w', '3', 'db', '5432']);
    api.setScenario({});
    expect(r.log).toBe('nc: connect to db port 5432 (tcp) timed out: Operation now in progress\n');
  });
});

describe('the NetworkPolicy evaluator', () => {
  const pod = (name: string, ns: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'pg', containerPort: 5432 }] }] } });

  it('ORs peers listed as separate items and ANDs selectors inside one item', async () => {
    for (const n of ['prod', 'dev']) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { env: n } } });
    const target = pod('db', 'prod', { app: 'db' });
    const fromProdApi = { ip: '10.240.1.50', pod: pod('api', 'prod', { app: 'api' }) };
    const fromDevApi = { ip: '10.240.1.51', pod: pod('api', 'dev', { app: 'api' }) };
    const fromProdOther = { ip: '10.240.1.52', pod: pod('other', 'prod', { app: 'other' }) };
    const fromHost = { ip: '172.18.0.3' };
    const policy = (from: unknown[]) =>
      client.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'prod' }, spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from, ports: [{ port: 'pg' }] }] } });
    const allows = (peer: { ip: string; pod?: KubeObject }, port = 5432) => policyAllows(api.state, 'Ingress', target as never, peer as never, port);

    // One item with both selectors: pods labelled app=api AND in a namespace labelled env=dev.
    await policy([{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'api' } } }]);
    expect([allows(fromProdApi), allows(fromDevApi), allows(fromProdOther)]).toEqual([false, true, false]);

    // Two items: any pod in env=dev namespaces OR app=api pods of the policy's own namespace.
    await policy([{ namespaceSelector: { matchLabels: { env: 'dev' } } }, { podSelector: { matchLabels: { app: 'api' } } }]);
    expect([allows(fromProdApi), allows(fromDevApi), allows(fromProdOther)]).toEqual([true, true, false]);

    // ipBlock with an exception, and named ports.
    await policy([{ ipBlock: { cidr: '172.18.0.0/16', except: ['172.18.0.2/32'] } }]);
    expect([allows(fromHost), allows({ ip: '172.18.0.2' }), allows(fromHost, 80)]).toEqual([true, false, false]);
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'p', 'prod');
    expect(allows(fromProdOther)).toBe(true);
  });
});

describe('DNS', () => {
  it('answers dig and nslookup from cluster DNS, with search paths only where the tool uses them', async () => {
    const ip = await clusterIP('db');
    expect((await probe(['dig', '+short', `db.${NS}.svc.cluster.local`])).log).toBe(`${ip}\n`);
    expect((await probe(['dig', '+short', 'db'])).log).toBe('');
    expect((await probe(['dig', '+short', '+search', 'db'])).log).toBe(`${ip}\n`);
    const ns = await probe(['nslookup', 'db']);
    expect(ns.phase).toBe('Succeeded');
    // BIND's nslookup notes each answer CoreDNS gives from the cluster zone (no recursion), as recorded.
    const noRecursion = ';; Got recursion not available from 10.96.0.10\n';
    expect(ns.log).toBe(`${noRecursion}Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tdb.${NS}.svc.cluster.local\nAddress: ${ip}\n${noRecursion}\n`);
    const missing = await probe(['nslookup', 'nope']);
    expect(missing).toEqual({ phase: 'Failed', log: `${noRecursion.repeat(3)}Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope: NXDOMAIN\n\n` });
    expect((await probe(['dig', '+short', `ext.${NS}.svc.cluster.local`])).log).toBe('web.10-1-2-3.nip.io.\n10.1.2.3\n');
    const full = (await probe(['dig', '+tcp', '@10.96.0.10', `nginx-web.${NS}.svc.cluster.local`])).log;
    expect(full).toContain(';; ANSWER SECTION:');
    // BIND's columns: TTL at 24, class at 32, type at 40, data at 48 (one space once a field runs past).
    expect(full).toContain(`nginx-web.${NS}.svc.cluster.local.\t30 IN\tA\t${await clusterIP('nginx-web')}`);
    expect(full).toContain(';; SERVER: 10.96.0.10#53(10.96.0.10) (TCP)');
  });

  it('answers dig from the kind network at a LoadBalancer address in front of CoreDNS, over UDP and TCP', async () => {
    await client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'coredns-ext', namespace: 'kube-system' },
      spec: { type: 'LoadBalancer', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'dns-udp', port: 53, protocol: 'UDP' }] },
    });
    const lb = await until(async () => ((await client.get('v1', 'Service', 'coredns-ext', 'kube-system'))?.status as any)?.loadBalancer?.ingress?.[0]?.ip, 'coredns-ext address');
    const kubernetes = await clusterIP('kubernetes', 'default');
    const name = 'kubernetes.default.svc.cluster.local';
    expect(api.exec(['dig', '+short', `@${lb}`, name])).toMatchObject({ exitCode: 0, stdout: `${kubernetes}\n` });
    expect(api.exec(['dig', '+short', '+tcp', `@${lb}`, name])).toMatchObject({ exitCode: 0, stdout: `${kubernetes}\n` });
    // Off the kind network, and at an address whose backends are no DNS server, nothing answers.
    expect(api.exec(['dig', '+time=1', '+tries=1', `@${lb}`, name], 'none').exitCode).toBe(9);
    const web = ((await client.get('v1', 'Service', 'nginx-lb', NS))?.status as any).loadBalancer.ingress[0].ip;
    expect(api.exec(['dig', '+time=1', '+tries=1', `@${web}`, name]).stdout).toContain('no servers could be reached');
    await client.delete('v1', 'Service', 'coredns-ext', 'kube-system');
  });
});

describe('HTTP', () => {
  it('routes through the ingress controller by Host header from the kind network', async () => {
    await client.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'nginx-ingress', namespace: NS },
      spec: { rules: [{ host: 'webserver.127-0-0-1.nip.io', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nginx-web', port: { number: 8080 } } } }] } }] },
    });
    const curl = (host: string, url = 'http://172.18.0.3/') => api.exec(['curl', '-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: ${host}`, url]);
    expect(curl('webserver.127-0-0-1.nip.io')).toMatchObject({ exitCode: 0, stdout: '200', stderr: '' });
    expect(curl('other.example')).toMatchObject({ exitCode: 0, stdout: '404' });
    const body = api.exec(['curl', '-s', '-H', 'Host: webserver.127-0-0-1.nip.io', 'http://172.18.0.3/']);
    expect(body.stdout).toContain('<title>Welcome to nginx!</title>');
    // The control-plane has no ingress controller: port 80 there is closed.
    expect(curl('webserver.127-0-0-1.nip.io', 'http://172.18.0.2/')).toMatchObject({ exitCode: 7, stdout: '000', stderr: "curl: (7) Failed to connect to 172.18.0.2 port 80 after 0 ms: Couldn't connect to server\n" });
  });

  it('reaches LoadBalancer and NodePort Services from the kind network but not ClusterIPs', async () => {
    const lb = await until(async () => ((await client.get('v1', 'Service', 'nginx-lb', NS))?.status as any)?.loadBalancer?.ingress?.[0]?.ip, 'nginx-lb address');
    expect(api.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${lb}/`]).stdout).toBe('200');
    const nodePort = ((await client.get('v1', 'Service', 'nginx-lb', NS))?.spec as any).ports[0].nodePort;
    expect(api.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://172.18.0.2:${nodePort}/`]).stdout).toBe('200');
    const cip = await clusterIP('nginx-web');
    expect(api.exec(['curl', '-sS', '-m', '2', `http://${cip}:8080/`])).toMatchObject({ exitCode: 28, stderr: 'curl: (28) Connection timed out after 2001 milliseconds\n' });
    expect(api.exec(['curl', '-sS', '-m', '2', `http://${lb}/`], 'none').exitCode).toBe(28);
  });

  it('answers at a new external IP or node port only once kube-proxy has programmed it (timings.proxyLagMs)', async () => {
    api.setScenario({ timings: { proxyLagMs: 1000 } });
    await client.apply(service('late-lb', { app: 'nginx-web' }, 80, 8080, { type: 'LoadBalancer' }));
    const lb = await until(async () => ((await client.get('v1', 'Service', 'late-lb', NS))?.status as any)?.loadBalancer?.ingress?.[0]?.ip, 'late-lb address');
    const nodePort = ((await client.get('v1', 'Service', 'late-lb', NS))?.spec as any).ports[0].nodePort;
    const code = (url: string) => api.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', url]);
    expect(code(`http://${lb}/`)).toMatchObject({ exitCode: 7, stdout: '000' });
    expect(code(`http://172.18.0.3:${nodePort}/`)).toMatchObject({ exitCode: 7 });
    await new Promise((r) => setTimeout(r, 1050));
    expect(code(`http://${lb}/`).stdout).toBe('200');
    expect(code(`http://172.18.0.3:${nodePort}/`).stdout).toBe('200');
    await client.delete('v1', 'Service', 'late-lb', NS);
    api.setScenario({});
  });

  it('curls a Service from a pod, and a database port answers nothing HTTP', async () => {
    expect((await probe(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}\\n', 'http://nginx-web:8080/'])).log).toBe('200\n');
    expect(await probe(['curl', '-sS', 'http://db:5432/'])).toEqual({ phase: 'Failed', log: 'curl: (52) Empty reply from server\n' });
    expect(await probe(['wget', '-q', '-O-', '-T', '2', 'http://nope/'])).toEqual({ phase: 'Failed', log: "wget: bad address 'nope'\n" });
  });
});
