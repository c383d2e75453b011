// The Electron side of the contract without Electron: turns one invoke into an Envelope (failures
// as data, never a rejected IPC call), refuses unknown channels before the engine, and remembers
// the terminals and watches a window opened so they can be closed when it reloads or closes.
import type { Envelope, KindlabApi } from '../api.ts';
import { KindlabError, toFailure } from '../engine/errors.ts';
import { isChannel } from '../hosts/channels.ts';

export interface IpcBridge {
  invoke(channel: unknown, req: unknown): Promise<Envelope<unknown>>;
  /** Closes every terminal and watch this window opened (reload, crash, close). */
  releaseAll(): Promise<void>;
}

export function createIpcBridge(engine: KindlabApi): IpcBridge {
  const terminals = new Set<string>();
  const watches = new Set<string>();
  return {
    async invoke(channel, req) {
      if (!isChannel(channel)) {
        return { ok: false, failure: { code: 'bad-input', message: `unknown request ${String(channel)}`, hint: 'The window and the app are out of step; reload the window (Ctrl+R).' } };
      }
      try {
        const result = await engine.invoke(channel, req as never);
        if (channel === 'terminal:open') terminals.add((result as { sessionId: string }).sessionId);
        if (channel === 'terminal:close') terminals.delete((req as { sessionId: string }).sessionId);
        if (channel === 'watch:start') watches.add((req as { watchId: string }).watchId);
        if (channel === 'watch:stop') watches.delete((req as { watchId: string }).watchId);
        return { ok: true, result };
      } catch (err) {
        return { ok: false, failure: err instanceof KindlabError ? err.failure : toFailure(err) };
      }
    },
    async releaseAll() {
      const closing = [
        ...[...terminals].map((sessionId) => engine.invoke('terminal:close', { sessionId })),
        ...[...watches].map((watchId) => engine.invoke('watch:stop', { watchId })),
      ];
      terminals.clear();
      watches.clear();
      await Promise.allSettled(closing);
    },
  };
}

/** Only the app's own page, in its main frame, may call the engine. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appOrigin: string): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    return new URL(frameUrl).origin === appOrigin || frameUrl.startsWith(`${appOrigin}/`);
  } catch {
    return false;
  }
}
