// A long operation (cluster up, reset, a lab run) as data: named phases, each with a state,
// a fraction and log lines, streamed as OpEvents; plus the AbortSignal that cancels it.
// Phases may run in parallel (ingress and MetalLB install side by side). Titles, messages and
// log lines are engine text (both languages, i18n/text.ts); the events carry them as Text.
import type { Failure, LocalizedText, LogStream, OpEvent, OpKind, PhaseInfo } from '../api.ts';
import { KindlabError, cancelled, isCancellation, toFailure } from './errors.ts';
import { toText } from './i18n/text.ts';

export interface PhaseSpec {
  id: string;
  title: string | LocalizedText;
}

/** What an operation's phases and log lines say: an engine string (maybe both languages) or a pair. */
export type OpText = string | LocalizedText;

export type OpEmitter = (event: OpEvent) => void;

export class Operation {
  readonly phases: PhaseInfo[];
  private readonly started = new Map<string, number>();
  private readonly running = new Set<string>();

  constructor(
    readonly opId: string,
    readonly kind: OpKind,
    specs: PhaseSpec[],
    private readonly emit: OpEmitter,
    readonly signal: AbortSignal,
    /** Tool processes still running; a cancelled operation names them in its failure. */
    private readonly leftoverPids: () => number[] = () => [],
  ) {
    this.phases = specs.map((s) => ({ id: s.id, title: toText(s.title), state: 'pending', fraction: 0 }));
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

  private elapsed(id: string): number {
    return Date.now() - (this.started.get(id) ?? Date.now());
  }

  progress(id: string, fraction: number, message?: OpText): void {
    if (this.info(id).state !== 'running') return;
    const f = Math.max(0, Math.min(1, fraction));
    this.update(id, { fraction: f, ...(message ? { message: toText(message) } : {}) });
  }

  log(id: string, line: OpText, stream: LogStream = 'info'): void {
    this.emit({ opId: this.opId, type: 'log', phaseId: id, stream, line: toText(line) });
  }

  skip(id: string, message: OpText): void {
    this.update(id, { state: 'skipped', fraction: 1, message: toText(message), durationMs: 0 });
  }

  /**
   * Runs one phase: running → done, or failed/cancelled with the error rethrown carrying the
   * phase. `body` may return a message for the finished phase; `isFailure` marks a phase failed
   * whose body returned normally (a lab step whose checks failed is a result, not an exception).
   */
  async phase<T>(id: string, body: () => Promise<T>, doneMessage?: (r: T) => OpText | undefined, isFailure?: (r: T) => boolean): Promise<T> {
    if (this.signal.aborted) throw cancelled(id);
    this.started.set(id, Date.now());
    this.running.add(id);
    this.update(id, { state: 'running', fraction: 0 });
    try {
      const result = await body();
      this.running.delete(id);
      const msg = doneMessage?.(result);
      this.update(id, { state: isFailure?.(result) ? 'failed' : 'done', fraction: 1, durationMs: this.elapsed(id), ...(msg ? { message: toText(msg) } : {}) });
      return result;
    } catch (err) {
      this.running.delete(id);
      const wasCancel = isCancellation(err) || this.signal.aborted;
      this.update(id, { state: wasCancel ? 'cancelled' : 'failed', durationMs: this.elapsed(id) });
      if (wasCancel) throw cancelled(id);
      throw new KindlabError(toFailure(err, id));
    }
  }

  /** Emits `started`, runs the body, emits `finished` with the outcome; rethrows failures as KindlabError. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.emit({ opId: this.opId, type: 'started', kind: this.kind, phases: this.snapshot() });
    try {
      const result = await body();
      this.emit({ opId: this.opId, type: 'finished', ok: true, durationMs: Date.now() - t0, phases: this.snapshot() });
      return result;
    } catch (err) {
      const wasCancel = isCancellation(err) || this.signal.aborted;
      for (const id of this.running) this.update(id, { state: wasCancel ? 'cancelled' : 'failed', durationMs: this.elapsed(id) });
      this.running.clear();
      const failure: Failure = wasCancel ? this.cancelFailure(err) : toFailure(err);
      this.emit({ opId: this.opId, type: 'finished', ok: false, failure, durationMs: Date.now() - t0, phases: this.snapshot() });
      throw new KindlabError(failure);
    }
  }

  /** Cancelled: where, and, should any tool outlive the cancel, which (the CLI prints it; tier 2 proves there is none). */
  private cancelFailure(err: unknown): Failure {
    const left = this.leftoverPids();
    const phase = phaseOf(err);
    return { ...cancelled().failure, ...(phase ? { phase } : {}), ...(left.length ? { diagnostics: [{ en: `still running: ${left.join(', ')}`, zh: `仍在运行：${left.join(', ')}` }] } : {}) };
  }

  snapshot(): PhaseInfo[] {
    return this.phases.map((p) => ({ ...p }));
  }
}

function phaseOf(err: unknown): string | undefined {
  return err instanceof KindlabError ? err.failure.phase : undefined;
}
