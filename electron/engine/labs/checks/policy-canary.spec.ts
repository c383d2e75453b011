import { describe, expect, it } from 'vitest';
import { checkContext } from '../testing/harness.ts';
import { canaryWorld } from '../testing/worlds.ts';
import { policyCanaryChecker } from './policy-canary.ts';

const check = { id: 'canary', type: 'policyCanary' as const };

describe('policyCanary', () => {
  it('passes when deny-all blocks what was open, and removes its namespace', async () => {
    const client = canaryWorld(true);
    const r = await policyCanaryChecker.run(check, checkContext(client));
    expect(r.status).toBe('pass');
    expect(r.observed).toContain('with deny-all: no answer');
    expect(client.all('Namespace')).toEqual([]);
    const ns = client.calls.find((c) => c.kind === 'Namespace')?.name ?? '';
    expect(ns).toMatch(/^kindlab-canary-[0-9a-f]{6}$/);
  });

  it('fails at the CNI layer when the policy is not enforced', async () => {
    const client = canaryWorld(false);
    const r = await policyCanaryChecker.run(check, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'cni' });
    expect(r.hint).toMatch(/Calico/);
    // it retried before giving up (policies take a moment to be programmed)
    expect(client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod').length).toBe(1 + 1 + 3);
    expect(client.all('Namespace')).toEqual([]);
  });
});
