// An admission webhook answers only once its Service has a ready endpoint: the add-ons wait for
// that (by watching the Service's EndpointSlices) before anything is applied through them, and
// their health checks ask the same question.
import { both } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { readyAddresses } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';

const slicesOf = (namespace: string, service: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  namespace,
  labelSelector: `kubernetes.io/service-name=${service}`,
});

export async function webhookServiceReady(client: KubeClient, namespace: string, service: string): Promise<boolean> {
  const s = await client.list('discovery.k8s.io/v1', 'EndpointSlice', slicesOf(namespace, service));
  return readyAddresses(s.items).length > 0;
}

export async function waitForWebhookService(
  client: KubeClient,
  namespace: string,
  service: string,
  opts: { what: string; timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  await waitFor(
    client,
    slicesOf(namespace, service),
    (s) => {
      const n = readyAddresses(s).length;
      return {
        done: n > 0,
        fraction: n > 0 ? 1 : 0,
        message: n > 0 ? both({ en: 'webhook ready', zh: 'Webhook 已就绪' }) : both({ en: 'webhook has no ready endpoint yet', zh: 'Webhook 还没有就绪的端点' }),
      };
    },
    { timeoutMs: opts.timeoutMs, what: opts.what, diagnose: () => diagnose(client, { namespace }), ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}
