import { describe, expect, it } from 'vitest';
import { cleanupLab, countLabObjects } from './cleanup.ts';
import { sayer } from './say.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { labFrom, step } from '../../../test/fakes/engine/labs/harness.ts';
import { EXAMPLE_VARS } from './vars.ts';

const POOL = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool-static, namespace: metallb-system}
spec: {addresses: ["{{staticIP}}/32"]}
`;

describe('cleanupLab', () => {
  it('deletes by list, by manifest and by label, and never a system namespace', async () => {
    const client = new FakeKubeClient([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
      { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool-static', namespace: 'metallb-system' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'coredns-ext', namespace: 'kube-system', labels: { 'kindlab.io/lab': 'lb' } } },
    ]);
    const lab = labFrom(
      {
        id: 'lb',
        order: 1,
        title: { en: 'lb', zh: 'lb' },
        summary: { en: 'lb', zh: 'lb' },
        steps: [step('s', {})],
        cleanup: [{ deleteNamespace: 'web' }, { deleteNamespace: 'kube-system' }, { deleteManifest: 'manifests/pool.yaml' }],
      },
      { 'manifests/pool.yaml': POOL },
    );
    const lines: string[] = [];
    const removed = await cleanupLab(lab, { client, vars: EXAMPLE_VARS, say: sayer('en'), signal: new AbortController().signal, timeoutScale: 0.01, log: (l) => lines.push(l) });
    expect(removed).toBe(3);
    expect(client.all().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/kube-system']);
    expect(lines).toContain('deleted IPAddressPool metallb-system/pool-static');
  });

  it('a lab’s cleanup does not wait out the grace period of the pods in the namespace it deletes', async () => {
    const client = new FakeKubeClient([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'netshoot', namespace: 'sales' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-6c9-x', namespace: 'default' } },
    ]);
    client.gracefulDeletion = true;
    const lab = labFrom({ id: 'netpol', order: 1, title: { en: 'n', zh: 'n' }, summary: { en: 'n', zh: 'n' }, steps: [step('s', {})], cleanup: [{ deleteNamespace: 'sales' }] }, {});
    const lines: string[] = [];
    // With a 1.2 s bound, a pod waited out for its 30 s would leave the namespace terminating.
    await cleanupLab(lab, { client, vars: EXAMPLE_VARS, say: sayer('en'), signal: new AbortController().signal, timeoutScale: 0.01, log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.includes('still terminating'))).toEqual([]);
    expect(client.all().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/web-6c9-x']);
    expect(client.calls.find((c) => c.kind === 'Pod' && c.name === 'netshoot')?.gracePeriodSeconds).toBe(0);
  });

  it('without waiting (the fast reset), hands the namespaces it deleted to the caller to wait for', async () => {
    const client = new FakeKubeClient([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { 'kindlab.io/lab': 'netpol' } } },
    ]);
    const lab = labFrom({ id: 'netpol', order: 1, title: { en: 'n', zh: 'n' }, summary: { en: 'n', zh: 'n' }, steps: [step('s', {})], cleanup: [{ deleteNamespace: 'sales' }] }, {});
    const terminating: string[] = [];
    await cleanupLab(lab, { client, vars: EXAMPLE_VARS, say: sayer('en'), signal: new AbortController().signal, timeoutScale: 0.01, log: () => undefined }, { waitForNamespaces: false, terminating });
    expect(terminating.sort()).toEqual(['other', 'sales']);
  });
});

describe('countLabObjects', () => {
  it("counts each lab's labelled objects, a lab's namespace once with what is in it, and never an add-on's", async () => {
    const lab = (name: string) => ({ 'kindlab.io/lab': name });
    const client = new FakeKubeClient([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales', labels: lab('netpol') } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db-postgresql', namespace: 'sales', labels: lab('netpol') } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'backend-netpol', namespace: 'sales', labels: lab('netpol') } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx-frontend', namespace: 'default', labels: lab('services') } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-frontend', namespace: 'default', labels: lab('services') } },
      { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool-01', namespace: 'metallb-system', labels: { ...lab('loadbalancer'), 'app.kubernetes.io/managed-by': 'kindlab' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' } },
    ]);
    expect(await countLabObjects(client)).toEqual({ netpol: 1, services: 2 });
    expect(await countLabObjects(new FakeKubeClient([]))).toEqual({});
  });
});
