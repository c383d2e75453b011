// Which lab steps this learner has passed, as the UI remembers it between visits (the engine's
// checks decide pass or fail; this only keeps the last verdict per step). Pure.
import type { LabRunResult } from '../api/contract.ts';

export type StepVerdict = 'pass' | 'fail';
/** lab id → step index → last verdict */
export type Progress = Record<string, Record<string, StepVerdict>>;

export function recordRun(progress: Progress, result: LabRunResult): Progress {
  if (result.dryRun) return progress;
  const lab = { ...(progress[result.lab] ?? {}) };
  for (const s of result.steps) if (s.status !== 'skipped') lab[String(s.index)] = s.status;
  return { ...progress, [result.lab]: lab };
}

export function passedSteps(progress: Progress, labId: string): number {
  return Object.values(progress[labId] ?? {}).filter((v) => v === 'pass').length;
}

export function labDone(progress: Progress, labId: string, steps: number): boolean {
  return steps > 0 && passedSteps(progress, labId) >= steps;
}

export function parseProgress(text: string | null): Progress {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Progress) : {};
  } catch {
    return {};
  }
}
