// Applying a set of objects the way a careful operator would: CRDs first and waited for until
// Established, namespaces before what lives in them, server-side apply for everything (idempotent,
// no annotation size limit), and a bounded retry with backoff when an admission webhook is not
// serving yet ("failed calling webhook", "no endpoints available").
import { KindlabError, cancelled, throwIfCancelled } from '../errors.ts';
import { both } from '../i18n/text.ts';
import { KubeApiError, type KubeClient, type KubeObject } from '../kube/client.ts';
import { crdEstablished } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';

export interface ApplyOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
  onProgress?: (fraction: number, message: string) => void;
  /** Bound for webhook retries; default 90 s. */
  webhookRetryMs?: number;
  /** Bound for CRDs to become Established; default 60 s. */
  crdTimeoutMs?: number;
  fieldManager?: string;
}

const KIND_ORDER = ['CustomResourceDefinition', 'Namespace', 'ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'Secret', 'ConfigMap', 'Service'];

function rank(o: KubeObject): number {
  const i = KIND_ORDER.indexOf(o.kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function orderForApply(objs: KubeObject[]): KubeObject[] {
  return objs.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
}

function isWebhookNotReady(err: unknown): boolean {
  return err instanceof KubeApiError && /failed calling webhook|no endpoints available for service|connection refused.*webhook|webhook.*connection refused/i.test(err.message);
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(cancelled());
      },
      { once: true },
    );
  });
}

/** Server-side apply of one object, retrying webhook refusals with exponential backoff. */
export async function applyWithWebhookRetry(client: KubeClient, obj: KubeObject, opts: ApplyOptions = {}): Promise<KubeObject> {
  const bound = opts.webhookRetryMs ?? 90_000;
  const deadline = Date.now() + bound;
  // Backoff in proportion to the bound (the tests shrink every bound), 0.5 s to 8 s by default.
  const maxDelay = Math.min(8000, bound / 4);
  let delay = Math.min(500, Math.max(10, bound / 40));
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(opts.signal);
    try {
      return await client.apply(obj, { fieldManager: opts.fieldManager ?? 'kindlab', ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (!isWebhookNotReady(err) || Date.now() + delay > deadline) {
        if (isWebhookNotReady(err)) {
          throw new KindlabError({
            code: 'webhook-not-ready',
            message: both({
                en: `${obj.kind} ${obj.metadata.name}: the admission webhook still refused after ${attempt} attempts (${Math.round(bound / 1000)} s)`,
                zh: `${obj.kind} ${obj.metadata.name}：尝试 ${attempt} 次（${Math.round(bound / 1000)} 秒）后，准入 Webhook 仍然拒绝请求`,
              }),
            hint: both({
                en: 'The add-on that serves this webhook is not answering. Check its pods with `kindlab status`; `kindlab up` retries.',
                zh: '提供该 Webhook 的插件没有响应。请用 `kindlab status` 检查它的 Pod；`kindlab up` 会重试。',
              }),
            diagnostics: [(err as Error).message],
          });
        }
        throw err;
      }
      opts.log?.(`${obj.kind} ${obj.metadata.name}: webhook not ready (attempt ${attempt}), retrying in ${(delay / 1000).toFixed(1)} s`);
      await wait(delay, opts.signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** Applies objects in dependency order; waits for CRDs to be Established before the rest. */
export async function applyAll(client: KubeClient, objs: KubeObject[], opts: ApplyOptions = {}): Promise<void> {
  const ordered = orderForApply(objs);
  const crds = ordered.filter((o) => o.kind === 'CustomResourceDefinition');
  const rest = ordered.filter((o) => o.kind !== 'CustomResourceDefinition');
  let done = 0;
  const total = ordered.length + (crds.length ? 1 : 0);
  const tick = (what: string) => {
    done++;
    opts.onProgress?.(done / total, what);
  };

  // CRDs are independent of each other: apply a few at a time.
  const queue = [...crds];
  const workers = Array.from({ length: Math.min(4, queue.length) }, async () => {
    for (let o = queue.shift(); o; o = queue.shift()) {
      throwIfCancelled(opts.signal);
      await client.apply(o, { fieldManager: opts.fieldManager ?? 'kindlab', ...(opts.signal ? { signal: opts.signal } : {}) });
      tick(`CRD ${o.metadata.name}`);
    }
  });
  await Promise.all(workers);
  if (crds.length > 0) {
    const names = new Set(crds.map((c) => c.metadata.name));
    await waitFor(
      client,
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
      (list) => {
        const mine = list.filter((c) => names.has(c.metadata.name));
        const ok = mine.filter(crdEstablished).length;
        return { done: ok === names.size, fraction: ok / names.size, message: both({ en: `${ok}/${names.size} CRDs established`, zh: `${ok}/${names.size} 个 CRD 已就绪（Established）` }) };
      },
      {
        timeoutMs: opts.crdTimeoutMs ?? 60_000,
        what: both({ en: 'custom resource definitions', zh: '自定义资源定义（CRD）' }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    tick(both({ en: 'CRDs established', zh: 'CRD 已就绪（Established）' }));
  }
  for (const o of rest) {
    await applyWithWebhookRetry(client, o, opts);
    tick(`${o.kind} ${o.metadata.name}`);
  }
}
