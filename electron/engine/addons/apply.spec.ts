import { describe, expect, it } from 'vitest';
import { type FailureIn, failureIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { KubeApiError, type KubeClient, type KubeObject } from '../kube/client.ts';
import { applyWithWebhookRetry } from './apply.ts';

const pool: KubeObject = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'pool-01', namespace: 'metallb-system' } };
const refusing = {
  apply: async () => {
    throw new KubeApiError(500, 'InternalError', 'Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io"', 'PATCH', '/apis/metallb.io/v1beta1');
  },
} as unknown as KubeClient;

/** The failure, read in `lang` (it carries both languages). */
async function refusal(lang: 'en' | 'zh' = 'en'): Promise<FailureIn> {
  const err = await applyWithWebhookRetry(refusing, pool, { webhookRetryMs: 40 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  expect((err as KindlabError).failure.code).toBe('webhook-not-ready');
  return failureIn((err as KindlabError).failure, lang);
}

describe('a webhook that keeps refusing', () => {
  it('is reported in English by default and with lang en', async () => {
    for (const f of [await refusal(), await refusal('en')]) {
      expect(f.message).toMatch(/^IPAddressPool pool-01: the admission webhook still refused after \d+ attempts \(0 s\)$/);
      expect(f.hint).toMatch(/^The add-on that serves this webhook is not answering/);
    }
  });

  it('is reported in Chinese with lang zh, the API message kept as a diagnostic', async () => {
    const f = await refusal('zh');
    expect(f.message).toMatch(/^IPAddressPool pool-01：尝试 \d+ 次（0 秒）后，准入 Webhook 仍然拒绝请求$/);
    expect(f.hint).toMatch(/kindlab status/);
    expect(f.diagnostics?.[0]).toMatch(/failed calling webhook/);
  });
});
