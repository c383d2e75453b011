// A probe that runs inside the cluster: one short-lived pod with the given labels (so
// NetworkPolicies see it exactly as they would see a learner's pod), watched until it ends,
// its log read, and the pod deleted whatever happens — also when the run is cancelled. A pod
// that tries several times (tcp-session.ts) has its log read while it runs, and is stopped as
// soon as that log decides the check.
import { randomBytes } from 'node:crypto';
import { KindlabError, isCancellation } from '../errors.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { hopeless, pullFailureOf } from '../kube/pull-failure.ts';
import { type PodProblem, isPullProblem, podProblems } from '../kube/readiness.ts';
import { pause, waitFor } from '../kube/wait.ts';
import { PROBE_LABEL } from './manifest.ts';
import type { Say } from './say.ts';

export interface PodProbeRequest {
  namespace: string;
  labels: Record<string, string>;
  image: string;
  command: string[];
  /** The command's own bound, in seconds (nc -w, curl -m, dig +time). */
  timeoutS: number;
}

export type PodProbeResult =
  | { kind: 'completed'; pod: string; exitCode: number; log: string }
  | { kind: 'not-run'; reason: 'create' | 'image-pull' | 'timeout'; detail: string };

/** A pod whose log is read while it runs: it may also be stopped once the log says enough. */
export type PodSessionResult = PodProbeResult | { kind: 'stopped'; pod: string; log: string };

export interface LogWatch {
  /** How often the log of the running pod is read. */
  everyMs: number;
  /** True once the log so far decides the matter: the pod is then deleted without waiting for its end. */
  enough(log: string): boolean;
}

/** How often a session's log is read while its pod runs. */
export const SESSION_POLL_MS = 400;

export interface PodProbeDeps {
  client: KubeClient;
  say: Say;
  timeoutScale: number;
  signal?: AbortSignal;
  /** Extra labels every probe pod carries (the lab it belongs to, for cleanup). */
  labels?: Record<string, string>;
}

/** Image pulls that will not succeed by waiting longer: a rate limit, an image the registry does not have, a refused login. */
function hopelessPull(p: PodProblem): boolean {
  return hopeless(pullFailureOf(p, '').class) || /unauthorized|denied/i.test(p.message);
}

type PodStatus = { phase?: string; containerStatuses?: { state?: { terminated?: { exitCode?: number } } }[] };

function probePodObject(name: string, req: PodProbeRequest, extraLabels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: req.namespace, labels: { ...req.labels, ...extraLabels, [PROBE_LABEL]: 'true' } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: 'probe',
          image: req.image,
          command: req.command,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        },
      ],
    },
  };
}

function pullLine(p: PodProblem): string {
  return `${p.reason}${p.image ? ` (${p.image})` : ''}${p.message ? `: ${p.message.split('\n')[0]}` : ''}`;
}

export async function runPodProbe(deps: PodProbeDeps, req: PodProbeRequest): Promise<PodProbeResult> {
  const r = await runPod(deps, req);
  // Without a log watch nothing stops the pod early.
  return r.kind === 'stopped' ? { kind: 'completed', pod: r.pod, exitCode: 0, log: r.log } : r;
}

/** runPodProbe, reading the log while the pod runs and stopping it once `watch.enough` says so. */
export function runPodSession(deps: PodProbeDeps, req: PodProbeRequest, watch: LogWatch): Promise<PodSessionResult> {
  return runPod(deps, req, watch);
}

async function runPod(deps: PodProbeDeps, req: PodProbeRequest, watch?: LogWatch): Promise<PodSessionResult> {
  const { client, say } = deps;
  const name = `kindlab-probe-${randomBytes(3).toString('hex')}`;
  try {
    await client.create(probePodObject(name, req, deps.labels), deps.signal ? { signal: deps.signal } : {});
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { kind: 'not-run', reason: 'create', detail: say(`the probe pod could not be created: ${(err as Error).message}`, `无法创建探测 Pod：${(err as Error).message}`) };
  }
  let pull: PodProblem | null = null;
  // Aborted once the log watch has seen enough (and at the end, to stop the reader).
  const early = new AbortController();
  const seen: { log?: string } = {};
  const reader = watch ? readWhileRunning(client, req.namespace, name, watch, early, (log) => (seen.log = log)) : Promise.resolve();
  const signal = deps.signal ? AbortSignal.any([deps.signal, early.signal]) : early.signal;
  try {
    // An image pull may take minutes on a first run; the command itself is bounded separately.
    const timeoutMs = (180 * deps.timeoutScale + req.timeoutS + 15) * 1000;
    let final: KubeObject | undefined;
    try {
      const objs = await waitFor(
        client,
        { apiVersion: 'v1', kind: 'Pod', namespace: req.namespace, fieldSelector: `metadata.name=${name}` },
        (list) => {
          const pod = list.find((p) => p.metadata.name === name);
          if (!pod) return { done: false };
          const phase = (pod.status as PodStatus | undefined)?.phase;
          if (phase === 'Succeeded' || phase === 'Failed') return { done: true };
          pull = podProblems(pod).find(isPullProblem) ?? pull;
          return { done: pull !== null && hopelessPull(pull), message: phase ?? 'Pending' };
        },
        { timeoutMs, what: `probe pod ${req.namespace}/${name}`, signal },
      );
      final = objs.find((p) => p.metadata.name === name);
    } catch (err) {
      if (seen.log !== undefined && !deps.signal?.aborted) return { kind: 'stopped', pod: name, log: seen.log };
      if (!(err instanceof KindlabError) || err.failure.code !== 'timeout') throw err;
    }
    const status = final?.status as PodStatus | undefined;
    if (status?.phase !== 'Succeeded' && status?.phase !== 'Failed') {
      const p = pull as PodProblem | null;
      if (p) {
        // The probe's image is kindlab's own pin: the class and its fix say what to do about it.
        const f = pullFailureOf(p, req.namespace, [], { usedBy: { en: "kindlab's probe image pin", zh: 'kindlab 固定的探测镜像' } });
        const cls = f.class === 'unknown' ? '' : say(` (${f.label.en})`, `（${f.label.zh}）`);
        return { kind: 'not-run', reason: 'image-pull', detail: say(`the probe pod cannot pull its image — ${pullLine(p)}${cls}. ${f.anyHint.en}`, `探测 Pod 无法拉取镜像——${pullLine(p)}${cls}。${f.anyHint.zh}`) };
      }
      return { kind: 'not-run', reason: 'timeout', detail: say('the probe pod did not finish in time', '探测 Pod 未能按时结束') };
    }
    const exitCode = status.containerStatuses?.[0]?.state?.terminated?.exitCode ?? (status.phase === 'Succeeded' ? 0 : 1);
    const log = await client.podLogs(req.namespace, name).catch(() => '');
    return { kind: 'completed', pod: name, exitCode, log };
  } finally {
    early.abort();
    await reader;
    await client.delete('v1', 'Pod', name, req.namespace).catch(() => false);
  }
}

/** Reads the pod's log every `watch.everyMs` until it is enough (then aborts `early`) or `early` is aborted. */
async function readWhileRunning(client: KubeClient, namespace: string, name: string, watch: LogWatch, early: AbortController, onEnough: (log: string) => void): Promise<void> {
  while (!early.signal.aborted) {
    await pause(watch.everyMs, early.signal);
    if (early.signal.aborted) return;
    // A pod that has not started yet has no log (the API answers 400): try again later.
    const log = await client.podLogs(namespace, name).catch(() => null);
    if (log !== null && !early.signal.aborted && watch.enough(log)) {
      onEnough(log);
      early.abort();
    }
  }
}
