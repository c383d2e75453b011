// The checkers by type, and the one place that runs a check: it fills in the variables, skips
// data-plane checks where there is no data plane, lets a failing check settle (watched for API
// checks, retried for probes, held for probes that expect silence), times the check, and turns an
// unexpected error into a failed result (a cancellation still cancels).
import type { CheckResult, Lang } from '../../../api.ts';
import { KindlabError, cancelled, errorText, isCancellation } from '../../errors.ts';
import { fromText, inLang } from '../../i18n/text.ts';
import { renderDeep } from '../render.ts';
import { type Say, sayText } from '../say.ts';
import type { CheckOf, LabCheck } from '../schema.ts';
import { dnsChecker } from './dns.ts';
import { endpointsChecker } from './endpoints.ts';
import { httpChecker } from './http.ts';
import { objectChecker } from './object.ts';
import { podsReadyChecker } from './pods-ready.ts';
import { policyCanaryChecker } from './policy-canary.ts';
import { serviceChecker } from './service.ts';
import { tcpChecker } from './tcp.ts';
import { HOLD_MS, SETTLE_MS, settle, settleThenHold, settleWithBackoff } from './settle.ts';
import type { CheckContext, CheckOutcome, Checker } from './types.ts';

type Registry = { [T in LabCheck['type']]: Checker<T> };

export const CHECKERS: Registry = {
  podsReady: podsReadyChecker,
  endpoints: endpointsChecker,
  service: serviceChecker,
  object: objectChecker,
  http: httpChecker,
  tcp: tcpChecker,
  dns: dnsChecker,
  policyCanary: policyCanaryChecker,
};

export function checkerFor<T extends LabCheck['type']>(type: T): Checker<T> {
  return CHECKERS[type] as Checker<T>;
}

export function needsDataPlane(check: LabCheck): boolean {
  const d = (checkerFor(check.type) as Checker<LabCheck['type']>).dataPlane;
  return typeof d === 'function' ? d(check as CheckOf<LabCheck['type']>) : d;
}

/** What the check expects, in one sentence (the checker's own words). */
function expectedText(check: LabCheck, say: Say): string {
  return (checkerFor(check.type) as Checker<LabCheck['type']>).describe(check as CheckOf<LabCheck['type']>, say);
}

/** The lab's description of the check, or the checker's expectation. */
export function describeCheck(check: LabCheck, say: Say): string {
  return check.description ? sayText(say, check.description) : expectedText(check, say);
}

/**
 * A check's verdict as the engine builds it: the contract's CheckResult, but its words are
 * engine strings (both languages, i18n/text.ts) until `toCheckResult` hands them over.
 */
export type CheckVerdict = Omit<CheckResult, 'localized'>;

/** The contract's result: the words in the run's language, and in both for a host that switches. */
export function toCheckResult(v: CheckVerdict, lang: Lang): CheckResult {
  const pair = (s: string) => ({ en: inLang(s, 'en'), zh: inLang(s, 'zh') });
  return {
    ...v,
    description: inLang(v.description, lang),
    expected: inLang(v.expected, lang),
    observed: inLang(v.observed, lang),
    ...(v.hint !== undefined ? { hint: inLang(v.hint, lang) } : {}),
    localized: { description: pair(v.description), expected: pair(v.expected), observed: pair(v.observed), ...(v.hint !== undefined ? { hint: pair(v.hint) } : {}) },
  };
}

export function skippedResult(check: LabCheck, say: Say, reason: string): CheckVerdict {
  return { id: check.id, description: describeCheck(check, say), status: 'skipped', expected: expectedText(check, say), observed: reason, durationMs: 0 };
}

/** A probe that could not run (or an API that did not answer) is not a lag that a retry waits out. */
const worthRetrying = (o: CheckOutcome) => o.status === 'fail' && o.layer !== 'cluster';

async function settled<T extends LabCheck['type']>(checker: Checker<T>, check: CheckOf<T>, ctx: CheckContext): Promise<CheckOutcome> {
  const first = await checker.run(check, ctx);
  const rerun = () => checker.run(check, ctx);
  const window = { timeoutMs: SETTLE_MS * ctx.timeoutScale, signal: ctx.signal };
  const target = checker.settleOn?.(check);
  if (target) return settle(ctx.client, target, first, rerun, window);
  const mode = checker.settleBy?.(check);
  if (mode === 'retry') return settleWithBackoff(first, (o) => !worthRetrying(o), rerun, window);
  if (mode !== 'hold' || (first.status === 'fail' && !worthRetrying(first))) return first;
  const held = await settleThenHold(first, (o) => o.status === 'pass', rerun, { ...window, holdMs: HOLD_MS * ctx.timeoutScale });
  if (held.phase !== 'broken' || !worthRetrying(held.value)) return held.value;
  const { say } = ctx;
  const s = Math.round(HOLD_MS * ctx.timeoutScale) / 1000;
  return {
    ...held.value,
    observed: say(`it was silent at first, then within ${s} s: ${held.value.observed}`, `起初没有应答，但在 ${s} 秒内又出现：${held.value.observed}`),
  };
}

export async function runCheck(check: LabCheck, ctx: CheckContext, dataPlane: boolean): Promise<CheckVerdict> {
  const { say } = ctx;
  const t0 = Date.now();
  let rendered: LabCheck = check;
  try {
    rendered = renderDeep(check, ctx.vars);
    if (needsDataPlane(rendered) && !dataPlane) {
      const specific = (checkerFor(rendered.type) as Checker<LabCheck['type']>).skipReason?.(rendered as CheckOf<LabCheck['type']>, say);
      return skippedResult(rendered, say, specific ?? say('skipped: this run has no data plane (pods do not really run, packets do not flow)', '已跳过：本次运行没有数据平面（Pod 不会真正运行，数据包不会流动）'));
    }
    const checker = checkerFor(rendered.type) as Checker<LabCheck['type']>;
    const typed = rendered as CheckOf<LabCheck['type']>;
    const outcome = await settled(checker, typed, ctx);
    if (ctx.signal.aborted) throw cancelled();
    return { id: check.id, description: describeCheck(rendered, say), ...outcome, durationMs: Date.now() - t0 };
  } catch (err) {
    if (isCancellation(err) || ctx.signal.aborted) throw err;
    const message = errorText(err);
    return {
      id: check.id,
      description: describeCheck(rendered, say),
      status: 'fail',
      expected: expectedText(rendered, say),
      observed: say(`the check could not run: ${message}`, `检查无法运行：${message}`),
      layer: 'cluster',
      hint: err instanceof KindlabError ? fromText(err.failure.hint) : say('The cluster API did not answer as expected; is the cluster running (kindlab status)?', '集群 API 没有按预期应答；集群是否在运行（kindlab status）？'),
      durationMs: Date.now() - t0,
    };
  }
}
