// Image pulls that keep failing should stop an install early with the registry's own message
// (rate limit, image moved) instead of letting a readiness wait run into its timeout. Pods get a
// grace period, because a back-off that clears on the next attempt is normal.
import type { Lang } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { pick } from '../i18n/text.ts';
import { classifyStderr } from '../tools/hints.ts';
import type { KubeClient, KubeObject } from './client.ts';
import { summarizeEvents } from './diagnose.ts';
import { isPullProblem, podProblems } from './readiness.ts';

export interface Watchdog {
  /** Rejects when a pod's image pull has failed for longer than the grace period. */
  tripped: Promise<never>;
  /** Latest problem line, for progress messages. */
  current(): string | undefined;
  stop(): void;
}

export function watchPullProblems(client: KubeClient, namespace: string, graceMs: number, outer?: AbortSignal, lang: Lang = 'en'): Watchdog {
  const ac = new AbortController();
  const stopAll = () => ac.abort();
  outer?.addEventListener('abort', stopAll, { once: true });
  const firstSeen = new Map<string, number>();
  let latest: string | undefined;
  let reject!: (e: KindlabError) => void;
  const tripped = new Promise<never>((_, rj) => {
    reject = rj;
  });
  tripped.catch(() => undefined);

  const judge = async (pod: KubeObject) => {
    const pulls = podProblems(pod).filter(isPullProblem);
    const key = pod.metadata.name;
    if (pulls.length === 0) {
      firstSeen.delete(key);
      return;
    }
    const p = pulls[0];
    if (!p) return;
    latest = `${p.pod}: ${p.reason}${p.image ? ` (${p.image})` : ''}`;
    const since = firstSeen.get(key) ?? Date.now();
    if (!firstSeen.has(key)) {
      firstSeen.set(key, since);
      // A pod stuck in back-off may not change again for minutes: look again when its grace ends.
      const t = setTimeout(() => {
        void client
          .get('v1', 'Pod', key, namespace)
          .then((p) => (p && !ac.signal.aborted ? judge(p) : undefined))
          .catch(() => undefined);
      }, graceMs + 10);
      t.unref?.();
      ac.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
    }
    if (Date.now() - since < graceMs) return;
    const events = await client.list('v1', 'Event', { namespace, fieldSelector: `involvedObject.name=${key}` }).catch(() => null);
    const evLines = events ? summarizeEvents(events.items, 4) : [];
    const text = [p.message, ...evLines].join('\n');
    const cls = classifyStderr(text);
    ac.abort();
    reject(
      new KindlabError({
        code: 'image-pull',
        message: `${namespace}/${p.pod} cannot pull ${p.image ?? 'its image'}: ${p.reason}`,
        hint: pick(
          cls?.code === 'image-pull'
            ? cls.hint
            : {
                en: 'The node cannot pull this image. Check the internet connection and proxy of the container engine; a rate limit (toomanyrequests) clears after an hour or with `docker login`.',
                zh: '节点无法拉取这个镜像。请检查容器引擎的网络连接和代理；限流（toomanyrequests）一小时后会解除，或先运行 `docker login`。',
              },
          lang,
        ),
        diagnostics: [p.message, ...evLines].filter(Boolean),
      }),
    );
  };

  void (async () => {
    while (!ac.signal.aborted) {
      try {
        const list = await client.list('v1', 'Pod', { namespace });
        for (const p of list.items) await judge(p);
        await client.watch('v1', 'Pod', { namespace, resourceVersion: list.resourceVersion, timeoutSeconds: Math.max(5, Math.ceil(graceMs / 1000)) }, (type, obj) => {
          if (type !== 'DELETED' && type !== 'BOOKMARK') void judge(obj);
        }, ac.signal);
      } catch {
        if (ac.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    tripped,
    current: () => latest,
    stop: () => {
      ac.abort();
      outer?.removeEventListener('abort', stopAll);
    },
  };
}
