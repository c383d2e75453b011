// A long operation (cluster up, reset, a lab run) as data: named phases, each with a state,
// a fraction and log lines, streamed as OpEvents; plus the AbortSignal that cancels it.
import type { Failure, OpEvent, OpKind, PhaseInfo } from '../api.ts';
import { KindlabError, cancelled, isCancellation, toFailure } from './errors.ts';

export interface PhaseSpec {
  id: string;
  title: string;
}

export type OpEmitter = (event: OpEvent) => void;

export class Operation {
  readonly phases: PhaseInfo[];
  private readonly started = new Map<string, number>();
  private current: string | undefined;

  constructor(
    readonly opId: string,
    readonly kind: OpKind,
    specs: PhaseSpec[],
    private readonly emit: OpEmitter,
    readonly signal: AbortSignal,
  ) {
    this.phases = specs.map((s) => ({ id: s.id, title: s.title, state: 'pending', fraction: 0 }));
  }

  get currentPhase(): string | undefined {
    return this.current;
  }

  private info(id: string): PhaseInfo {
    const p = this.phases.find((x) => x.id === id);
    if (!p) throw new Error(`unknown phase ${id}`);
    return p;
  }

  private update(id: string, patch: Partial<PhaseInfo>): void {
    const p = this.info(id);
    Object.assign(p, patch);
    this.emit({ opId: this.opId, type: 'phase', phase: { ...p } });
  }

  /** Marks a phase running; throws if the operation was cancelled. */
  start(id: string, message?: string): void {
    if (this.signal.aborted) throw cancelled(id);
    this.current = id;
    this.started.set(id, Date.now());
    this.update(id, { state: 'running', fraction: 0, ...(message ? { message } : {}) });
  }

  progress(id: string, fraction: number, message?: string): void {
    const f = Math.max(0, Math.min(1, fraction));
    this.update(id, { fraction: f, ...(message ? { message } : {}) });
  }

  log(line: string, stream: 'stdout' | 'stderr' | 'info' = 'info', id = this.current ?? this.phases[0]?.id ?? 'op'): void {
    this.emit({ opId: this.opId, type: 'log', phaseId: id, stream, line });
  }

  done(id: string, message?: string): void {
    const t0 = this.started.get(id) ?? Date.now();
    this.update(id, { state: 'done', fraction: 1, durationMs: Date.now() - t0, ...(message ? { message } : {}) });
    if (this.current === id) this.current = undefined;
  }

  skip(id: string, message: string): void {
    this.update(id, { state: 'skipped', fraction: 1, message, durationMs: 0 });
  }

  /** Runs one phase: start, body, done (or failed/cancelled with the error rethrown). */
  async phase<T>(id: string, body: () => Promise<T>, doneMessage?: (r: T) => string | undefined): Promise<T> {
    this.start(id);
    const result = await body();
    this.done(id, doneMessage?.(result));
    return result;
  }

  /**
   * Runs the whole operation: emits `started`, then `finished` with the outcome. On error the
   * running phase is marked failed (or cancelled) and the error is rethrown with its phase.
   */
  async run<T>(body: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.emit({ opId: this.opId, type: 'started', kind: this.kind, phases: this.phases.map((p) => ({ ...p })) });
    try {
      const result = await body();
      this.emit({ opId: this.opId, type: 'finished', ok: true, durationMs: Date.now() - t0, phases: this.snapshot() });
      return result;
    } catch (err) {
      const failedPhase = this.current;
      const wasCancel = isCancellation(err) || this.signal.aborted;
      const failure: Failure = wasCancel ? cancelled(failedPhase).failure : toFailure(err, failedPhase);
      if (failedPhase) {
        const t = this.started.get(failedPhase) ?? Date.now();
        this.update(failedPhase, { state: wasCancel ? 'cancelled' : 'failed', durationMs: Date.now() - t });
      }
      this.emit({ opId: this.opId, type: 'finished', ok: false, failure, durationMs: Date.now() - t0, phases: this.snapshot() });
      throw new KindlabError(failure);
    }
  }

  snapshot(): PhaseInfo[] {
    return this.phases.map((p) => ({ ...p }));
  }
}
