// The engine: one object that implements the KindlabApi contract (electron/api.ts) for every
// host. The CLI calls it in-process, the browser-mode server and Electron's main process relay
// it. Long operations get an opId, stream OpEvents, hold the lifecycle lock and can be cancelled.
import type {
  AppInfo,
  Channel,
  ClusterSettings,
  EventEnvelope,
  KindlabApi,
  Lang,
  RequestOf,
  ResponseOf,
} from '../api.ts';
import { importManifests, listManifests } from './addons/manifest-import.ts';
import { runBundleExport, runBundleImport } from './bundle/ops.ts';
import { CacheService } from './cache/service.ts';
import { both } from './i18n/text.ts';
import { createManifestFetcher } from './addons/manifests.ts';
import { versionPins } from './addons/pins.ts';
import { ClusterLifecycle, DOWN_PHASES, RESET_FAST_PHASES, RESET_FULL_PHASES, UP_PHASES, phaseSpecs } from './cluster/lifecycle.ts';
import { renderKindConfig } from './cluster/kind-config.ts';
import { type EngineContext, createContext, nodeImageOf, requestSettings } from './context.ts';
import type { EngineConfig } from './env.ts';
import { preflightDoctor, runFullDoctor } from './doctor/entry.ts';
import { KindlabError } from './errors.ts';
import { type KubeClient, RestKubeClient } from './kube/client.ts';
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
  /** The environment the tools run in (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** What the host read from KINDLAB_* at start-up (readKindlabEnv); tests give theirs here. */
  config?: EngineConfig;
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
  readonly cache: CacheService;
  private readonly listeners = new Set<(e: EventEnvelope) => void>();
  private readonly ops: OperationRunner;
  private readonly watches: WatchManager;
  private readonly terminals: TerminalManager;
  private readonly handlers: Handlers;

  constructor(private readonly options: EngineOptions) {
    this.ctx = createContext({ lang: options.lang, ...(options.env ? { env: options.env } : {}), ...(options.config ? { config: options.config } : {}), ...(options.loginShellPath ? { loginShellPath: options.loginShellPath } : {}) });
    const makeClient = options.makeClient ?? ((path: string) => RestKubeClient.fromFile(path));
    this.ops = new OperationRunner({ dataDir: this.ctx.dataDir, emit: (payload) => this.emit({ event: 'op', payload }), runningPids: () => this.ctx.tools.runningPids() });
    // One lifecycle for every learner: what it says is written in both languages, and the host
    // that shows it picks one, so a window may switch language between requests (or during one).
    // The labs come first: a fast reset runs every lab's cleanup, and a lab run asks the lifecycle for the cluster.
    this.labs = new LabService(this.ctx, makeClient, () => this.lifecycle, this.ops);
    this.cache = new CacheService(this.ctx);
    this.lifecycle = new ClusterLifecycle({
      ctx: this.ctx,
      makeClient,
      fetcher: createManifestFetcher(this.ctx.dataDir),
      preflight: (settings, exists, signal) => preflightDoctor(this.ctx, settings, exists, signal),
      labCleanup: (client, log, signal) => this.labs.cleanupAll(client, log, signal),
      labObjects: (client) => countLabObjects(client),
      cache: this.cache,
    });
    this.watches = new WatchManager(this.ctx, makeClient, (e) => this.emit(e));
    this.terminals = new TerminalManager(this.ctx, (e) => this.emit(e));
    this.handlers = this.buildHandlers();
  }

  invoke<C extends Channel>(channel: C, req: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as ((r: RequestOf<C>) => Promise<ResponseOf<C>>) | undefined;
    if (!handler) {
      return Promise.reject(new KindlabError({ code: 'bad-input', message: { en: `unknown request ${String(channel)}`, zh: `未知的请求 ${String(channel)}` }, hint: { en: 'The UI and the engine are out of step; reload the window.', zh: '界面与引擎的版本不一致；请重新加载窗口。' } }));
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
  private settings(partial?: Partial<ClusterSettings>): ClusterSettings {
    return requestSettings(this.ctx, partial);
  }

  /** What the bundle's operations need of the engine. */
  private bundleHost() {
    return { ctx: this.ctx, ops: this.ops, cache: this.cache, version: this.options.version ?? '0.1.0', settings: (p?: Partial<ClusterSettings>) => this.settings(p) };
  }

  private buildHandlers(): Handlers {
    const lc = this.lifecycle;
    return {
      'app:info': async (): Promise<AppInfo> => ({
        version: this.options.version ?? '0.1.0',
        dataDir: this.ctx.dataDir,
        platform: this.ctx.platform,
        lang: this.ctx.lang,
        pins: versionPins(this.ctx.pins),
      }),
      'doctor:run': async (req) => runFullDoctor(this.ctx, this.settings(req?.settings)),
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
      'cluster:status': async (req) => lc.status(this.settings(req?.settings)),
      'cluster:up': async (req) => {
        const s = this.settings(req.settings);
        return this.ops.run('up', req.opId, phaseSpecs(UP_PHASES, s), { locked: true }, (op) => lc.up(s, op));
      },
      'cluster:down': async (req) => {
        const s = this.settings(req.settings);
        return this.ops.run('down', req.opId, phaseSpecs(DOWN_PHASES), { locked: true }, (op) => lc.down(s, op));
      },
      'cluster:reset': async (req) => {
        const s = this.settings(req.settings);
        if (req.mode === 'full') return this.ops.run('reset-full', req.opId, phaseSpecs(RESET_FULL_PHASES, s), { locked: true }, (op) => lc.resetFull(s, op));
        if (req.mode === 'fast') return this.ops.run('reset-fast', req.opId, phaseSpecs(RESET_FAST_PHASES), { locked: true }, (op) => lc.resetFast(s, op));
        throw new KindlabError({ code: 'bad-input', message: { en: `unknown reset mode "${String(req.mode)}"`, zh: `未知的重置方式“${String(req.mode)}”` }, hint: { en: 'Use fast or full.', zh: '请使用 fast 或 full。' } });
      },
      'op:cancel': async (req) => ({ cancelled: this.ops.cancel(req.opId) }),
      'op:list': async () => ({ ops: this.ops.list() }),
      'manifests:list': async () => ({ manifests: await listManifests(this.ctx.pins.manifests, this.ctx.dataDir), cacheDir: manifestCacheDir(this.ctx.dataDir) }),
      'manifests:import': async (req) => importManifests(req.dir, this.ctx.pins.manifests, this.ctx.dataDir),
      'cache:status': async (req) => this.cache.status({ enabled: lc.cacheOn(this.settings(req?.settings)), mode: this.ctx.cache.mode }),
      'cache:warm': async (req) => {
        const mode = req.mode ?? this.ctx.cache.mode;
        const upstreams = this.cache.upstreams();
        const phases = [{ id: 'cache', title: both({ en: 'Start the image cache', zh: '启动镜像缓存' }) }, ...upstreams.map((u) => ({ id: u, title: both({ en: `Fill the ${u} cache`, zh: `填充 ${u} 的缓存` }) }))];
        return this.ops.run('cache-warm', req.opId, phases, { locked: true }, async (op) => {
          await op.phase('cache', () => this.cache.ensure(mode, { signal: op.signal, say: (t) => op.log('cache', both(t)) }), (r) => both({ en: `${r.running.length} caches running`, zh: `${r.running.length} 个缓存在运行` }));
          const started = new Set<string>();
          const finish = new Map<string, () => void>();
          // One phase per upstream, its fraction per image; phases run in the inventory's order.
          const warmed = this.cache.warm(mode, {
            signal: op.signal,
            onImage: (p) => {
              if (!started.has(p.upstream)) {
                started.add(p.upstream);
                let done: () => void = () => undefined;
                const gate = new Promise<void>((r) => (done = r));
                finish.set(p.upstream, done);
                void op.phase(p.upstream, () => gate).catch(() => undefined);
              }
              const verb = { cached: { en: 'cached', zh: '已缓存' }, already: { en: 'already cached', zh: '早已缓存' }, skipped: { en: 'skipped (not on this machine)', zh: '跳过（本机没有）' }, failed: { en: 'failed', zh: '失败' } }[p.outcome];
              op.log(p.upstream, both({ en: `${p.ref}: ${verb.en}${p.detail ? ` (${p.detail})` : ''}`, zh: `${p.ref}：${verb.zh}${p.detail ? `（${p.detail}）` : ''}` }), p.outcome === 'failed' || p.outcome === 'skipped' ? 'warn' : 'info');
              op.progress(p.upstream, p.done / p.total, both({ en: `${p.done}/${p.total} images`, zh: `${p.done}/${p.total} 个镜像` }));
              if (p.done === p.total) finish.get(p.upstream)?.();
            },
          });
          // Whatever happens, no upstream's phase is left waiting.
          const { failed } = await warmed.finally(() => {
            for (const f of finish.values()) f();
          });
          for (const u of upstreams) if (!started.has(u)) op.skip(u, both({ en: 'no images', zh: '没有镜像' }));
          const status = await this.cache.status({ enabled: true, mode, signal: op.signal });
          if (failed.length > 0) {
            throw new KindlabError({
              code: 'command-failed',
              message: { en: `${failed.length} images could not be cached: ${failed.map((f) => f.ref).join(', ')}`, zh: `有 ${failed.length} 个镜像无法缓存：${failed.map((f) => f.ref).join(', ')}` },
              hint: {
                en: 'Docker Hub allows 10 anonymous pulls an hour: log in (`docker login`) and run `kindlab cache warm` again; it resumes where it stopped. Behind a proxy, give the Docker daemon its proxy settings.',
                zh: 'Docker Hub 每小时只允许 10 次匿名拉取：请登录（`docker login`）后再次运行 `kindlab cache warm`，它会从中断处继续。若在代理之后，请为 Docker 守护进程配置代理。',
              },
            });
          }
          return status;
        });
      },
      'cache:clear': async (req) =>
        this.ops.run('cache-clear', req.opId, [{ id: 'clear', title: both({ en: 'Remove the image caches', zh: '删除镜像缓存' }) }], { locked: true }, (op) =>
          op.phase('clear', () => this.cache.clear(op.signal), (r) => both({ en: `removed ${r.removed.length ? r.removed.join(', ') : 'nothing'}`, zh: `已删除 ${r.removed.length ? r.removed.join('、') : '（无）'}` })),
        ),
      'bundle:export': async (req) => runBundleExport(this.bundleHost(), req),
      'bundle:import': async (req) => runBundleImport(this.bundleHost(), req),
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
