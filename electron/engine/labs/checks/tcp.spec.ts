import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { podIPs } from '../../../../test/fakes/engine/labs/recorded.ts';
import { type TryOutcome, containerCommand, sessionPod } from '../../../../test/fakes/engine/labs/worlds.ts';
import { runCheck } from './registry.ts';
import { tcpChecker } from './tcp.ts';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
/** A tcp check's client pod: `sh -c` with nc tries in it. */
const isClient = (pod: KubeObject) => containerCommand(pod)[0] === 'sh' && (containerCommand(pod)[2] ?? '').includes('nc -z');

/** The book's netpol lab: only app=frontend may reach the database on 5432. */
const [DB_IP] = podIPs('pod-db-postgresql-0');

/** Every try of every client pod ends the same way. */
const every = (o: TryOutcome) => (pod: KubeObject) => sessionPod(pod, () => o);

/** backend-netpol on a CNI that drops (Calico) or rejects (kube-router) what it denies. */
function salesWorld(opts: { enforce?: boolean; pull?: string; cni?: 'drop' | 'reject' } = {}): FakeKubeClient {
  const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]);
  return client.scriptPods((pod) => {
    if (!isClient(pod)) return undefined;
    if (opts.pull) return { waiting: 'ImagePullBackOff', message: opts.pull };
    const allowed = opts.enforce === false || pod.metadata.labels?.app === 'frontend';
    return sessionPod(pod, () => (allowed ? 'open' : opts.cni === 'reject' ? 'refused' : 'timeout'));
  });
}

const check = (labels: Record<string, string>, expect: 'open' | 'blocked' | 'refused') => ({
  id: 'probe',
  type: 'tcp' as const,
  from: { namespace: 'sales', labels },
  to: { pod: { namespace: 'sales', selector: 'app.kubernetes.io/name=postgresql' } },
  port: 5432,
  expect,
  timeoutSeconds: 3,
});

describe('tcp', () => {
  it('allows app=frontend and blocks app=wrong, from pods carrying those labels', async () => {
    const client = salesWorld();
    expect((await tcpChecker.run(check({ app: 'frontend' }, 'open'), checkContext(client))).status).toBe('pass');
    const blocked = await tcpChecker.run(check({ app: 'wrong' }, 'blocked'), checkContext(client));
    expect(blocked.status).toBe('pass');
    expect(blocked.observed).toContain(`${DB_IP}:5432`);
    const created = client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod');
    expect(created).toHaveLength(2);
    // every probe pod is gone again
    expect(client.all('Pod').map((p) => p.metadata.name)).toEqual(['db-postgresql-0']);
  });

  it('names the policy when an allowed client is blocked', async () => {
    const r = await tcpChecker.run(check({ app: 'wrong' }, 'open'), checkContext(salesWorld()));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toContain('backend-netpol');
  });

  it('explains additive policies when a client that should be blocked gets through', async () => {
    const r = await tcpChecker.run(check({ app: 'wrong' }, 'blocked'), checkContext(salesWorld({ enforce: false })));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toMatch(/additive/);
  });

  it('says no policy selects the target when none does', async () => {
    const client = salesWorld({ enforce: false });
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'backend-netpol', 'sales');
    const r = await tcpChecker.run(check({ app: 'wrong' }, 'blocked'), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toContain('No NetworkPolicy in sales selects the target pods');
  });

  it('reports a probe image that cannot be pulled as a cluster problem, and still removes the pod', async () => {
    const client = salesWorld({ pull: 'toomanyrequests: You have reached your unauthenticated pull rate limit' });
    const r = await tcpChecker.run(check({ app: 'frontend' }, 'open'), checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'cluster' });
    expect(r.observed).toContain('toomanyrequests');
    expect(client.all('Pod')).toHaveLength(1);
  });

  it('fails at the pod layer when the target selector finds nothing', async () => {
    const r = await tcpChecker.run({ ...check({ app: 'frontend' }, 'open'), to: { pod: { namespace: 'sales', selector: 'app=backend-db' } } }, checkContext(salesWorld()));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('app=backend-db');
  });

  it('on a CNI that rejects, a refusal where the database listens and backend-netpol selects it is a block', async () => {
    const client = salesWorld({ cni: 'reject' });
    const blocked = await tcpChecker.run(check({ app: 'wrong' }, 'blocked'), checkContext(client));
    expect(blocked.status).toBe('pass');
    expect(blocked.observed).toMatch(/refused, although the pod declares a listener/);
    // The same refusal is no "closed port" either.
    expect((await tcpChecker.run(check({ app: 'wrong' }, 'refused'), checkContext(client))).status).toBe('fail');
    const open = await tcpChecker.run(check({ app: 'wrong' }, 'open'), checkContext(client));
    expect(open).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(open.hint).toContain('backend-netpol');
  });

  it('a refusal on a port nothing is declared to listen on does not show a block', async () => {
    // The pod declares 5432 (postgres) and 5433 (the lab's second listener); nothing declares 5434.
    const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]).scriptPods(every('refused'));
    const r = await tcpChecker.run({ ...check({ app: 'frontend' }, 'blocked'), port: 5434 }, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.hint).toMatch(/does not show a block/);
    // Without any policy, the same refusal is the closed port the baseline expects.
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'backend-netpol', 'sales');
    expect((await tcpChecker.run({ ...check({ app: 'frontend' }, 'refused'), port: 5434 }, checkContext(client))).status).toBe('pass');
  });

  it('counts a rejection of the client\'s egress (deny-all) as a block, and names the egress policy when open was expected', async () => {
    const denyAll: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'sales' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), denyAll]).scriptPods(every('refused'));
    expect((await tcpChecker.run(check({ app: 'frontend' }, 'blocked'), checkContext(client))).status).toBe('pass');
    const open = await tcpChecker.run(check({ app: 'frontend' }, 'open'), checkContext(client));
    expect(open).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(open.hint).toMatch(/deny-all selects the client pods .* for Egress/);
  });
});

