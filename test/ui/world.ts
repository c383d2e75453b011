// What the UI tier drives: the real browser-mode server (electron/server/serve.ts) started in
// this process, over the real engine, in the fake world of test/fakes (fake docker/kind/kubectl
// and a fake Kubernetes API server). Nothing here touches the machine's own Docker or ~/.kube.
import type { Lang } from '../../electron/api.ts';
import { type Engine, createEngine } from '../../electron/engine/engine.ts';
import { readKindlabEnv } from '../../electron/engine/env.ts';
import { type RunningServer, startServer } from '../../electron/server/serve.ts';
import { type FakeWorld, type FakeWorldOptions, createFakeWorld } from '../fakes/harness.ts';
import { SERVICES_LAB_RECORDINGS } from './recordings.ts';

export interface UiWorld {
  world: FakeWorld;
  engine: Engine;
  server: RunningServer;
  /** The URL with the one-time token, as `kindlab serve` prints it. */
  url: string;
  /** Stops the server only (the page sees the connection drop); `restart` brings it back. */
  stopServer(): Promise<void>;
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startUiWorld(opts: FakeWorldOptions & { lang?: Lang } = {}): Promise<UiWorld> {
  const world = await createFakeWorld(opts);
  for (const [name, rec] of Object.entries(SERVICES_LAB_RECORDINGS)) world.addKubectlRecording(name, rec);
  const lang = opts.lang ?? 'en';
  // The embedded terminal runs bash inside the fake HOME; no history file, so nothing writes
  // into the world's folder while it is being removed.
  const env = { ...world.env, SHELL: '/bin/bash', HISTFILE: '/dev/null' };
  // This test is the host here: it reads the world's KINDLAB_* switches, as the CLI does at start-up.
  const engine = createEngine({ lang, env, config: readKindlabEnv(env) });
  // A restart keeps the token and the cookie's secret: the page stays signed in and reconnects.
  const serve = (port: number, keep?: { token: string; secret: string }) => startServer({ engine, port, host: '127.0.0.1', lang, log: () => undefined, ...(keep ?? {}) });
  let server = await serve(0);
  const ui: UiWorld = {
    world,
    engine,
    get server() {
      return server;
    },
    url: server.url,
    async stopServer() {
      await server.close();
    },
    async restartServer() {
      server = await serve(server.port, { token: server.token, secret: server.secret });
    },
    async close() {
      await server.close().catch(() => undefined);
      await engine.shutdown();
      // The shells get SIGHUP from shutdown(); give them a moment to go before the folder does.
      await new Promise((r) => setTimeout(r, 200));
      await world.close();
    },
  };
  return ui;
}
