// The engine: one object that implements the KindlabApi contract (electron/api.ts) for every
// host. The CLI calls it in-process, the browser-mode server and Electron's main process relay
// it. Long operations get an opId, stream OpEvents, hold the lifecycle lock and can be cancelled.
import { randomUUID } from 'node:crypto';
import type {
  AppInfo,
  Channel,
  ClusterSettings,
  EventEnvelope,
  KindlabApi,
  KindlabRequests,
  Lang,
  OpKind,
  RequestOf,
  ResponseOf,
} from '../api.ts';
import { importManifests, listManifests } from './addons/manifest-import.ts';
import { createManifestFetcher } from './addons/manifests.ts';
import { versionPins } from './addons/pins.ts';
import { ClusterLifecycle, DOWN_PHASES, RESET_FAST_PHASES, RESET_FULL_PHASES, UP_PHASES, phaseSpecs } from './cluster/lifecycle.ts';
import { renderKindConfig } from './cluster/kind-config.ts';
import { acquireLifecycleLock } from './cluster/lock.ts';
import { type EngineContext, createContext, nodeImageOf, requestSettings } from './context.ts';
import { preflightDoctor, runFullDoctor } from './doctor/entry.ts';
import { KindlabError } from './errors.ts';
import { type KubeClient, RestKubeClient } from './kube/client.ts';
import { ToolRunner } from './tools/run.ts';
import { countLabObjects } from './labs/cleanup.ts';
import { LabService } from './labs/service.ts';
import { parseNetworkInspect } from './network/inspect.ts';
import { computePools } from './network/pools.ts';
import { Operation, type PhaseSpec } from './operation.ts';
import { lockFile, manifestCacheDir } from './paths.ts';
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
  private readonly ops = new Map<string, AbortController>();
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
    this.lifecycle = this.scope(options.lang).lifecycle;
    this.labs = new LabService(this.ctx, makeClient, this.lifecycle);
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
    for (const ac of this.ops.values()) ac.abort();
    this.watches.stopAll();
    this.terminals.closeAll();
  }

  runningToolPids(): number[] {
    return this.ctx.tools.runningPids();
  }

  /** A request's settings; what is not asked for is what the cluster was built with. */
  private settings(partial?: Partial<ClusterSettings>, lang: Lang = this.ctx.lang): ClusterSettings {
    return requestSettings(this.ctx, partial, lang);
  }

  /** Runs a long operation under the lifecycle lock (when it mutates the cluster), with events and cancel. */
  async operation<T>(kind: OpKind, opId: string | undefined, phases: readonly (string | PhaseSpec)[], locked: boolean, body: (op: Operation) => Promise<T>, lang: Lang = this.ctx.lang): Promise<T> {
    const id = opId ?? randomUUID();
    if (this.ops.has(id)) throw new KindlabError({ code: 'bad-input', message: `operation id ${id} is already in use`, hint: 'Use a fresh opId for each operation.' });
    const lock = locked ? acquireLifecycleLock(lockFile(this.ctx.dataDir), kind, lang) : null;
    const ac = new AbortController();
    this.ops.set(id, ac);
    const specs = phases.map((p) => (typeof p === 'string' ? (phaseSpecs([p], lang)[0] as PhaseSpec) : p));
    const op = new Operation(id, kind, specs, (payload) => this.emit({ event: 'op', payload }), ac.signal, lang);
    try {
      return await op.run(() => body(op));
    } finally {
      this.ops.delete(id);
      lock?.release();
    }
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
        return this.operation('up', req.opId, phaseSpecs(UP_PHASES, req.lang ?? this.ctx.lang, s), true, (op) => L(req.lang).up(s, op), req.lang);
      },
      'cluster:down': async (req) => {
        const s = this.settings(req.settings, req.lang);
        return this.operation('down', req.opId, DOWN_PHASES, true, (op) => L(req.lang).down(s, op), req.lang);
      },
      'cluster:reset': async (req) => {
        const s = this.settings(req.settings, req.lang);
        if (req.mode === 'full') return this.operation('reset-full', req.opId, phaseSpecs(RESET_FULL_PHASES, req.lang ?? this.ctx.lang, s), true, (op) => L(req.lang).resetFull(s, op), req.lang);
        if (req.mode === 'fast') return this.operation('reset-fast', req.opId, RESET_FAST_PHASES, true, (op) => L(req.lang).resetFast(s, op), req.lang);
        throw new KindlabError({ code: 'bad-input', message: `unknown reset mode "${String(req.mode)}"`, hint: 'Use fast or full.' });
      },
      'op:cancel': async (req) => {
        const ac = this.ops.get(req.opId);
        if (!ac) return { cancelled: false };
        ac.abort();
        return { cancelled: true };
      },
      'manifests:list': async () => ({ manifests: await listManifests(this.ctx.pins.manifests, this.ctx.dataDir), cacheDir: manifestCacheDir(this.ctx.dataDir) }),
      'manifests:import': async (req) => importManifests(req.dir, this.ctx.pins.manifests, this.ctx.dataDir, req.lang ?? this.ctx.lang),
      'labs:list': async (req) => this.labs.list(req?.dir),
      'labs:validate': async (req) => ({ problems: this.labs.validate(req?.dir) }),
      'lab:get': async (req) => this.labs.detail(req.id, req.lang, req.settings),
      'lab:run': async (req) => this.labs.run(this, req),
      'lab:cleanup': async (req) => this.labs.cleanup(this, req),
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
