// Waiting on the cluster by watching the API, never by sleeping: list once, judge the state,
// then re-judge on every watch event until the condition holds, the bound runs out, or the
// operation is cancelled. A watch that the server closes is resumed from the last version.
import { KindlabError, cancelled } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject, ListOptions } from './client.ts';

export interface Verdict {
  done: boolean;
  /** 0..1, for progress bars. */
  fraction?: number;
  /** One line on where things stand, e.g. "2/3 pods ready". */
  message?: string;
}

export interface WaitTarget extends ListOptions {
  apiVersion: string;
  kind: string;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (v: Verdict) => void;
  /** What the wait is for, e.g. "Calico nodes ready"; used in the timeout message. */
  what: string;
  /** Called on timeout to explain why: events, pod states, last log lines. */
  diagnose?: () => Promise<string[]>;
  hint?: string;
}

/**
 * Watches `target` until `judge(objects)` says done. Returns the objects at that moment.
 * Objects that the kind does not yet serve (a CRD still being established) count as an empty list.
 */
export async function waitFor(client: KubeClient, target: WaitTarget, judge: (objs: KubeObject[]) => Verdict, opts: WaitOptions): Promise<KubeObject[]> {
  const deadline = Date.now() + opts.timeoutMs;
  const local = new AbortController();
  const onAbort = () => local.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => local.abort(), opts.timeoutMs);
  timer.unref?.();
  let last: Verdict = { done: false };
  const state = new Map<string, KubeObject>();
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const evaluate = (): boolean => {
    last = judge([...state.values()]);
    opts.onProgress?.(last);
    return last.done;
  };

  try {
    while (!local.signal.aborted) {
      if (!(await client.served(target.apiVersion, target.kind).catch(() => false))) {
        // The kind is not served yet (its CRD is still being established): judge an empty world
        // and ask discovery again after a short pause — discovery offers nothing to watch.
        state.clear();
        if (evaluate()) return [];
        await pause(500, local.signal);
        continue;
      }
      const { items, resourceVersion } = await client.list(target.apiVersion, target.kind, target);
      state.clear();
      for (const o of items) state.set(key(o), o);
      if (evaluate()) return [...state.values()];
      let finished = false;
      const watchAbort = new AbortController();
      const stopWatch = () => watchAbort.abort();
      local.signal.addEventListener('abort', stopWatch, { once: true });
      try {
        await client.watch(
          target.apiVersion,
          target.kind,
          { ...target, resourceVersion, timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)) },
          (type, obj) => {
            if (finished || type === 'BOOKMARK') return;
            if (type === 'DELETED') state.delete(key(obj));
            else state.set(key(obj), obj);
            if (evaluate()) {
              finished = true;
              watchAbort.abort();
            }
          },
          watchAbort.signal,
        );
      } catch (err) {
        // A broken or expired watch (410 Gone) is resumed by listing again.
        if (local.signal.aborted) break;
        if (!(err instanceof KindlabError) || err.failure.code !== 'kube-api') throw err;
        await pause(300, local.signal);
      } finally {
        local.signal.removeEventListener('abort', stopWatch);
      }
      if (finished) return [...state.values()];
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }

  throw await waitFailure(opts, last);
}

/**
 * Why a bounded wait ended without its condition: a cancellation, or a timeout that says what it
 * waited for, where things stood, and the diagnostics. Shared by every watched wait.
 */
export async function waitFailure(opts: WaitOptions, last: Verdict): Promise<KindlabError> {
  if (opts.signal?.aborted) return cancelled();
  const diagnostics = opts.diagnose
    ? await opts.diagnose().catch((e: unknown) => [both({ en: `(could not collect diagnostics: ${String(e)})`, zh: `（无法收集诊断信息：${String(e)}）` })])
    : [];
  const secs = Math.round(opts.timeoutMs / 1000);
  return new KindlabError({
    code: 'timeout',
    message: both({
      en: `${opts.what}: not done after ${secs} s${last.message ? ` (${last.message})` : ''}`,
      zh: `${opts.what}：${secs} 秒后仍未完成${last.message ? `（${last.message}）` : ''}`,
    }),
    hint: opts.hint ?? both({ en: 'See the diagnostics below for the first thing that is stuck.', zh: '请查看下方的诊断信息，找出第一个卡住的环节。' }),
    diagnostics,
  });
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects), leaving no listener behind. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
