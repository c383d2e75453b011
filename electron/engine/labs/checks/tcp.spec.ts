import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient, fixture } from '../testing/fake-kube.ts';
import { checkContext } from '../testing/harness.ts';
import { podIPs } from '../testing/recorded.ts';
import { tcpChecker } from './tcp.ts';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const command = (pod: KubeObject) => ((pod.spec as { containers: { command: string[] }[] }).containers[0]?.command ?? []).join(' ');

/** The book's netpol lab: only app=frontend may reach the database on 5432. */
const [DB_IP] = podIPs('pod-db-postgresql-0');

function salesWorld(opts: { enforce?: boolean; pull?: string } = {}): FakeKubeClient {
  const client = new FakeKubeClient([ns('sales'), ...fixture('pod-db-postgresql-0'), ...fixture('networkpolicy-backend-netpol')]);
  return client.scriptPods((pod) => {
    if (!command(pod).startsWith('nc ')) return undefined;
    if (opts.pull) return { waiting: 'ImagePullBackOff', message: opts.pull };
    const allowed = opts.enforce === false || pod.metadata.labels?.app === 'frontend';
    return allowed
      ? { phase: 'Succeeded', log: `Connection to ${DB_IP} 5432 port [tcp/postgresql] succeeded!\n` }
      : { phase: 'Failed', exitCode: 1, log: `nc: connect to ${DB_IP} port 5432 (tcp) timed out: Operation now in progress\n` };
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
});
