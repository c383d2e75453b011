import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { KubeApiError } from './client.ts';
import { watchUntil } from './watch-until.ts';

const pod = (name: string, ready: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'kube-system' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const node = (ready: boolean) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });

describe('watchUntil', () => {
  it('looks again on a change to any watched kind and ends as soon as the state holds', async () => {
    const client = new FakeKubeClient([pod('a', false), node(false)]);
    let looks = 0;
    const evaluate = async () => {
      looks++;
      const p = await client.get('v1', 'Pod', 'a', 'kube-system');
      const n = await client.get('v1', 'Node', 'n1');
      const ok = (o: typeof p) => JSON.stringify(o).includes('"status":"True"');
      return { done: ok(p) && ok(n), message: `pod ${ok(p)}, node ${ok(n)}` };
    };
    const started = Date.now();
    const waiting = watchUntil(client, [{ apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'v1', kind: 'Node' }], evaluate, { timeoutMs: 5000, what: 'both', recheckMs: 60_000 });
    setTimeout(() => client.update(pod('a', true)), 20);
    setTimeout(() => client.update(node(true)), 40);
    const v = await waiting;
    expect(v).toMatchObject({ done: true, message: 'pod true, node true' });
    // Woken by the watches, not by the (one minute) re-check.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(looks).toBeGreaterThanOrEqual(2);
  });

  it('re-checks after a quiet spell what no watch shows', async () => {
    let n = 0;
    const v = await watchUntil(new FakeKubeClient(), [{ apiVersion: 'v1', kind: 'Pod' }], async () => ({ done: ++n >= 3 }), { timeoutMs: 5000, what: 'x', recheckMs: 10 });
    expect(v.done).toBe(true);
    expect(n).toBe(3);
  });

  it('treats an API that does not answer as not done yet', async () => {
    let n = 0;
    const v = await watchUntil(
      new FakeKubeClient(),
      [],
      async () => {
        if (++n === 1) throw new KubeApiError(0, 'Unreachable', 'connect ECONNREFUSED 127.0.0.1:6443', 'GET', '/api/v1/nodes');
        return { done: true };
      },
      { timeoutMs: 5000, what: 'x', recheckMs: 10 },
    );
    expect(v.done).toBe(true);
  });

  it('runs out with a timeout in both of the learner’s languages, naming the last state', async () => {
    const err = await watchUntil(new FakeKubeClient(), [{ apiVersion: 'v1', kind: 'Node' }], async () => ({ done: false, message: 'still NotReady' }), { timeoutMs: 50, what: 'the node', recheckMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlabError);
    for (const [lang, text] of [
      ['en', 'the node: not done after 0 s (still NotReady)'],
      ['zh', 'the node：0 秒后仍未完成（still NotReady）'],
    ] as const) {
      expect((err as KindlabError).failure.code).toBe('timeout');
      expect(textIn((err as KindlabError).failure.message, lang)).toBe(text);
    }
  });

  it('is cancelled by its signal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const err = await watchUntil(new FakeKubeClient(), [{ apiVersion: 'v1', kind: 'Node' }], async () => ({ done: false }), { timeoutMs: 5000, what: 'x', signal: ac.signal }).catch((e: unknown) => e);
    expect((err as KindlabError).failure.code).toBe('cancelled');
  });
});
