// The UI's single subscription to the engine's events. Operation and watch events are batched
// per animation frame (a cluster build streams hundreds of log lines a second); terminal output
// goes straight through, because xterm.js does its own buffering and typing must feel instant.
import type { EventEnvelope, KindlabApi, KindlabEvents, OpEvent, WatchEvent } from '../api/contract.ts';
import { createFrameBatcher } from './frame-batcher.ts';

type TerminalEvent = { event: 'terminal:data'; payload: KindlabEvents['terminal:data'] } | { event: 'terminal:exit'; payload: KindlabEvents['terminal:exit'] };

class EventHub {
  private readonly opHandlers = new Set<(events: OpEvent[]) => void>();
  private readonly watchHandlers = new Map<string, (events: WatchEvent[]) => void>();
  private readonly terminalHandlers = new Set<(e: TerminalEvent) => void>();
  private readonly ops = createFrameBatcher<OpEvent>((events) => {
    for (const h of this.opHandlers) h(events);
  });
  private readonly watches = createFrameBatcher<WatchEvent>((events) => {
    const byWatch = new Map<string, WatchEvent[]>();
    for (const e of events) byWatch.set(e.watchId, [...(byWatch.get(e.watchId) ?? []), e]);
    for (const [id, list] of byWatch) this.watchHandlers.get(id)?.(list);
  });

  attach(api: KindlabApi): () => void {
    return api.subscribe((e: EventEnvelope) => {
      if (e.event === 'op') this.ops.push(e.payload);
      else if (e.event === 'watch') this.watches.push(e.payload);
      else for (const h of this.terminalHandlers) h(e);
    });
  }

  onOps(handler: (events: OpEvent[]) => void): () => void {
    this.opHandlers.add(handler);
    return () => this.opHandlers.delete(handler);
  }

  onWatch(watchId: string, handler: (events: WatchEvent[]) => void): () => void {
    this.watchHandlers.set(watchId, handler);
    return () => this.watchHandlers.delete(watchId);
  }

  onTerminal(handler: (e: TerminalEvent) => void): () => void {
    this.terminalHandlers.add(handler);
    return () => this.terminalHandlers.delete(handler);
  }
}

export const hub = new EventHub();
