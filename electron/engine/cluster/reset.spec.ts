import { describe, expect, it } from 'vitest';
import type { Lang } from '../../api.ts';
import { inLang } from '../i18n/text.ts';
import type { KubeObject } from '../kube/client.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { resetFastSteps } from './reset.ts';

const obj = (apiVersion: string, kind: string, name: string, namespace: string | undefined, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), labels },
});
const lab = (id: string) => ({ 'kindlab.io/lab': id });

/** A cluster after a few labs, with things of its own and of other components beside them. */
function cluster(): FakeKubeClient {
  return new FakeKubeClient([
    obj('v1', 'Namespace', 'sales', undefined, lab('netpol')),
    obj('v1', 'Pod', 'db', 'sales', lab('netpol')),
    obj('v1', 'Namespace', 'kindlab-canary-1a2b', undefined, { 'kindlab.io/probe': 'canary' }),
    obj('v1', 'Service', 'coredns-ext', 'kube-system', lab('loadbalancer')),
    obj('v1', 'Pod', 'probe-x', 'default', { 'kindlab.io/probe': 'http', ...lab('services') }),
    obj('metallb.io/v1beta1', 'IPAddressPool', 'ns-scoped-pool', 'metallb-system', lab('loadbalancer')),
    // Not the labs': the cluster's, an add-on's, another component's, the learner's own.
    obj('v1', 'Namespace', 'kube-system', undefined),
    obj('v1', 'Service', 'kube-dns', 'kube-system'),
    obj('v1', 'Service', 'kube-router-metrics', 'kube-system', { 'k8s-app': 'kube-router' }),
    obj('v1', 'Service', 'kubernetes', 'default'),
    obj('v1', 'Namespace', 'my-experiments', undefined),
    obj('v1', 'Pod', 'scratch', 'default'),
    obj('metallb.io/v1beta1', 'IPAddressPool', 'pool-01', 'metallb-system', { 'app.kubernetes.io/managed-by': 'kindlab' }),
    obj('metallb.io/v1beta1', 'IPAddressPool', 'team-pool', 'metallb-system'),
    // An add-on object a lab re-applied keeps the add-on's mark, and stays.
    obj('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system', { 'app.kubernetes.io/managed-by': 'kindlab', ...lab('loadbalancer') }),
  ]);
}

async function reset(client: FakeKubeClient, lang?: Lang): Promise<{ removed: number; progress: string[] }> {
  const progress: string[] = [];
  const removed = await resetFastSteps(client, { signal: new AbortController().signal, timeoutMs: 5_000, log: () => undefined, progress: (_f, m) => progress.push(inLang(m, lang ?? 'en')) });
  return { removed, progress };
}

const names = (c: FakeKubeClient) => c.all().map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`).sort();

describe('the fast reset’s cleaning pass', () => {
  it('removes only what carries a lab’s or a probe’s label, and the namespaces among them', async () => {
    const c = cluster();
    const { removed } = await reset(c);
    expect(names(c)).toEqual([
      'IPAddressPool metallb-system/pool-01',
      'IPAddressPool metallb-system/team-pool',
      'L2Advertisement metallb-system/l2-all-pools',
      'Namespace kube-system',
      'Namespace my-experiments',
      'Pod default/scratch',
      'Service default/kubernetes',
      'Service kube-system/kube-dns',
      'Service kube-system/kube-router-metrics',
    ]);
    expect(removed).toBe(6);
  });

  it('reports its progress in English by default and with lang en', async () => {
    for (const lang of [undefined, 'en'] as const) {
      expect((await reset(cluster(), lang)).progress).toEqual(['objects labelled by the labs', 'probe pods', 'waiting for namespaces to terminate', '0 namespaces terminating']);
    }
  });

  it('in Chinese with lang zh', async () => {
    expect((await reset(cluster(), 'zh')).progress).toEqual(['带实验标签的对象', '探测 Pod', '正在等待命名空间终止', '0 个命名空间正在终止']);
  });

  it('does not wait out the pods’ grace periods: a lab namespace’s pods (unlabelled, from a Deployment) go at once', async () => {
    const c = cluster();
    // An unlabelled pod a ReplicaSet made in the lab's namespace, and the learner's own pod elsewhere.
    c.add(obj('v1', 'Pod', 'backend-7d9c-x2', 'sales'), obj('v1', 'Pod', 'mine', 'my-experiments'));
    c.gracefulDeletion = true;
    const started = Date.now();
    const progress: string[] = [];
    await resetFastSteps(c, { signal: new AbortController().signal, timeoutMs: 2_000, log: () => undefined, progress: (_f, m) => progress.push(inLang(m, 'en')) });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(names(c)).not.toContain('Namespace sales');
    expect(names(c)).toContain('Pod my-experiments/mine');
    const podDeletes = c.calls.filter((x) => x.verb === 'delete' && x.kind === 'Pod' && x.namespace === 'sales');
    expect(podDeletes.map((x) => `${x.name} ${x.gracePeriodSeconds}`).sort()).toContain('backend-7d9c-x2 0');
    expect(c.calls.some((x) => x.verb === 'delete' && x.namespace === 'my-experiments')).toBe(false);
  });

  it('has nothing to do on a clean cluster', async () => {
    const c = new FakeKubeClient([obj('v1', 'Service', 'kube-dns', 'kube-system')]);
    expect((await reset(c)).removed).toBe(0);
    expect(names(c)).toEqual(['Service kube-system/kube-dns']);
  });
});
