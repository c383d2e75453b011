// Electron: window.kindlab comes from electron/preload.ts. Its rejections are plain Errors (the
// contextBridge drops custom properties), so this adapter turns them back into ApiFailures.
import { decodeFailure } from '../../../../electron/shared/bridge-codec.ts';
import type { Channel, KindlabApi, RequestOf, ResponseOf } from './contract.ts';
import { ApiFailure } from './failure.ts';
import type { ApiClient } from './ws-client.ts';

function rehydrateError(err: unknown): unknown {
  if (err instanceof ApiFailure) return err;
  const failure = decodeFailure(err instanceof Error ? err.message : String(err));
  return failure ? new ApiFailure(failure) : err;
}

/** The preload bridge as a client: always connected (IPC has no connection to lose). */
export function createPreloadClient(bridge: KindlabApi): ApiClient {
  const status = { state: 'open', attempt: 0, reconnected: false } as const;
  return {
    invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
      return bridge.invoke(channel, req).catch((err: unknown) => {
        throw rehydrateError(err);
      });
    },
    subscribe: (listener) => bridge.subscribe(listener),
    status: () => status,
    onStatus: () => () => undefined,
    retryNow: () => undefined,
    close: () => undefined,
  };
}
