// What a checker gets and gives. A checker observes one thing through the API or a probe and
// says, in both of the learner's languages (`say`), what it expected, what it saw, and — when it failed — the
// first layer on the path that is broken and what to look at there.
import type { Layer } from '../../../api.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { WaitTarget } from '../../kube/wait.ts';
import type { ProbeRunner } from '../probes.ts';
import type { Say } from '../say.ts';
import type { CheckOf, LabCheck } from '../schema.ts';
import type { RunState } from '../state.ts';
import type { LabVars } from '../vars.ts';

export interface CheckContext {
  client: KubeClient;
  probes: ProbeRunner;
  vars: LabVars;
  say: Say;
  state: RunState;
  labId: string;
  signal: AbortSignal;
  timeoutScale: number;
  log(line: string): void;
}

export interface CheckOutcome {
  status: 'pass' | 'fail' | 'skipped';
  expected: string;
  observed: string;
  layer?: Layer;
  hint?: string;
}

export interface Checker<T extends LabCheck['type']> {
  type: T;
  /**
   * Needs pods that really run and packets that really flow (skipped in the control-plane tier);
   * a function when only some forms of the check do.
   */
  dataPlane: boolean | ((check: CheckOf<T>) => boolean);
  /**
   * What the check looks at, for API-level checks: a failing check is run again on changes to it
   * for a short settle window (see settle.ts).
   */
  settleOn?(check: CheckOf<T>): WaitTarget;
  /**
   * For probes (nothing to watch): 'retry' runs a failing probe again with backoff within the
   * settle window; 'hold' is for a check that expects silence, which must also stay silent for a
   * moment once it has it (see settle.ts). A check that settles itself has neither.
   */
  settleBy?(check: CheckOf<T>): 'retry' | 'hold';
  /** Why the check is skipped without a data plane, when the generic reason says too little. */
  skipReason?(check: CheckOf<T>, say: Say): string;
  /** The expectation in one sentence; the check's description when the lab gives none. */
  describe(check: CheckOf<T>, say: Say): string;
  run(check: CheckOf<T>, ctx: CheckContext): Promise<CheckOutcome>;
}

/** A failure names its layer and a hint; a pass may still carry a hint (e.g. a DNS fallback). */
export function passed(expected: string, observed: string, extra: { layer?: Layer; hint?: string } = {}): CheckOutcome {
  return { status: 'pass', expected, observed, ...extra };
}

export function failed(expected: string, observed: string, layer: Layer, hint: string): CheckOutcome {
  return { status: 'fail', expected, observed, layer, hint };
}

export interface LayerVerdict {
  layer: Layer;
  observed: string;
  hint: string;
}
