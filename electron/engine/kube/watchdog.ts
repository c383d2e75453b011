// What a readiness wait cannot see from a Deployment's or DaemonSet's status: the pods' own
// problems. Any image pull error, crash loop or unschedulable pod is named in the progress line
// as soon as the pod's status shows it (a learner should not watch "35% not ready yet" for a
// minute while the cause is one `kubectl describe` away). Image pulls that keep failing stop the
// install early with the registry's own message (rate limit, image moved) instead of letting the
// wait run into its timeout; pods get a grace period, because a back-off that clears on the next
// attempt is normal.
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import { classifyStderr } from '../tools/hints.ts';
import type { KubeClient, KubeObject } from './client.ts';
import { summarizeEvents } from './diagnose.ts';
import { type PodProblem, isPullProblem, podProblems } from './readiness.ts';

export interface Watchdog {
  /** Rejects when a pod's image pull has failed for longer than the grace period. */
  tripped: Promise<never>;
  /** The latest problem of a pod that still has one (pull, crash loop, unschedulable), for progress messages. */
  current(): string | undefined;
  stop(): void;
}

/** Pure: the progress line for one pod problem. */
function problemLine(namespace: string, p: PodProblem): string {
  const detail = p.reason === 'Unschedulable' || p.reason === 'CrashLoopBackOff' ? (p.message.split('\n')[0] ?? '').slice(0, 120) : '';
  return `${namespace}/${p.pod}: ${p.reason}${p.image ? ` (${p.image})` : ''}${detail ? ` — ${detail}` : ''}`;
}

export function watchPullProblems(client: KubeClient, namespace: string, graceMs: number, outer?: AbortSignal): Watchdog {
  const ac = new AbortController();
  const stopAll = () => ac.abort();
  outer?.addEventListener('abort', stopAll, { once: true });
  const firstSeen = new Map<string, number>();
  // Per pod, so that a pod that recovers takes its line with it.
  const lines = new Map<string, string>();
  let latestPod: string | undefined;
  let reject!: (e: KindlabError) => void;
  const tripped = new Promise<never>((_, rj) => {
    reject = rj;
  });
  tripped.catch(() => undefined);

  const judge = async (pod: KubeObject, deleted = false) => {
    const key = pod.metadata.name;
    const problems = deleted ? [] : podProblems(pod);
    const first = problems[0];
    if (first) {
      lines.set(key, problemLine(namespace, first));
      latestPod = key;
    } else {
      lines.delete(key);
    }
    const pulls = problems.filter(isPullProblem);
    if (pulls.length === 0) {
      firstSeen.delete(key);
      return;
    }
    const p = pulls[0];
    if (!p) return;
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
        hint: both(cls?.code === 'image-pull'
            ? cls.hint
            : {
                en: 'The node cannot pull this image. Check the internet connection and proxy of the container engine; a rate limit (toomanyrequests) clears after an hour or with `docker login`.',
                zh: '节点无法拉取这个镜像。请检查容器引擎的网络连接和代理；限流（toomanyrequests）一小时后会解除，或先运行 `docker login`。',
              }),
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
          if (type !== 'BOOKMARK') void judge(obj, type === 'DELETED');
        }, ac.signal);
      } catch {
        if (ac.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    tripped,
    current: () => (latestPod && lines.get(latestPod)) ?? [...lines.values()].at(-1),
    stop: () => {
      ac.abort();
      outer?.removeEventListener('abort', stopAll);
    },
  };
}
