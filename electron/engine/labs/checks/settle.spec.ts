import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient } from '../testing/fake-kube.ts';
import { checkContext } from '../testing/harness.ts';
import { runCheck } from './registry.ts';

const slice = (addresses: string[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
  ports: [{ port: 80, protocol: 'TCP' }],
} as KubeObject);

const check = { id: 'three', type: 'endpoints' as const, namespace: 'default', service: 'web', addresses: 3, ports: [80] };

describe('settle window', () => {
  it('passes a check whose object catches up a moment later (watched, not polled)', async () => {
    const client = new FakeKubeClient([slice(['10.240.1.5'])]);
    const ctx = { ...checkContext(client), timeoutScale: 1 };
    setTimeout(() => void client.apply(slice(['10.240.1.5', '10.240.1.6', '10.240.1.7'])), 100);
    const t0 = Date.now();
    const r = await runCheck(check, ctx, true);
    expect(r.status).toBe('pass');
    expect(r.observed).toMatch(/3 ready address/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('still fails, with the last observation, when nothing changes within the window', async () => {
    const client = new FakeKubeClient([slice(['10.240.1.5'])]);
    const r = await runCheck(check, { ...checkContext(client), timeoutScale: 0.01 }, true);
    expect(r.status).toBe('fail');
    expect(r.observed).toMatch(/1 ready address/);
  });
});
