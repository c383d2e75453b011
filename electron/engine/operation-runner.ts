// The operation runner: every long operation (cluster up, down, reset, a lab run or cleanup)
// goes through it. It keeps the running operations by id, takes the lifecycle lock for those
// that change the cluster, streams their OpEvents and cancels them. The engine and the lab
// service are both given it, so neither needs the other to run an operation.
import { randomUUID } from 'node:crypto';
import type { OpKind, RunningOp } from '../api.ts';
import { acquireLifecycleLock } from './cluster/lock.ts';
import { KindlabError } from './errors.ts';
import { type OpEmitter, Operation, type PhaseSpec } from './operation.ts';
import { lockFile, missingFolders, pruneEmpty } from './paths.ts';

export interface RunOptions {
  /** Holds the lifecycle lock while it runs (up, down, reset): one at a time, across processes. */
  locked: boolean;
}

/** What a caller needs to run an operation; the lab service gets only this. */
export interface OperationHost {
  run<T>(kind: OpKind, opId: string | undefined, phases: readonly PhaseSpec[], options: RunOptions, body: (op: Operation) => Promise<T>): Promise<T>;
}

export interface OperationRunnerDeps {
  dataDir: string;
  emit: OpEmitter;
  /** Tool processes still running: a cancelled operation names any it left behind. */
  runningPids(): number[];
}

interface Running {
  op: Operation;
  ac: AbortController;
  startedAt: number;
  log: RunningOp['log'];
}

/** Log lines kept per running operation for `op:list` (a reloaded window's log starts here). */
const LIST_LOG_LINES = 200;

export class OperationRunner implements OperationHost {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: OperationRunnerDeps) {}

  async run<T>(kind: OpKind, opId: string | undefined, phases: readonly PhaseSpec[], options: RunOptions, body: (op: Operation) => Promise<T>): Promise<T> {
    const id = opId ?? randomUUID();
    if (this.running.has(id)) throw new KindlabError({ code: 'bad-input', message: { en: `operation id ${id} is already in use`, zh: `操作 ID ${id} 已被占用` }, hint: { en: 'Use a fresh opId for each operation.', zh: '每个操作请使用新的 opId。' } });
    const created = options.locked ? missingFolders(this.deps.dataDir) : [];
    const lock = options.locked ? acquireLifecycleLock(lockFile(this.deps.dataDir), kind) : null;
    const ac = new AbortController();
    const log: RunningOp['log'] = [];
    const emit: typeof this.deps.emit = (e) => {
      if (e.type === 'log') {
        log.push({ phaseId: e.phaseId, stream: e.stream, line: e.line });
        if (log.length > LIST_LOG_LINES) log.splice(0, log.length - LIST_LOG_LINES);
      }
      this.deps.emit(e);
    };
    const op = new Operation(id, kind, [...phases], emit, ac.signal, () => this.deps.runningPids());
    this.running.set(id, { op, ac, startedAt: Date.now(), log });
    try {
      return await op.run(() => body(op));
    } finally {
      this.running.delete(id);
      lock?.release();
      // A failed first `up` (kind missing, say) made the data folder only to hold the lock.
      pruneEmpty(created);
    }
  }

  /** Cancels one operation; false when none of that id is running. */
  cancel(opId: string): boolean {
    const r = this.running.get(opId);
    if (!r) return false;
    r.ac.abort();
    return true;
  }

  /** The running operations, each with its phases now and its newest log lines. */
  list(): RunningOp[] {
    return [...this.running.values()].map((r) => ({ opId: r.op.opId, kind: r.op.kind, phases: r.op.snapshot(), startedAt: r.startedAt, log: [...r.log] }));
  }

  cancelAll(): void {
    for (const r of this.running.values()) r.ac.abort();
  }
}
