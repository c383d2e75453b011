// The engine: one object that implements the KindlabApi contract (electron/api.ts) for every
// host. The CLI calls it in-process, the browser-mode server and Electron's main process relay
// it. Long operations get an opId, stream OpEvents, hold the lifecycle lock and can be cancelled.
import type {
  AppInfo,
  Channel,
  ClusterSettings,
  EventEnvelope,
  KindlabApi,
  KindlabRequests,
  Lang,
  RequestOf,
  ResponseOf,
} from '../api.ts';
import { importManifests, listManifests } from './addons/manifest-import.ts';
import { createManifestFetcher } from './addons/manifests.ts';
import { versionPins } from './addons/pins.ts';
import { ClusterLifecycle, DOWN_PHASES, RESET_FAST_PHASES, RESET_FULL_PHASES, UP_PHASES, phaseSpecs } from './cluster/lifecycle.ts';
import { renderKindConfig } from './cluster/kind-config.ts';
import { type EngineContext, createContext, nodeImageOf, requestSettings } from './context.ts';
import { preflightDoctor, runFullDoctor } from './doctor/entry.ts';
import { KindlabError } from './errors.ts';
import { type KubeClient, RestKubeClient } from './kube/client.ts';
import { ToolRunner } from './tools/run.ts';
import { countLabObjects } from './labs/cleanup.ts';
import { LabService } from './labs/service.ts';
import { parseNetworkInspect } from './network/inspect.ts';
import { computePools } from './network/pools.ts';
import { OperationRunner } from './operation-runner.ts';
import { manifestCacheDir } from './paths.ts';
import { TerminalManager } from './terminal/manager.ts';
import { WatchManager } from './watch/manager.ts';

export interface EngineOptions {
  lang: Lang;
  env?: NodeJS.ProcessEnv;
  loginShellPath?: string;
  version?: string;
  /** Tests and tier 3 may supply their own API client factory. */
  makeClient?: (kubeconfig: string) => KubeClient;
}

type Handlers = { [C in Channel]: (req: RequestOf<C>) => Promise<ResponseOf<C>> };

export class Engine implements KindlabApi {
  readonly ctx: EngineContext;
  readonly lifecycle: ClusterLifecycle;
  readonly labs: LabService;
  private readonly listeners = new Set<(e: EventEnvelope) => void>();
  private readonly ops: OperationRunner;
  private readonly watches: WatchManager;
  private readonly terminals: TerminalManager;
  private readonly handlers: Handlers;
  /** The context and lifecycle per language: the UI may switch language between requests. */
  private readonly scopes = new Map<Lang, { ctx: EngineContext; lifecycle: ClusterLifecycle }>();
  private readonly makeClient: (kubeconfig: string) => KubeClient;

  constructor(private readonly options: EngineOptions) {
    this.ctx = createContext({ lang: options.lang, ...(options.env ? { env: options.env } : {}), ...(options.loginShellPath ? { loginShellPath: options.loginShellPath } : {}) });
    this.makeClient = options.makeClient ?? ((path: string) => RestKubeClient.fromFile(path));
    const makeClient = this.makeClient;
    this.ops = new OperationRunner({ dataDir: this.ctx.dataDir, emit: (payload) => this.emit({ event: 'op', payload }), runningPids: () => this.ctx.tools.runningPids() });
    // The labs before the lifecycles: a fast reset runs every lab's cleanup, so scope() hands
    // each lifecycle this.labs, and a lab run asks the lifecycle of its language for the cluster.
    this.labs = new LabService(this.ctx, makeClient, (lang) => this.scope(lang).lifecycle, this.ops);
    this.lifecycle = this.scope(options.lang).lifecycle;
    this.watches = new WatchManager(this.ctx, makeClient, (e) => this.emit(e));
    this.terminals = new TerminalManager(this.ctx, (e) => this.emit(e));
    this.handlers = this.buildHandlers();
  }

  /** The context and lifecycle speaking `lang` (the engine's own language by default). */
  private scope(lang: Lang = this.options.lang): { ctx: EngineContext; lifecycle: ClusterLifecycle } {
    let s = this.scopes.get(lang);
    if (!s) {
      const ctx = lang === this.ctx.lang ? this.ctx : { ...this.ctx, lang, tools: new ToolRunner(this.ctx.tools.paths, this.ctx.env, lang) };
      const lifecycle = new ClusterLifecycle({
        ctx,
        makeClient: this.makeClient,
        fetcher: createManifestFetcher(ctx.dataDir, { lang: ctx.lang }),
        preflight: (settings, exists, signal) => preflightDoctor(ctx, settings, exists, signal),
        labCleanup: (client, log, signal) => this.labs.cleanupAll(client, log, signal, ctx.lang),
        labObjects: (client) => countLabObjects(client),
      });
      s = { ctx, lifecycle };
      this.scopes.set(lang, s);
    }
    return s;
  }

  invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as ((r: RequestOf<C>) => Promise<ResponseOf<C>>) | undefined;
    if (!handler) {
      return Promise.reject(new KindlabError({ code: 'bad-input', message: `unknown request ${String(channel)}`, hint: 'The UI and the engine are out of step; reload the window.' }));
    }
    return handler(req);
  }

  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EventEnvelope): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a broken listener must not break the operation
      }
    }
  }

  /** Cancels every running operation, watch and terminal (window closed, server stopping). */
  async shutdown(): Promise<void> {
    this.ops.cancelAll();
    this.watches.stopAll();
    this.terminals.closeAll();
  }

  /** A request's settings; what is not asked for is what the cluster was built with. */
  private settings(partial?: Partial<ClusterSettings>, lang: Lang = this.ctx.lang): ClusterSettings {
    return requestSettings(this.ctx, partial, lang);
  }

  private buildHandlers(): Handlers {
    const lc = this.lifecycle;
    const L = (lang?: Lang) => this.scope(lang).lifecycle;
    return {
      'app:info': async (): Promise<AppInfo> => ({
        version: this.options.version ?? '0.1.0',
        dataDir: this.ctx.dataDir,
        platform: this.ctx.platform,
        lang: this.ctx.lang,
        pins: versionPins(this.ctx.pins),
      }),
      'doctor:run': async (req) => runFullDoctor(this.scope(req?.lang).ctx, this.settings(req?.settings, req?.lang)),
      'config:kind': async (req) => {
        const s = this.settings(req?.settings);
        const cgroupV1 = (await lc.engineCgroupVersion().catch(() => '')) === '1';
        return { yaml: renderKindConfig(s, { nodeImage: nodeImageOf(s, this.ctx.pins), cgroupV1 }) };
      },
      'pools:compute': async (req) => {
        if (req?.inspectJson !== undefined) return computePools(parseNetworkInspect(req.inspectJson));
        return lc.poolPlan();
      },
      'cluster:plan': async (req) => lc.plan(this.settings(req?.settings)),
      'cluster:status': async (req) => L(req?.lang).status(this.settings(req?.settings, req?.lang)),
      'cluster:up': async (req) => {
        const s = this.settings(req.settings, req.lang);
        const lang = req.lang ?? this.ctx.lang;
        return this.ops.run('up', req.opId, phaseSpecs(UP_PHASES, lang, s), { locked: true, lang }, (op) => L(lang).up(s, op));
      },
      'cluster:down': async (req) => {
        const s = this.settings(req.settings, req.lang);
        const lang = req.lang ?? this.ctx.lang;
        return this.ops.run('down', req.opId, phaseSpecs(DOWN_PHASES, lang), { locked: true, lang }, (op) => L(lang).down(s, op));
      },
      'cluster:reset': async (req) => {
        const s = this.settings(req.settings, req.lang);
        const lang = req.lang ?? this.ctx.lang;
        if (req.mode === 'full') return this.ops.run('reset-full', req.opId, phaseSpecs(RESET_FULL_PHASES, lang, s), { locked: true, lang }, (op) => L(lang).resetFull(s, op));
        if (req.mode === 'fast') return this.ops.run('reset-fast', req.opId, phaseSpecs(RESET_FAST_PHASES, lang), { locked: true, lang }, (op) => L(lang).resetFast(s, op));
        throw new KindlabError({ code: 'bad-input', message: `unknown reset mode "${String(req.mode)}"`, hint: 'Use fast or full.' });
      },
      'op:cancel': async (req) => ({ cancelled: this.ops.cancel(req.opId) }),
      'op:list': async () => ({ ops: this.ops.list() }),
      'manifests:list': async () => ({ manifests: await listManifests(this.ctx.pins.manifests, this.ctx.dataDir), cacheDir: manifestCacheDir(this.ctx.dataDir) }),
      'manifests:import': async (req) => importManifests(req.dir, this.ctx.pins.manifests, this.ctx.dataDir, req.lang ?? this.ctx.lang),
      'labs:list': async (req) => this.labs.list(req?.dir),
      'labs:validate': async (req) => ({ problems: this.labs.validate(req?.dir) }),
      'lab:get': async (req) => this.labs.detail(req.id, req.lang, req.settings),
      'lab:run': async (req) => this.labs.run(req),
      'lab:cleanup': async (req) => this.labs.cleanup(req),
      'watch:start': async (req) => this.watches.start(req.watchId, req.target, this.settings()),
      'watch:stop': async (req) => this.watches.stop(req.watchId),
      'terminal:open': async (req) => this.terminals.open(req, this.settings()),
      'terminal:input': async (req) => this.terminals.input(req.sessionId, req.data),
      'terminal:resize': async (req) => this.terminals.resize(req.sessionId, req.cols, req.rows),
      'terminal:ack': async (req) => this.terminals.ack(req.sessionId, req.chars),
      'terminal:close': async (req) => this.terminals.close(req.sessionId),
    };
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}

export type { KindlabRequests };
