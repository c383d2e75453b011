// Waiting for a state that spans several kinds of object (a node and the pods on it; CoreDNS's
// Deployment, its pods, their nodes and the kube-dns EndpointSlices): every change to any
// watched target makes `evaluate` look again, so the wait ends the moment the state holds.
// `evaluate` reads what it needs itself; changes that arrive while it runs make it run once
// more afterwards. A slow re-check covers what the watched kinds do not show (an add-on's health
// also reads objects nobody watches here). Bounded, cancellable, never a fixed sleep.
import { KindlabError, errorText, isCancellation } from '../errors.ts';
import type { KubeClient } from './client.ts';
import { type Verdict, type WaitOptions, type WaitTarget, pause, waitFailure } from './wait.ts';

export interface WatchUntilOptions extends WaitOptions {
  /** Look again after this long without a change (default 5 s): a bounded retry behind the watches. */
  recheckMs?: number;
}


/** Lists and watches one target for as long as `signal` lives, calling `changed` on every event. */
async function follow(client: KubeClient, target: WaitTarget, changed: () => void, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      if (!(await client.served(target.apiVersion, target.kind))) {
        await pause(1000, signal);
        changed();
        continue;
      }
      const { resourceVersion } = await client.list(target.apiVersion, target.kind, target);
      changed();
      await client.watch(target.apiVersion, target.kind, { ...target, resourceVersion, timeoutSeconds: 60 }, (type) => type !== 'BOOKMARK' && changed(), signal);
    } catch {
      // The API may be away for a moment (a node restarting); `evaluate` reports it, we retry.
      await pause(500, signal);
    }
  }
}

/** The API did not answer: not done yet, and worth another look rather than a failure. */
function transient(err: unknown): boolean {
  return err instanceof KindlabError && err.failure.code === 'kube-api';
}

/**
 * Runs `evaluate` now and after every change to `targets`, until it says done; returns that verdict.
 * On timeout it throws a `timeout` failure naming `what` and the last verdict's message.
 */
export async function watchUntil(client: KubeClient, targets: WaitTarget[], evaluate: () => Promise<Verdict>, opts: WatchUntilOptions): Promise<Verdict> {
  const local = new AbortController();
  const onAbort = () => local.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => local.abort(), opts.timeoutMs);
  timer.unref?.();
  let dirty = true;
  let wake: (() => void) | null = null;
  const changed = () => {
    dirty = true;
    wake?.();
  };
  const followers = targets.map((t) => follow(client, t, changed, local.signal));
  let last: Verdict = { done: false };
  try {
    while (!local.signal.aborted) {
      if (!dirty) {
        const idle = new AbortController();
        const end = () => idle.abort();
        wake = end;
        local.signal.addEventListener('abort', end, { once: true });
        await pause(opts.recheckMs ?? 5000, idle.signal);
        local.signal.removeEventListener('abort', end);
        wake = null;
        // Woken by a change, by the re-check or by the end: in the first two cases, look again.
        dirty = true;
        continue;
      }
      dirty = false;
      try {
        last = await evaluate();
      } catch (err) {
        if (isCancellation(err) || !transient(err)) throw err;
        last = { done: false, message: errorText(err) };
      }
      opts.onProgress?.(last);
      if (last.done) return last;
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    local.abort();
    await Promise.allSettled(followers);
  }
  throw await waitFailure(opts, last);
}
