// The connection to the engine for the whole UI: the client, its connection state and the
// app info. Stores and components reach the engine through api() and nothing else.
import type { AppInfo, KindlabApi } from '../api/contract.ts';
import type { ApiClient, ConnectionStatus } from '../api/ws-client.ts';
import { hub } from '../events/hub.ts';
import { ops } from './ops.svelte.ts';

class Session {
  client: ApiClient | null = null;
  connection = $state<ConnectionStatus>({ state: 'connecting', attempt: 0, reconnected: false });
  /** Bumped each time a dropped connection comes back: views restart their watches and shells. */
  generation = $state(0);
  info = $state.raw<AppInfo | null>(null);
}

export const session = new Session();

export function api(): KindlabApi {
  if (!session.client) throw new Error('startSession() has not run');
  return session.client;
}

export function startSession(client: ApiClient): void {
  session.client = client;
  session.connection = client.status();
  // A reloaded page or a new connection finds the operations still running (a build, a lab
  // run) and hears the rest of them.
  const reattach = () =>
    void client.invoke('op:list', undefined).then(
      (r) => ops.attach(r.ops),
      () => undefined,
    );
  client.onStatus((s) => {
    session.connection = s;
    if (s.state === 'open' && s.reconnected) {
      session.generation += 1;
      reattach();
    }
  });
  hub.attach(client);
  reattach();
  void client.invoke('app:info', undefined).then(
    (info) => (session.info = info),
    () => undefined, // the version line is decoration; the screens report real failures
  );
}
