import { describe, expect, it } from 'vitest';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { objectChecker, readPath } from './object.ts';

const ref = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'backend-netpol', namespace: 'sales' };

describe('object', () => {
  it('reads dotted paths with array indexes', () => {
    const obj = fixture('networkpolicy-backend-netpol')[0];
    expect(readPath(obj, 'spec.ingress.0.from.0.podSelector.matchLabels.app')).toBe('frontend');
    expect(readPath(obj, 'spec.ingress.0.ports.0.port')).toBe(5432);
    expect(readPath(obj, 'spec.ingress.3.ports')).toBeUndefined();
  });

  it('passes when the fields hold', async () => {
    const client = new FakeKubeClient(fixture('networkpolicy-backend-netpol'));
    const ok = await objectChecker.run({ id: 'np', type: 'object', ref, exists: true, fields: { 'spec.ingress.0.from.0.podSelector.matchLabels.app': 'frontend', 'spec.ingress.0.ports.0.port': 5432 } }, checkContext(client));
    expect(ok.status).toBe('pass');
    expect(ok.observed).toContain('spec.ingress.0.ports.0.port = 5432');
  });

  it('fails with the layer of the kind and the differing value', async () => {
    const client = new FakeKubeClient(fixture('networkpolicy-backend-netpol'));
    const r = await objectChecker.run({ id: 'np', type: 'object', ref, exists: true, fields: { 'spec.policyTypes.0': 'Egress' } }, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toContain('spec.policyTypes.0: Ingress ≠ Egress');
  });

  it('checks absence, and existence of a missing object', async () => {
    const client = new FakeKubeClient(fixture('ingress-nginx-ingress'));
    const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'nginx-ingress', namespace: 'default' };
    expect((await objectChecker.run({ id: 'gone', type: 'object', ref: ing, exists: false }, checkContext(client))).status).toBe('fail');
    expect((await objectChecker.run({ id: 'gone', type: 'object', ref: { ...ing, name: 'x' }, exists: false }, checkContext(client))).status).toBe('pass');
    const missing = await objectChecker.run({ id: 'm', type: 'object', ref: { ...ing, name: 'x' }, exists: true }, checkContext(client));
    expect(missing).toMatchObject({ status: 'fail', layer: 'ingress' });
  });
});
