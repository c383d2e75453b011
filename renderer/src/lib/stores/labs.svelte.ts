// The lab list, lab details per language, and per-step runs (results, failures, progress).
import type { Failure, LabDetail, LabProblem, LabSummary, Lang, StepRunResult } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import { type Progress, parseProgress, recordRun } from '../labs/progress.ts';
import { loadPref, savePref } from '../persist/prefs.ts';
import { newId } from './ops.svelte.ts';
import { api } from './session.svelte.ts';


export interface StepRun {
  opId: string;
  settled: boolean;
  result: StepRunResult | null;
  failure: Failure | null;
}

export const stepKey = (labId: string, index: number) => `${labId}#${index}`;

export interface CleanupRun {
  opId: string;
  settled: boolean;
  removed: number | null;
  failure: Failure | null;
}

function loadProgress(): Progress {
  return parseProgress(loadPref('progress'));
}

class LabsStore {
  list = $state.raw<LabSummary[] | null>(null);
  problems = $state.raw<LabProblem[]>([]);
  listFailure = $state.raw<Failure | null>(null);
  details = $state.raw<Record<string, LabDetail>>({});
  detailFailure = $state.raw<Record<string, Failure>>({});
  progress = $state.raw<Progress>(loadProgress());
  /** The latest run per lab step (stepKey). */
  runs = $state.raw<Record<string, StepRun>>({});
  /** The latest cleanup per lab. */
  cleanups = $state.raw<Record<string, CleanupRun>>({});

  async load(): Promise<void> {
    try {
      const r = await api().invoke('labs:list', {});
      this.list = [...r.labs].sort((a, b) => a.order - b.order);
      this.problems = r.problems;
      this.listFailure = null;
    } catch (err) {
      this.listFailure = failureOf(err);
    }
  }

  async loadDetail(id: string, lang: Lang): Promise<void> {
    const key = `${id}:${lang}`;
    if (this.details[key]) return;
    try {
      const detail = await api().invoke('lab:get', { id, lang });
      this.details = { ...this.details, [key]: detail };
      const { [key]: _, ...rest } = this.detailFailure;
      this.detailFailure = rest;
    } catch (err) {
      this.detailFailure = { ...this.detailFailure, [key]: failureOf(err) };
    }
  }

  detail(id: string, lang: Lang): LabDetail | undefined {
    return this.details[`${id}:${lang}`];
  }

  /** Runs one step; `index` is the step's 0-based LabStepView.index (lab:run counts from 1). */
  async runStep(labId: string, index: number, lang: Lang): Promise<void> {
    const key = stepKey(labId, index);
    if (this.runs[key] && !this.runs[key].settled) return;
    const run: StepRun = { opId: newId('lab'), settled: false, result: null, failure: null };
    this.runs = { ...this.runs, [key]: run };
    try {
      const result = await api().invoke('lab:run', { opId: run.opId, id: labId, step: index + 1, lang });
      this.saveProgress(recordRun(this.progress, result));
      this.runs = { ...this.runs, [key]: { ...run, settled: true, result: result.steps.find((s) => s.index === index) ?? result.steps[0] ?? null } };
    } catch (err) {
      this.runs = { ...this.runs, [key]: { ...run, settled: true, failure: failureOf(err) } };
    }
  }

  async cancelStep(labId: string, index: number): Promise<void> {
    const run = this.runs[stepKey(labId, index)];
    if (run && !run.settled) await api().invoke('op:cancel', { opId: run.opId }).catch(() => undefined);
  }

  /** Removes what the lab created (lab:cleanup); the learner's step verdicts stay. */
  async cleanup(labId: string): Promise<void> {
    if (this.cleanups[labId] && !this.cleanups[labId].settled) return;
    const run: CleanupRun = { opId: newId('cleanup'), settled: false, removed: null, failure: null };
    this.cleanups = { ...this.cleanups, [labId]: run };
    try {
      const { removed } = await api().invoke('lab:cleanup', { opId: run.opId, id: labId });
      this.cleanups = { ...this.cleanups, [labId]: { ...run, settled: true, removed } };
      // The step results on screen describe objects that are gone now.
      this.runs = Object.fromEntries(Object.entries(this.runs).filter(([key]) => !key.startsWith(`${labId}#`)));
    } catch (err) {
      this.cleanups = { ...this.cleanups, [labId]: { ...run, settled: true, failure: failureOf(err) } };
    }
  }

  private saveProgress(progress: Progress): void {
    this.progress = progress;
    savePref('progress', JSON.stringify(progress));
  }
}

export const labs = new LabsStore();
