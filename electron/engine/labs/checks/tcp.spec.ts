import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient, fixture } from '../testing/fake-kube.ts';
import { checkContext } from '../testing/harness.ts';
import { podIPs } from '../testing/recorded.ts';
import { runCheck } from './registry.ts';
import { tcpChecker } from './tcp.ts';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const command = (pod: KubeObject) => ((pod.spec as { containers: { command: string[] }[] }).containers[0]?.command ?? []).join(' ');

/** The book's netpol lab: only app=frontend may reach the database on 5432. */
const [DB_IP] = podIPs('pod-db-postgresql-0');

const OPEN = { phase: 'Succeeded' as const, log: `Connection to ${DB_IP} 5432 port [tcp/postgresql] succeeded!\n` };
const DROPPED = { phase: 'Failed' as const, exitCode: 1, log: `nc: connect to ${DB_IP} port 5432 (tcp) timed out: Operation now in progress\n` };
/** What nc prints when kube-router rejects (ICMP port unreachable) or nothing listens. */
const refused = (port = 5432) => ({ phase: 'Failed' as const, exitCode: 1, log: `nc: connect to ${DB_IP} port ${port} (tcp) failed: Connection refused\n` });

/** backend-netpol on a CNI that drops (Calico) or rejects (kube-router) what it denies. */
function salesWorld(opts: { enforce?: boolean; pull?: string; cni?: 'drop' | 'reject' } = {}): FakeKubeClient {
  const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]);
  return client.scriptPods((pod) => {
    if (!command(pod).startsWith('nc ')) return undefined;
    if (opts.pull) return { waiting: 'ImagePullBackOff', message: opts.pull };
    const allowed = opts.enforce === false || pod.metadata.labels?.app === 'frontend';
    if (allowed) return OPEN;
    return opts.cni === 'reject' ? refused() : DROPPED;
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
    const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]).scriptPods((pod) => (command(pod).startsWith('nc ') ? refused(5433) : undefined));
    const r = await tcpChecker.run({ ...check({ app: 'frontend' }, 'blocked'), port: 5433 }, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.hint).toMatch(/does not show a block/);
    // Without any policy, the same refusal is the closed port the baseline expects.
    await client.delete('networking.k8s.io/v1', 'NetworkPolicy', 'backend-netpol', 'sales');
    expect((await tcpChecker.run({ ...check({ app: 'frontend' }, 'refused'), port: 5433 }, checkContext(client))).status).toBe('pass');
  });

  it('counts a rejection of the client\'s egress (deny-all) as a block, and names the egress policy when open was expected', async () => {
    const denyAll: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'sales' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), denyAll]).scriptPods((pod) => (command(pod).startsWith('nc ') ? refused() : undefined));
    expect((await tcpChecker.run(check({ app: 'frontend' }, 'blocked'), checkContext(client))).status).toBe('pass');
    const open = await tcpChecker.run(check({ app: 'frontend' }, 'open'), checkContext(client));
    expect(open).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(open.hint).toMatch(/deny-all selects the client pods .* for Egress/);
  });
});

describe('tcp settles like the data plane does', () => {
  // A window of 1.5 s and a hold of 0.3 s: room for the first pauses (250 ms, 500 ms).
  const ctxFor = (client: FakeKubeClient) => ({ ...checkContext(client), timeoutScale: 0.1 });
  /** The first `n` probe pods get `early`, the later ones `late`: a CNI catching up. */
  function catchingUp(n: number, early: object, late: object): FakeKubeClient {
    let probes = 0;
    return new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]).scriptPods((pod) =>
      command(pod).startsWith('nc ') ? ((++probes <= n ? early : late) as ReturnType<typeof refused>) : undefined,
    );
  }

  it('retries an open check while a new client pod is not yet in the policy\'s sets (kube-router)', async () => {
    const client = catchingUp(2, refused(), OPEN);
    const r = await runCheck(check({ app: 'frontend' }, 'open'), ctxFor(client), true);
    expect(r.status).toBe('pass');
    expect(client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod')).toHaveLength(3);
    expect(client.all('Pod').map((p) => p.metadata.name)).toEqual(['db-postgresql-0']);
  });

  it('waits for a new policy to be programmed, then holds the block', async () => {
    const client = catchingUp(1, OPEN, DROPPED);
    const r = await runCheck(check({ app: 'wrong' }, 'blocked'), ctxFor(client), true);
    expect(r.status).toBe('pass');
    // one answer, the first silence, and at least one more silence in the hold
    expect(client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod').length).toBeGreaterThanOrEqual(3);
    expect(client.all('Pod')).toHaveLength(1);
  });

  it('fails a block that does not hold', async () => {
    const client = catchingUp(1, DROPPED, OPEN);
    const r = await runCheck(check({ app: 'wrong' }, 'blocked'), ctxFor(client), true);
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/^it was silent at first, then within .* s: .*accepted/);
  });
});
