// The cluster converges a moment after an action: an EndpointSlice lists a pod a little after the
// pod turns Ready, a Service's status follows its spec. A failing API-level check therefore gets a
// short settle window in which it is run again on every change to what it looks at (watched,
// not polled); it fails only if it still fails when the window closes. A lab command's output or a
// data-plane probe has nothing to watch (kube-proxy programs a new node port or external IP a
// second or two after the API shows it, a CNI a new policy); it is run again after a growing
// pause instead, within the same window. A probe that expects silence (a stopped node, a blocked
// port) settles too, and then must hold: one quiet probe may be a blip, so it passes only once
// the silence has lasted a little while, and an answer in that time fails it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../kube/client.ts';
import type { WaitTarget } from '../../kube/wait.ts';
import type { CheckOutcome } from './types.ts';

/** How long a failing API-level check may wait for the cluster to converge (scaled). */
export const SETTLE_MS = 15_000;

export async function settle(
  client: KubeClient,
  target: WaitTarget,
  first: CheckOutcome,
  rerun: () => Promise<CheckOutcome>,
  opts: { timeoutMs: number; signal: AbortSignal },
): Promise<CheckOutcome> {
  if (first.status !== 'fail') return first;
  let last = first;
  const ac = new AbortController();
  const stop = () => ac.abort();
  opts.signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, opts.timeoutMs);
  timer.unref?.();
  let running: Promise<void> | null = null;
  let again = false;
  const check = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        last = await rerun();
        if (last.status !== 'fail') ac.abort();
      } while (again && !ac.signal.aborted);
      running = null;
    })().catch(() => {
      running = null;
    });
  };
  try {
    while (!ac.signal.aborted) {
      const list = await client.list(target.apiVersion, target.kind, target).catch(() => null);
      if (!list) break;
      check(); // the state may have changed between the first run and the list
      await client
        .watch(target.apiVersion, target.kind, { ...target, resourceVersion: list.resourceVersion, timeoutSeconds: Math.max(1, Math.ceil(opts.timeoutMs / 1000)) }, (type) => {
          if (type !== 'BOOKMARK') check();
        }, ac.signal)
        .catch(() => undefined);
    }
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', stop);
  }
  if (running) await running;
  return last;
}

/** How long a check that expects silence must keep getting none once it first saw it (scaled). */
export const HOLD_MS = 3_000;

/** The pauses between runs of something that cannot be watched: short at first, when most lags end. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 2000;

/**
 * Runs `rerun` again after 250 ms, 500 ms, 1 s, 2 s, 2 s… until `passes` holds or the next pause
 * would end past the window; returns the last result. Never waits beyond the window.
 */
export async function settleWithBackoff<T>(first: T, passes: (t: T) => boolean, rerun: () => Promise<T>, opts: { timeoutMs: number; signal: AbortSignal }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = first;
  for (let pause = FIRST_PAUSE_MS; !passes(last) && !opts.signal.aborted && Date.now() + pause <= deadline; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      await sleep(pause, undefined, { signal: opts.signal });
    } catch {
      break; // cancelled: the caller sees the signal
    }
    last = await rerun();
  }
  return last;
}

export interface Held<T> {
  /** The last result: the one that broke the silence, or the last quiet one. */
  value: T;
  /** unsettled: not quiet within the window; held: quiet throughout the hold; broken: failed during it. */
  phase: 'unsettled' | 'held' | 'broken';
}

/**
 * For a result that should turn quiet and stay quiet: settles with backoff until `passes` holds
 * (leaving room for the hold in the window), then runs again — at least once, after pauses of
 * 250 ms, 500 ms… — until the quiet has lasted `holdMs`. The first result that fails during the
 * hold is returned as broken. The pauses fit in `timeoutMs`; only runs already under way may
 * carry on past it.
 */
export async function settleThenHold<T>(first: T, passes: (t: T) => boolean, rerun: () => Promise<T>, opts: { timeoutMs: number; holdMs: number; signal: AbortSignal }): Promise<Held<T>> {
  const holdMs = Math.min(opts.holdMs, opts.timeoutMs);
  const settled = await settleWithBackoff(first, passes, rerun, { timeoutMs: opts.timeoutMs - holdMs, signal: opts.signal });
  if (!passes(settled)) return { value: settled, phase: 'unsettled' };
  const until = Date.now() + holdMs;
  let last = settled;
  for (let pause = FIRST_PAUSE_MS; !opts.signal.aborted; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    try {
      await sleep(Math.max(0, Math.min(pause, until - Date.now())), undefined, { signal: opts.signal });
    } catch {
      break;
    }
    last = await rerun();
    if (!passes(last)) return { value: last, phase: 'broken' };
    if (Date.now() >= until) break;
  }
  return { value: last, phase: 'held' };
}

/** One result of a series made ahead of time (a client pod's own tries), with its times in seconds. */
export interface Timed<T> {
  startS: number;
  endS: number;
  value: T;
}

export type Judged<T> =
  /** Not decided yet: the series goes on. */
  | { phase: 'pending' }
  /**
   * passed: a result passes (retry); held: quiet, and still quiet at a try that started a hold
   * later (hold); broken: quiet, then an answer within the hold; unsettled: no passing (retry) or
   * quiet (hold) result in the window; short: quiet, but the series ended before the hold did.
   */
  | { phase: 'passed' | 'held' | 'broken' | 'unsettled' | 'short'; value: T; index: number; sinceS: number };

/**
 * settleWithBackoff (retry) and settleThenHold (hold) for results that a client made on its own
 * schedule. Hold: the first quiet result that starts within `windowS - holdS` settles it; every
 * later one must be quiet too, until one that starts `holdS` after the settling one ended.
 * `ended` says that no more results will come.
 */
export function judgeSeries<T>(series: Timed<T>[], passes: (t: T) => boolean, mode: 'retry' | 'hold', opts: { windowS: number; holdS: number; ended: boolean }): Judged<T> {
  const last = series.length - 1;
  const at = (i: number) => series[i] as Timed<T>;
  if (mode === 'retry') {
    const i = series.findIndex((r) => passes(r.value));
    if (i >= 0) return { phase: 'passed', value: at(i).value, index: i, sinceS: at(i).startS };
    return opts.ended && last >= 0 ? { phase: 'unsettled', value: at(last).value, index: last, sinceS: at(last).startS } : { phase: 'pending' };
  }
  const holdS = Math.min(opts.holdS, opts.windowS);
  const k = series.findIndex((r) => passes(r.value) && r.startS <= opts.windowS - holdS);
  if (k < 0) {
    const over = last >= 0 && at(last).startS > opts.windowS - holdS;
    return (opts.ended || over) && last >= 0 ? { phase: 'unsettled', value: at(last).value, index: last, sinceS: at(last).startS } : { phase: 'pending' };
  }
  const until = at(k).endS + holdS;
  for (let j = k + 1; j <= last; j++) {
    if (!passes(at(j).value)) return { phase: 'broken', value: at(j).value, index: j, sinceS: at(k).endS };
    if (at(j).startS >= until) return { phase: 'held', value: at(j).value, index: j, sinceS: at(k).endS };
  }
  return opts.ended ? { phase: 'short', value: at(last).value, index: last, sinceS: at(k).endS } : { phase: 'pending' };
}
