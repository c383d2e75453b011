// A TCP check's client: one pod with the check's labels that tries the connection again and again
// from inside itself, instead of a new pod for every try. A new pod is not what a policy sees
// yet: kube-router puts a pod's address into the sets of the policies that name it (a `from`
// podSelector or namespaceSelector) and builds the pod's own filter about a second after its
// container starts (seen on a real kind cluster: refused, refused, then open). A client made
// afresh for every try would therefore be refused on every try where it should get in, and a
// block would pass even where the policy lets the client in. One pod that lives through the
// settle window and holds a block to its end sees what a learner's shell sees a moment later.
//
// The pod runs a fixed schedule (no loop, no clock: nc, a marker line with nc's result, a pause,
// nc again …); with `stopOnOpen` it ends at the first connection that is accepted. The times of
// the tries are worked out from the schedule: each pause, plus nc's -w for a try that timed out.
// They are lower bounds of the real times (a pause never ends early), so a block judged to have
// lasted a hold lasted at least that long. Pure: the schedule, the script and its log's reading.
import { type TcpObservation, classifyNc } from './probe-output.ts';
import type { Say } from './say.ts';

/** The line each try ends with: 0 when nc connected, 1 when it did not. */
export const ATTEMPT_MARK = 'kindlab-attempt:';

/** The pauses between tries (like settle.ts's backoff): 0.25 s, 0.5 s, 1 s, then 2 s. */
const FIRST_PAUSE_S = 0.25;
const MAX_PAUSE_S = 2;

export interface SessionPlan {
  /** Seconds between one try's end and the next try's start; tries = pauses + 1. */
  pausesS: number[];
  /** End at the first accepted connection (for checks that expect an answer). */
  stopOnOpen: boolean;
}

/**
 * Tries start at 0, 0.25, 0.75, 1.75, 3.75 … s (pauses only) while they start within `windowS`;
 * with `beyond`, one more starts after it, so that a block first seen inside the window can be
 * held to (at least) its end.
 */
export function sessionPauses(windowS: number, beyond: boolean): number[] {
  const pauses: number[] = [];
  let t = 0;
  for (let p = FIRST_PAUSE_S; ; p = Math.min(p * 2, MAX_PAUSE_S)) {
    if (t + p > windowS) {
      if (beyond) pauses.push(p);
      return pauses;
    }
    pauses.push(p);
    t += p;
  }
}

/** The client's shell script: `nc -z -v -w T ip port 2>&1`, a marker, a pause, … */
export function sessionScript(ip: string, port: number, timeoutS: number, plan: SessionPlan): string {
  // nc reports on stderr: through stdout, its line cannot come after the marker in the pod's log
  // (the runtime reads the two streams apart, and a real log showed them swapped).
  const attempt = `nc -z -v -w ${timeoutS} ${ip} ${port} 2>&1 && echo ${ATTEMPT_MARK}0${plan.stopOnOpen ? ' && exit 0' : ''} || echo ${ATTEMPT_MARK}1`;
  return [attempt, ...plan.pausesS.flatMap((p) => [`sleep ${p}`, attempt])].join('; ');
}

/** The longest the script can run: every pause, and every try waiting out nc's -w. */
export function sessionBoundS(timeoutS: number, plan: SessionPlan): number {
  return plan.pausesS.reduce((a, b) => a + b, 0) + (plan.pausesS.length + 1) * timeoutS;
}

export interface TcpAttempt {
  /** 0-based, in the order the client made them. */
  index: number;
  /** Seconds since the first try started (lower bounds, see above). */
  startS: number;
  endS: number;
  obs: TcpObservation;
}

/**
 * The tries in the client's log. A try counts once its marker is there; when the pod has ended
 * (`exitCode`), text after the last marker is one more try, judged by the pod's exit code.
 */
export function parseSession(log: string, plan: SessionPlan, timeoutS: number, say: Say, ended?: { exitCode: number }): TcpAttempt[] {
  const attempts: TcpAttempt[] = [];
  let text: string[] = [];
  let t = 0;
  const add = (exitCode: number) => {
    const obs = classifyNc(exitCode, text.join('\n'), timeoutS, say);
    const duration = obs.outcome === 'blocked' ? timeoutS : 0;
    const index = attempts.length;
    attempts.push({ index, startS: t, endS: t + duration, obs });
    t += duration + (plan.pausesS[index] ?? 0);
    text = [];
  };
  for (const line of log.split(/\r?\n/)) {
    const m = new RegExp(`^${ATTEMPT_MARK}([01])\\s*$`).exec(line.trim());
    if (m) add(Number(m[1]));
    else if (line.trim()) text.push(line);
  }
  if (ended && text.length && attempts.length <= plan.pausesS.length) add(ended.exitCode);
  return attempts;
}
