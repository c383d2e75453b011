import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient } from './client.ts';
import { waitFor } from './wait.ts';

// A kind that is never served: waitFor judges an empty list until its bound runs out.
const client = { served: async () => false } as unknown as KubeClient;
const judge = () => ({ done: false, fraction: 0, message: both({ en: 'pod x not created yet', zh: 'pod x 尚未创建' }) });

async function timeoutOf(opts: Partial<Parameters<typeof waitFor>[3]>): Promise<KindlabError> {
  const err = await waitFor(client, { apiVersion: 'v1', kind: 'Pod' }, judge, { timeoutMs: 30, what: 'the pod', ...opts }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  expect((err as KindlabError).failure.code).toBe('timeout');
  return err as KindlabError;
}

describe('waitFor timeout message', () => {
  it('is in English', async () => {
    const f = (await timeoutOf({})).failure;
    expect(textIn(f.message, 'en')).toBe('the pod: not done after 0 s (pod x not created yet)');
    expect(textIn(f.hint, 'en')).toBe('See the diagnostics below for the first thing that is stuck.');
  });

  it('and in Chinese, all of it (the judge’s progress too)', async () => {
    const f = (await timeoutOf({ what: 'Pod x' })).failure;
    expect(textIn(f.message, 'zh')).toBe('Pod x：0 秒后仍未完成（pod x 尚未创建）');
    expect(textIn(f.hint, 'zh')).toMatch(/诊断信息/);
  });

  it('keeps a caller’s own hint', async () => {
    expect((await timeoutOf({ hint: '自定义提示' })).failure.hint).toBe('自定义提示');
  });
});
