import { describe, expect, it } from 'vitest';
import { FakeKubeClient } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { canaryWorld, containerCommand } from '../../../../test/fakes/engine/labs/worlds.ts';
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
    const r = await policyCanaryChecker.run(check, { ...checkContext(client), timeoutScale: 0.1 });
    expect(r).toMatchObject({ status: 'fail', layer: 'cni' });
    expect(r.hint).toMatch(/Calico/);
    // it retried before giving up (policies take a moment to be programmed): server, before, and more than one after
    expect(client.calls.filter((c) => c.verb === 'create' && c.kind === 'Pod').length).toBeGreaterThan(1 + 1 + 1);
    expect(client.all('Namespace')).toEqual([]);
    expect(client.all('Pod')).toEqual([]);
  });

  it('passes on a CNI that rejects instead of dropping (kube-router): the server answered a moment before', async () => {
    const client = canaryWorld(true, new FakeKubeClient(), 'reject');
    const r = await policyCanaryChecker.run(check, checkContext(client));
    expect(r.status).toBe('pass');
    expect(r.observed).toMatch(/with deny-all: refused: this CNI rejects what a policy denies/);
    expect(client.all('Namespace')).toEqual([]);
  });

  /** A CNI whose n-th probe after deny-all is open or dropped, as `after(n)` says. */
  const programming = (after: (n: number) => 'open' | 'drop') => {
    const client = new FakeKubeClient();
    let n = 0;
    return client.scriptPods((pod) => {
      if (pod.metadata.name === 'canary-server') return { ready: true, podIP: '10.240.1.50' };
      if (containerCommand(pod)[0] !== 'nc') return undefined;
      const state = client.all('NetworkPolicy').length ? after(++n) : 'open';
      return state === 'open'
        ? { phase: 'Succeeded', log: 'Connection to 10.240.1.50 80 port [http] succeeded!' }
        : { phase: 'Failed', exitCode: 1, log: 'nc: connect to 10.240.1.50 port 80 (tcp) timed out: Operation now in progress' };
    });
  };

  it('waits for the CNI to program deny-all, then holds the block', async () => {
    const client = programming((n) => (n <= 2 ? 'open' : 'drop'));
    const r = await policyCanaryChecker.run(check, { ...checkContext(client), timeoutScale: 0.1 });
    expect(r.status).toBe('pass');
    expect(client.all('Pod')).toEqual([]);
  });

  it('fails when the connection gets through again during the hold', async () => {
    const r = await policyCanaryChecker.run(check, { ...checkContext(programming((n) => (n === 1 ? 'drop' : 'open'))), timeoutScale: 0.1 });
    expect(r).toMatchObject({ status: 'fail', layer: 'cni' });
    expect(r.observed).toMatch(/stopped at first, then the connection was accepted/);
  });
});
