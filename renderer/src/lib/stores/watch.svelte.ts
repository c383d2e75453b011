// One live list of cluster objects (watch:start … watch:stop), as reactive rows.
import type { Failure, ResourceRow, WatchTarget } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import { hub } from '../events/hub.ts';
import { applyWatchEvents } from '../live/watch-rows.ts';
import { newId } from './ops.svelte.ts';
import { api } from './session.svelte.ts';

export class LiveWatch {
  rows = $state.raw<ResourceRow[]>([]);
  failure = $state.raw<Failure | null>(null);
  /** The first snapshot arrived. */
  loaded = $state(false);
  private map = new Map<string, ResourceRow>();

  constructor(private readonly target: WatchTarget) {}

  /** Starts watching; the returned function stops it (call it when the view goes away). */
  start(): () => void {
    const watchId = newId(`watch-${this.target.kind}`);
    const off = hub.onWatch(watchId, (events) => {
      this.map = applyWatchEvents(this.map, events);
      this.rows = [...this.map.values()];
      const last = events[events.length - 1];
      if (last?.type === 'error') this.failure = last.failure;
      else if (events.some((e) => e.type === 'snapshot')) {
        this.failure = null;
        this.loaded = true;
      }
    });
    api()
      .invoke('watch:start', { watchId, target: this.target })
      .catch((err: unknown) => (this.failure = failureOf(err)));
    return () => {
      off();
      void api()
        .invoke('watch:stop', { watchId })
        .catch(() => undefined);
    };
  }
}
