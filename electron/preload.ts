// The bridge between the sandboxed page and the main process: exactly the KindlabApi surface
// ({invoke, subscribe}) and nothing else. Bundled to CommonJS (out/preload.cjs), because a
// sandboxed preload cannot load ES modules.
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import type { Channel, Envelope, EventEnvelope, KindlabApi, RequestOf, ResponseOf } from './api.ts';
import { encodeFailure } from './shared/bridge-codec.ts';

const api: KindlabApi = {
  async invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
    const envelope = (await ipcRenderer.invoke('kindlab:invoke', channel, req)) as Envelope<ResponseOf<C>>;
    if (envelope.ok) return envelope.result;
    // The bridge keeps only an Error's message, so the Failure travels inside it; the renderer's
    // adapter (renderer/src/lib/api/preload-client.ts) turns it back into an ApiFailure.
    throw new Error(encodeFailure(envelope.failure));
  },
  subscribe(listener: (event: EventEnvelope) => void): () => void {
    const relay = (_event: IpcRendererEvent, envelope: EventEnvelope) => listener(envelope);
    ipcRenderer.on('kindlab:event', relay);
    return () => {
      ipcRenderer.removeListener('kindlab:event', relay);
    };
  },
};

contextBridge.exposeInMainWorld('kindlab', api);
