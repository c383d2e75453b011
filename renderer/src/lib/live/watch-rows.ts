// Folds WatchEvents into the current set of rows, keyed by uid. Pure.
import type { ResourceRow, WatchEvent } from '../api/contract.ts';

export function applyWatchEvents(rows: ReadonlyMap<string, ResourceRow>, events: readonly WatchEvent[]): Map<string, ResourceRow> {
  let next = new Map(rows);
  for (const e of events) {
    if (e.type === 'snapshot') next = new Map(e.rows.map((r) => [r.uid, r]));
    else if (e.type === 'upsert') next.set(e.row.uid, e.row);
    else if (e.type === 'delete') next.delete(e.uid);
  }
  return next;
}