describe('tcp settles like the data plane does, with one client pod that tries again', () => {
  // A window of 3 s and a hold of 0.6 s: tries at 0, 0.25, 0.75 and 1.75 s (and 3.75 s for a hold).
  const ctxFor = (client: FakeKubeClient) => ({ ...checkContext(client), timeoutScale: 0.2 });
  /**
   * Each client pod's tries end as `outcome` says: the CNI catching up while that pod lives. A
   * pod that tries once (`nc …` as its command) is a new pod every time, and gets `outcome(0)`.
   */
  const world = (outcome: (i: number) => TryOutcome) =>
    new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]).scriptPods((pod) => {
      if (containerCommand(pod)[0] !== 'nc') return sessionPod(pod, outcome);
      const o = outcome(0);
      const log = o === 'open' ? `Connection to ${DB_IP} 5432 port [tcp/postgresql] succeeded!\n` : o === 'refused' ? `nc: connect to ${DB_IP} port 5432 (tcp) failed: Connection refused\n` : `nc: connect to ${DB_IP} port 5432 (tcp) timed out: Operation now in progress\n`;
      return o === 'open' ? { phase: 'Succeeded', log } : { phase: 'Failed', exitCode: 1, log };
    });
  const clients = (client: FakeKubeClient) => client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod');

  it('lets a new client in on a later try of the same pod (kube-router admits it a moment after it starts), and says so', async () => {
    const scripts: string[] = [];
    const client = world((i) => (i < 3 ? 'refused' : 'open')).scriptPods((pod) => void scripts.push(containerCommand(pod)[2] ?? ''));
    const r = await runCheck(check({ app: 'frontend' }, 'open'), ctxFor(client), true);
    expect(r.status).toBe('pass');
    expect(r.observed).toMatch(/accepted .*\(try 4 from the same client pod, 1\.75 s after its first; before: refused ×3\)/);
    expect(r.hint).toMatch(/new pod gets in only a moment after it starts/);
    // one client pod for the whole check, gone again
    expect(clients(client)).toHaveLength(1);
    expect(client.all('Pod').map((p) => p.metadata.name)).toEqual(['db-postgresql-0']);
    // its script: nc, a marker, a pause, … ending at the first accepted connection
    const attempt = `nc -z -v -w 3 ${DB_IP} 5432 2>&1 && echo kindlab-attempt:0 && exit 0 || echo kindlab-attempt:1`;
    expect(scripts).toEqual([[attempt, 'sleep 0.25', attempt, 'sleep 0.5', attempt, 'sleep 1', attempt].join('; ')]);
  });

  it('does not pass a block when the same client gets in a moment later (a new pod is refused at first on kube-router)', async () => {
    const client = world((i) => (i < 2 ? 'refused' : 'open'));
    const r = await runCheck(check({ app: 'frontend' }, 'blocked'), ctxFor(client), true);
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.observed).toMatch(/^it was silent at first, then within 0\.75 s: .*accepted/);
    expect(clients(client)).toHaveLength(1);
  });

  it('waits for a new policy to be programmed, then holds the block', async () => {
    const client = world((i) => (i < 1 ? 'open' : 'timeout'));
    const r = await runCheck(check({ app: 'wrong' }, 'blocked'), ctxFor(client), true);
    expect(r.status).toBe('pass');
    // quiet from the try that ended at 3.25 s (0.25 s pause + nc -w 3), and still at the fourth,
    // which starts at 7.75 s: the third (3.75 s) started before the hold of 0.6 s was over
    expect(r.observed).toMatch(/no answer within 3 s.*\(and still so 4\.5 s later, 4 tries from the same client pod\)/);
    expect(clients(client)).toHaveLength(1);
    expect(client.all('Pod')).toHaveLength(1);
  });

  it('fails a block that does not hold', async () => {
    const client = world((i) => (i < 1 ? 'timeout' : 'open'));
    const r = await runCheck(check({ app: 'wrong' }, 'blocked'), ctxFor(client), true);
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/^it was silent at first, then within .* s: .*accepted/);
  });

  it('fails an open check the client never gets, naming how long it tried', async () => {
    const client = world(() => 'refused');
    const r = await runCheck(check({ app: 'wrong' }, 'open'), ctxFor(client), true);
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.observed).toMatch(/refused, although .* \(4 tries from one client pod over 1\.75 s\)$/);
  });
});
