// Runs the doctor: every applicable check at once (they share one memoized facts bag), each
// bounded in time. A check that throws or hangs becomes a finding of its own; the report always
// comes back, in registry order.
import type { ClusterSettings, DoctorFinding, DoctorReport } from '../../api.ts';
import type { EngineContext } from '../context.ts';
import { errorText } from '../errors.ts';
import { fill, toText } from '../i18n/text.ts';
import { type CheckContext, type CheckOutcome, type DoctorCheck, TIMED_OUT, withTimeout } from './check.ts';
import { DoctorFacts, defaultProbes } from './facts.ts';
import { DOCTOR_CHECKS } from './registry.ts';

/** Long enough for two sequential probes of PROBE_TIMEOUT_MS each. */
const CHECK_TIMEOUT_MS = 20_000;

export interface DoctorRunOptions {
  checkTimeoutMs?: number;
}

async function outcomeOf(check: DoctorCheck, ctx: CheckContext, timeoutMs: number): Promise<CheckOutcome> {
  try {
    const result = await withTimeout(check.check(ctx), timeoutMs);
    if (result !== TIMED_OUT) return result;
    return {
      status: 'warn',
      finding: fill({ en: 'The check did not finish within {s} s.', zh: '该检查在 {s} 秒内没有完成。' }, { s: Math.round(timeoutMs / 1000) }),
      fix: { en: 'Run the doctor again; if it keeps timing out, the tool it waits for is hanging.', zh: '请再运行一次检查；如果一直超时，说明它等待的工具卡住了。' },
    };
  } catch (err) {
    return {
      status: 'fail',
      finding: fill({ en: 'The check itself failed: {error}', zh: '检查本身出错了：{error}' }, { error: errorText(err) }),
      fix: {
        en: 'This is probably a bug in kindlab. Run the doctor again, and report the message if it stays.',
        zh: '这很可能是 kindlab 的缺陷。请再运行一次检查；如果仍然出现，请报告这条信息。',
      },
    };
  }
}

function applies(check: DoctorCheck, ctx: CheckContext): boolean {
  try {
    return check.applies(ctx);
  } catch {
    // Let the check run and report its own error rather than vanish from the report.
    return true;
  }
}

/** The contract's finding: both languages, the edge picks (a marked engine error inside is resolved per side). */
function toFinding(check: DoctorCheck, outcome: CheckOutcome): DoctorFinding {
  return {
    id: check.id,
    category: check.category,
    title: toText(check.title),
    status: outcome.status,
    finding: toText(outcome.finding),
    ...(outcome.fix ? { fix: toText(outcome.fix) } : {}),
    ...(outcome.appFix ? { appFix: toText(outcome.appFix) } : {}),
    ...(outcome.fixCommands && outcome.fixCommands.length > 0 ? { fixCommands: outcome.fixCommands } : {}),
  };
}

export async function runDoctor(
  checks: readonly DoctorCheck[],
  facts: DoctorFacts,
  settings: ClusterSettings,
  opts: DoctorRunOptions = {},
): Promise<DoctorReport> {
  const started = Date.now();
  const ctx: CheckContext = { facts, settings };
  const timeoutMs = opts.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  const chosen = checks.filter((c) => applies(c, ctx));
  const outcomes = await Promise.all(chosen.map((c) => outcomeOf(c, ctx, timeoutMs)));
  const findings = chosen.map((c, i) => toFinding(c, outcomes[i] as CheckOutcome));
  return { ok: !findings.some((f) => f.status === 'fail'), findings, durationMs: Date.now() - started };
}

/** The doctor on this machine, with the real probes. */
export function defaultDoctor(ctx: EngineContext, settings: ClusterSettings): Promise<DoctorReport> {
  return runDoctor(DOCTOR_CHECKS, new DoctorFacts(defaultProbes(ctx), ctx.pins), settings);
}
