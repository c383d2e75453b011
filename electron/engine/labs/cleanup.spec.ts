import { describe, expect, it } from 'vitest';
import { cleanupLab } from './cleanup.ts';
import { sayer } from './say.ts';
import { FakeKubeClient } from './testing/fake-kube.ts';
import { labFrom, step } from './testing/harness.ts';
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
});
