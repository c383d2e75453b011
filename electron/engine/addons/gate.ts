// Every add-on waits the same way: watched readiness waits, raced against watchdogs on the
// namespaces whose pods they wait for, so that a pod's own problem (an image that cannot be pulled,
// a crash loop, a pod that fits on no node) shows in the progress line at once, and a pull that
// keeps failing ends the install with the registry's message instead of a timeout: after a few
// seconds when waiting cannot fix it (a rate limit, an image the registry does not have), naming
// the add-on pin that asks for a missing image.
import { pinnedBy } from '../kube/pull-failure.ts';
import { watchPullProblems } from '../kube/watchdog.ts';
import { type AddonContext, seconds } from './types.ts';

export interface Gate {
  /** The current pod problem in the watched namespaces, if any. */
  problem(): string | undefined;
  /** Resolves with `work`, or rejects as soon as a watchdog trips. */
  race<T>(work: Promise<T>): Promise<T>;
  /** A progress callback for waitFor that prefers the pod problem over the wait's own line. */
  progress(from: number, span: number): (v: { fraction?: number; message?: string }) => void;
}

export async function gated<T>(ctx: AddonContext, namespaces: readonly string[], body: (gate: Gate) => Promise<T>): Promise<T> {
  const opts = { hopelessGraceMs: seconds(ctx, 5), usedBy: (image: string) => pinnedBy(ctx.pins, image) };
  const dogs = namespaces.map((ns) => watchPullProblems(ctx.client, ns, seconds(ctx, 120), ctx.signal, opts));
  const problem = () => dogs.map((d) => d.current()).find((p) => p !== undefined);
  const tripped = Promise.race(dogs.map((d) => d.tripped));
  const gate: Gate = {
    problem,
    race: (work) => Promise.race([work, tripped]),
    progress: (from, span) => (v) => ctx.progress(from + span * (v.fraction ?? 0), problem() ?? v.message ?? ''),
  };
  try {
    return await body(gate);
  } finally {
    for (const d of dogs) d.stop();
  }
}
