// What a readiness wait cannot see from a Deployment's or DaemonSet's status: the pods' own
// problems. Any image pull error, crash loop or unschedulable pod is named in the progress line
// as soon as the pod's status shows it (a learner should not watch "35% not ready yet" for a
// minute while the cause is one `kubectl describe` away). A failed pull is classified at once
// (pull-failure.ts): the progress line says whether the registry rate-limited the node, has no
// such image, or was never reached. Pulls that cannot succeed by waiting (a rate limit, a missing
// image) stop the install after a few seconds with the class's fix; others get the full grace
// period, because a back-off that clears on the next attempt is normal on a slow network.
import type { LocalizedText } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from './client.ts';
import { summarizeEvents } from './diagnose.ts';
import { type PullFailure, hopeless, pullEventMessages, pullFailureOf } from './pull-failure.ts';
import { type PodProblem, isPullProblem, podProblems } from './readiness.ts';

export interface WatchdogOptions {
  /** How long a pull that waiting cannot fix (rate limit, missing image) may fail before the watchdog trips; the grace period when not given. */
  hopelessGraceMs?: number;
  /** Only pods with these labels. */
  labelSelector?: string;
  /** Only pods with these fields (metadata.name=…). */
  fieldSelector?: string;
  /** Who asks for an image (an add-on's pin, a lab), for the missing-image fix. */
  usedBy?: (image: string) => LocalizedText | undefined;
}

export interface Watchdog {
  /** Rejects when a pod's image pull has failed for longer than the grace period. */
  tripped: Promise<never>;
  /** The latest problem of a pod that still has one (pull, crash loop, unschedulable), for progress messages. */
  current(): string | undefined;
  stop(): void;
}

/** Pure: the progress line for one pod problem. */
function problemLine(namespace: string, p: PodProblem, pull?: PullFailure): string {
  const detail = p.reason === 'Unschedulable' || p.reason === 'CrashLoopBackOff' ? (p.message.split('\n')[0] ?? '').slice(0, 120) : '';
  const cls = pull && pull.class !== 'unknown' ? both(pull.label) : '';
  return `${namespace}/${p.pod}: ${p.reason}${p.image ? ` (${p.image})` : ''}${detail ? ` — ${detail}` : ''}${cls ? ` — ${cls}` : ''}`;
}

/** What the watchdog trips with: the failure (code image-pull), and the classified pull for callers that word it their way. */
export class PullError extends KindlabError {
  constructor(
    readonly pull: PullFailure,
    diagnostics: string[],
  ) {
    super({
      code: 'image-pull',
      message: `${both({ en: `${pull.namespace}/${pull.pod} cannot pull ${pull.image ?? 'its image'}: ${pull.reason}`, zh: `${pull.namespace}/${pull.pod} 无法拉取 ${pull.image ?? '其镜像'}：${pull.reason}` })}${pull.class !== 'unknown' ? ` — ${both(pull.label)}` : ''}`,
      hint: both(pull.hint),
      appHint: both(pull.appHint),
      diagnostics: diagnostics.filter(Boolean),
    });
  }
}

export function watchPullProblems(client: KubeClient, namespace: string, graceMs: number, outer?: AbortSignal, opts: WatchdogOptions = {}): Watchdog {
  const hopelessMs = Math.min(graceMs, opts.hopelessGraceMs ?? graceMs);
  const selector = { ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}), ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}) };
  const classify = (p: PodProblem, events: string[] = []) => {
    const usedBy = p.image ? opts.usedBy?.(p.image) : undefined;
    return pullFailureOf(p, namespace, events, usedBy ? { usedBy } : {});
  };
  const ac = new AbortController();
  const stopAll = () => ac.abort();
  outer?.addEventListener('abort', stopAll, { once: true });
  const firstSeen = new Map<string, number>();
  // Per pod, so that a pod that recovers takes its line with it.
  const lines = new Map<string, string>();
  let latestPod: string | undefined;
  let reject!: (e: PullError) => void;
  const tripped = new Promise<never>((_, rj) => {
    reject = rj;
  });
  tripped.catch(() => undefined);

  const judge = async (pod: KubeObject, deleted = false) => {
    const key = pod.metadata.name;
    const problems = deleted ? [] : podProblems(pod);
    const first = problems[0];
    if (first) {
      lines.set(key, problemLine(namespace, first, isPullProblem(first) ? classify(first) : undefined));
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
    const wait = hopeless(classify(p).class) ? hopelessMs : graceMs;
    const since = firstSeen.get(key) ?? Date.now();
    if (!firstSeen.has(key)) {
      firstSeen.set(key, since);
      // A pod stuck in back-off may not change again for minutes: look again when its grace ends
      // (the short one first: a pull that waiting cannot fix should not wait for the long one).
      for (const ms of new Set([hopelessMs, graceMs])) {
        const t = setTimeout(() => {
          void client
            .get('v1', 'Pod', key, namespace)
            .then((p) => (p && !ac.signal.aborted ? judge(p) : undefined))
            .catch(() => undefined);
        }, ms + 10);
        t.unref?.();
        ac.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
      }
    }
    if (Date.now() - since < wait) return;
    const events = await client.list('v1', 'Event', { namespace, fieldSelector: `involvedObject.name=${key}` }).catch(() => null);
    if (ac.signal.aborted) return;
    const evLines = events ? summarizeEvents(events.items, 4) : [];
    const f = classify(p, events ? pullEventMessages(events.items, key) : []);
    ac.abort();
    reject(new PullError(f, [p.message, ...evLines]));
  };

  void (async () => {
    while (!ac.signal.aborted) {
      try {
        const list = await client.list('v1', 'Pod', { namespace, ...selector });
        for (const p of list.items) await judge(p);
        await client.watch('v1', 'Pod', { namespace, ...selector, resourceVersion: list.resourceVersion, timeoutSeconds: Math.max(5, Math.ceil(graceMs / 1000)) }, (type, obj) => {
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
