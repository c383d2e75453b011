import { describe, expect, it } from 'vitest';
import { KindlabError } from '../errors.ts';
import type { KubeClient } from './client.ts';
import { waitFor } from './wait.ts';

// A kind that is never served: waitFor judges an empty list until its bound runs out.
const client = { served: async () => false } as unknown as KubeClient;
const judge = () => ({ done: false, fraction: 0, message: 'pod x not created yet' });

async function timeoutOf(opts: Partial<Parameters<typeof waitFor>[3]>): Promise<KindlabError> {
  const err = await waitFor(client, { apiVersion: 'v1', kind: 'Pod' }, judge, { timeoutMs: 30, what: 'the pod', ...opts }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  expect((err as KindlabError).failure.code).toBe('timeout');
  return err as KindlabError;
}

describe('waitFor timeout message', () => {
  it('is English by default and with lang en', async () => {
    for (const f of [(await timeoutOf({})).failure, (await timeoutOf({ lang: 'en' })).failure]) {
      expect(f.message).toBe('the pod: not done after 0 s (pod x not created yet)');
      expect(f.hint).toBe('See the diagnostics below for the first thing that is stuck.');
    }
  });

  it('is Chinese with lang zh', async () => {
    const f = (await timeoutOf({ lang: 'zh', what: 'Pod x' })).failure;
    expect(f.message).toBe('Pod x：0 秒后仍未完成（pod x not created yet）');
    expect(f.hint).toMatch(/诊断信息/);
  });

  it('keeps a caller’s own hint', async () => {
    expect((await timeoutOf({ lang: 'zh', hint: '自定义提示' })).failure.hint).toBe('自定义提示');
  });
});
