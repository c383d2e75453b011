// What went wrong in a `kindlab lab run --json` result, one line per failed action or check, in
// English (actions carry Text: a string or both languages), for an assertion that shows them all.
import type { LabRunResult } from '../../electron/api.ts';
import { textIn } from '../../electron/shared/text.ts';

/** `failing`: which check states count ('fail' only, or anything but 'pass': skipped and warn too). */
export function labRunFailures(result: LabRunResult, failing: 'fail' | 'not-pass' = 'not-pass'): string[] {
  return result.steps.flatMap((s) => [
    ...s.actions.filter((a) => a.status === 'failed').map((a) => `step ${s.index + 1} ${textIn(a.description, 'en')}: ${textIn(a.output, 'en')}`),
    ...s.checks
      .filter((c) => (failing === 'fail' ? c.status === 'fail' : c.status !== 'pass'))
      .map((c) => `step ${s.index + 1} ${c.id} (${c.status}): expected ${c.expected}; observed ${c.observed}`),
  ]);
}
