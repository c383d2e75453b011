import { describe, expect, it } from 'vitest';
import { cancelled } from '../../errors.ts';
import type { LabCheck } from '../schema.ts';
import { FakeKubeClient } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { EXAMPLE_VARS } from '../vars.ts';
import { CHECKERS, describeCheck, needsDataPlane, runCheck } from './registry.ts';

const svcCheck: LabCheck = { id: 'lb', type: 'service', namespace: 'default', name: 'nginx-lb', loadBalancer: { address: '{{staticIP}}' } };

describe('runCheck', () => {
  it('has one checker per check type', () => {
    expect(Object.keys(CHECKERS).sort()).toEqual(['dns', 'endpoints', 'http', 'object', 'podsReady', 'policyCanary', 'service', 'tcp']);
  });

  it('fills in variables and times the check', async () => {
    const r = await runCheck(svcCheck, checkContext(new FakeKubeClient()), true);
    expect(r.expected).toBe('Service default/nginx-lb: external IP 172.18.200.110');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('turns an API error into a failed result at the cluster layer', async () => {
    const client = new FakeKubeClient();
    client.get = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443'));
    const r = await runCheck(svcCheck, checkContext(client), true);
    expect(r).toMatchObject({ status: 'fail', layer: 'cluster' });
    expect(r.observed).toContain('ECONNREFUSED');
  });

  it('reports a variable this cluster lacks, and lets a cancellation through', async () => {
    const missing = await runCheck(svcCheck, checkContext(new FakeKubeClient(), { vars: { ...EXAMPLE_VARS, staticIP: null } }), true);
    expect(missing.observed).toContain('{{staticIP}} has no value on this cluster');
    const client = new FakeKubeClient();
    client.get = () => Promise.reject(cancelled());
    await expect(runCheck(svcCheck, checkContext(client), true)).rejects.toMatchObject({ failure: { code: 'cancelled' } });
  });

  it('uses the lab description when there is one', () => {
    const say = checkContext(new FakeKubeClient(), { lang: 'zh' }).say;
    expect(describeCheck({ ...svcCheck, description: { en: 'Mine', zh: '我的' } }, say)).toBe('我的');
  });
});

describe('data-plane needs per check form', () => {
  it('a Service check needs running pods only when it expects a LoadBalancer address', () => {
    expect(needsDataPlane({ id: 'a', type: 'service', namespace: 'default', name: 'x', serviceType: 'ClusterIP' } as never)).toBe(false);
    expect(needsDataPlane({ id: 'b', type: 'service', namespace: 'default', name: 'x', loadBalancer: { pool: 'pool-01' } } as never)).toBe(true);
  });
});
