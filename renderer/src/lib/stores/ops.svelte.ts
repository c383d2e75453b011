// Every operation the UI has heard of, as OpViews, updated once per frame from the event hub.
import type { OpKind, RunningOp } from '../api/contract.ts';
import { hub } from '../events/hub.ts';
import { type OpView, applyOpEvents, attachRunning } from '../ops/progress.ts';

/** Finished operations kept for display; older ones (and their logs) are dropped. */
const KEEP_FINISHED = 8;

const LIFECYCLE_KINDS: readonly OpKind[] = ['up', 'down', 'reset-fast', 'reset-full'];

class OpsStore {
  byId = $state.raw<Record<string, OpView>>({});

  constructor() {
    hub.onOps((events) => {
      this.byId = prune(applyOpEvents(this.byId, events, Date.now()));
    });
  }

  /** What `op:list` found running (after a reload or a reconnect): its progress is drawn again. */
  attach(running: readonly RunningOp[]): void {
    this.byId = attachRunning(this.byId, running, Date.now());
  }

  /** The newest running lifecycle operation, also one started in another window. */
  get runningLifecycle(): OpView | null {
    return this.newestRunning(LIFECYCLE_KINDS);
  }

  /** The newest running operation of these kinds, whichever window started it. */
  newestRunning(kinds: readonly OpKind[]): OpView | null {
    const running = Object.values(this.byId).filter((v) => v.status === 'running' && v.kind !== null && kinds.includes(v.kind));
    return running.sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
  }
}

function prune(views: Record<string, OpView>): Record<string, OpView> {
  const finished = Object.values(views).filter((v) => v.status !== 'running');
  if (finished.length <= KEEP_FINISHED) return views;
  const drop = new Set(finished.sort((a, b) => a.startedAt - b.startedAt).slice(0, finished.length - KEEP_FINISHED).map((v) => v.opId));
  return Object.fromEntries(Object.entries(views).filter(([id]) => !drop.has(id)));
}

export const ops = new OpsStore();

/** An id for correlating a request with its events; works outside secure contexts too. */
export function newId(prefix = 'ui'): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
