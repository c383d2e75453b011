// A lab's wait for a workload or a pod should not sit out its whole bound while the pods cannot
// pull their image: a rate limit or an image the registry does not have is reported within
// seconds, with the pull's class and its fix, worded for whoever reads the lab's output (the
// window and the command line alike). A pull that fails on the network is left to the wait: it
// may still succeed, and the wait's own timeout collects the diagnostics.
import { KindlabError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { PullError, watchPullProblems } from '../kube/watchdog.ts';
import type { Say } from './say.ts';

/** How long a hopeless pull may fail before the wait stops (scaled). */
const HOPELESS_PULL_MS = 5_000;

export interface PullWatchScope {
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface PullWatchDeps {
  client: KubeClient;
  say: Say;
  signal: AbortSignal;
  timeoutScale: number;
  labId: string;
}

/** Runs `work`, failing it early when a pod in `scope` cannot pull an image for a reason waiting will not fix. */
export async function withPullWatch<T>(deps: PullWatchDeps, scope: PullWatchScope, boundMs: number, work: Promise<T>): Promise<T> {
  const dog = watchPullProblems(deps.client, scope.namespace, boundMs + 60_000, deps.signal, {
    hopelessGraceMs: HOPELESS_PULL_MS * deps.timeoutScale,
    ...(scope.labelSelector ? { labelSelector: scope.labelSelector } : {}),
    ...(scope.fieldSelector ? { fieldSelector: scope.fieldSelector } : {}),
    usedBy: () => ({ en: `the lab ${deps.labId}`, zh: `实验 ${deps.labId}` }),
  });
  try {
    return await Promise.race([work, dog.tripped]);
  } catch (err) {
    if (!(err instanceof PullError)) throw err;
    const f = err.pull;
    throw new KindlabError({ ...err.failure, hint: deps.say(f.anyHint.en, f.anyHint.zh) });
  } finally {
    dog.stop();
    // The loser of the race must not surface later as an unhandled rejection.
    work.catch(() => undefined);
  }
}
