// The one place that decides how the UI reaches the engine: the Electron preload bridge when
// it exists, otherwise the WebSocket that `kindlab serve` offers on the page's own origin.
import type { KindlabApi } from './contract.ts';
import { createPreloadClient } from './preload-client.ts';
import { type ApiClient, createWsClient } from './ws-client.ts';

declare global {
  interface Window {
    /** Set by electron/preload.ts through contextBridge; absent in browser mode. */
    kindlab?: KindlabApi;
  }
}

function apiUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api`;
}

export function createClient(win: Window = window): ApiClient {
  if (win.kindlab) return createPreloadClient(win.kindlab);
  return createWsClient({ url: apiUrlFor(win.location) });
}
