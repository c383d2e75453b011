// What the progress views draw for one operation, folded from its OpEvents. Pure: the store
// applies a whole animation frame's events at once, copying each touched view once, and keeps
// only the newest log lines so a long kind log never grows without bound.
import type { Failure, LogStream, OpEvent, OpKind, PhaseInfo, RunningOp, Text } from '../api/contract.ts';

const LOG_CAP = 3000;

export type OpStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface LogLine {
  /** Position in the whole log (0-based), a stable key for the virtual list. */
  seq: number;
  phaseId: string;
  stream: LogStream;
  /** Both languages where the engine wrote it: the view picks at draw time. */
  line: Text;
}

export interface OpView {
  opId: string;
  /** null when the UI joined after `started` (page reloaded mid-operation). */
  kind: OpKind | null;
  status: OpStatus;
  phases: PhaseInfo[];
  /** Client clock when the UI first heard of the operation. */
  startedAt: number;
  finishedAt?: number;
  durationMs?: number;
  failure?: Failure;
  /** The newest LOG_CAP lines. */
  log: LogLine[];
  /** Lines received in total, kept or not. */
  logTotal: number;
  /** The latest log line per phase, for the "current message" under a running phase. */
  lastLine: Record<string, Text>;
  /** Warnings (preflight findings): shown beside the progress, never dropped by the log cap. */
  warnings: Text[];
}

function emptyView(opId: string, now: number): OpView {
  return { opId, kind: null, status: 'running', phases: [], startedAt: now, log: [], logTotal: 0, lastLine: {}, warnings: [] };
}

function upsertPhase(phases: PhaseInfo[], phase: PhaseInfo): PhaseInfo[] {
  const i = phases.findIndex((p) => p.id === phase.id);
  if (i < 0) return [...phases, phase];
  const next = phases.slice();
  next[i] = phase;
  return next;
}

/** Applies one event to a view that this batch already copied (so it may be changed in place). */
function applyToCopy(v: OpView, e: OpEvent, now: number): void {
  switch (e.type) {
    case 'started':
      v.kind = e.kind;
      v.phases = e.phases;
      v.status = 'running';
      return;
    case 'phase':
      v.phases = upsertPhase(v.phases, e.phase);
      return;
    case 'log':
      v.log.push({ seq: v.logTotal, phaseId: e.phaseId, stream: e.stream, line: e.line });
      v.logTotal += 1;
      v.lastLine[e.phaseId] = e.line;
      if (e.stream === 'warn') v.warnings.push(e.line);
      return;
    case 'finished':
      v.phases = e.phases;
      v.durationMs = e.durationMs;
      v.finishedAt = now;
      if (e.ok) {
        v.status = 'done';
      } else {
        v.failure = e.failure;
        v.status = e.failure.code === 'cancelled' ? 'cancelled' : 'failed';
      }
      return;
  }
}

/** Folds a batch of events into the views; returns a new record, untouched views are shared. */
export function applyOpEvents(views: Readonly<Record<string, OpView>>, events: readonly OpEvent[], now: number, cap = LOG_CAP): Record<string, OpView> {
  if (events.length === 0) return views as Record<string, OpView>;
  const next: Record<string, OpView> = { ...views };
  const copied = new Set<string>();
  for (const e of events) {
    if (!copied.has(e.opId)) {
      const old = next[e.opId];
      next[e.opId] = old ? { ...old, log: old.log.slice(), lastLine: { ...old.lastLine }, warnings: old.warnings.slice() } : emptyView(e.opId, now);
      copied.add(e.opId);
    }
    applyToCopy(next[e.opId] as OpView, e, now);
  }
  for (const id of copied) {
    const v = next[id] as OpView;
    if (v.log.length > cap) v.log = v.log.slice(v.log.length - cap);
  }
  return next;
}

/**
 * Folds in what `op:list` reported after a reload or a reconnect: an operation not seen yet gets
 * its view from the snapshot (kind, phases, newest log lines); one already heard of midway (its
 * events came first, without `started`) keeps its newer phases and learns its kind.
 */
export function attachRunning(views: Readonly<Record<string, OpView>>, running: readonly RunningOp[], now: number): Record<string, OpView> {
  if (running.length === 0) return views as Record<string, OpView>;
  const next: Record<string, OpView> = { ...views };
  for (const op of running) {
    const old = next[op.opId];
    if (!old) {
      const v = emptyView(op.opId, Math.min(now, op.startedAt));
      v.kind = op.kind;
      v.phases = op.phases;
      for (const l of op.log) applyToCopy(v, { opId: op.opId, type: 'log', ...l }, now);
      next[op.opId] = v;
    } else if (old.kind === null) {
      const known = new Set(old.phases.map((p) => p.id));
      next[op.opId] = { ...old, kind: op.kind, phases: op.phases.map((p) => (known.has(p.id) ? (old.phases.find((q) => q.id === p.id) as PhaseInfo) : p)) };
    }
  }
  return next;
}

/** One event on one view: the reducer in its simplest form (tests, single updates). */
export function reduceOp(view: OpView | undefined, event: OpEvent, now: number, cap = LOG_CAP): OpView {
  return applyOpEvents(view ? { [event.opId]: view } : {}, [event], now, cap)[event.opId] as OpView;
}

/** 0..1 over all phases; skipped phases count as complete. */
export function overallFraction(phases: readonly PhaseInfo[]): number {
  if (phases.length === 0) return 0;
  const sum = phases.reduce((acc, p) => acc + (p.state === 'done' || p.state === 'skipped' ? 1 : Math.max(0, Math.min(1, p.fraction))), 0);
  return sum / phases.length;
}

/** The line to show under the progress bar: the running phase's message, else its last log line. */
export function currentMessage(view: OpView): Text {
  const running = view.phases.filter((p) => p.state === 'running');
  for (const p of running.reverse()) {
    if (p.message) return p.message;
    const line = view.lastLine[p.id];
    if (line) return line;
  }
  return '';
}

export function elapsedMs(view: OpView, now: number): number {
  if (view.durationMs !== undefined) return view.durationMs;
  return Math.max(0, (view.finishedAt ?? now) - view.startedAt);
}

/** 75 s → "1:15", 3 s → "0:03". */
export function formatClock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
