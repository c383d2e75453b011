// What every engine module gets: the learner's language, the environment with a repaired
// PATH (for the tools it runs), the resolved tools, the pins, the data folder and the typed
// configuration its host read from KINDLAB_* (env.ts). Built once per host.
import { homedir } from 'node:os';
import type { CacheMode, ClusterSettings, Lang } from '../api.ts';
import { type Pins, loadPins } from './addons/pins.ts';
import { kindInstall, kubectlInstall } from './doctor/install.ts';
import { type Choices, assertCni, assertIngress, assertNodeImage, readChoices } from './cluster/choices.ts';
import { assertClusterName } from './cluster/name.ts';
import { type EngineConfig, type SettingsDefaults, readKindlabEnv } from './env.ts';
import type { CommandPolicy } from './labs/actions.ts';
import { clusterPaths, defaultDataDir } from './paths.ts';
import { repairPath } from './tools/path-repair.ts';
import { resolveTools } from './tools/resolve.ts';
import { ToolRunner, installHint } from './tools/run.ts';

export interface EngineContext {
  /** The learner's language where one must be chosen (the UI's first screen); text is written in both. */
  lang: Lang;
  /** The environment the tools run in (PATH repaired); the engine reads no KINDLAB_* from it. */
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  dataDir: string;
  pins: Pins;
  tools: ToolRunner;
  /** Multiplies every readiness timeout; tests shrink it, slow machines may grow it. */
  timeoutScale: number;
  /** Settings a request may leave out (KINDLAB_CLUSTER, KINDLAB_CNI, …). */
  defaults: SettingsDefaults;
  /** The labs folder given at start-up (KINDLAB_LABS_DIR); the shipped one when absent. */
  labsDir?: string;
  /** Which commands a lab step runs. */
  labCommands: CommandPolicy;
  /** Whether pods really run. */
  dataPlane: boolean;
  /** The host port mapped to the ingress's port 80. */
  ingressHttpPort: number;
  /** The image cache: on unless KINDLAB_CACHE=off (a request's settings.imageCache wins), and its mode. */
  cache: { enabled: boolean; mode: CacheMode };
}

export const DEFAULT_SETTINGS: ClusterSettings = { name: 'cluster01', lanAccess: false, cni: 'calico', ingress: 'ingress-nginx' };

/** The cluster name a request means: its own, else $KINDLAB_CLUSTER, else cluster01. */
function clusterNameFrom(partial: Partial<ClusterSettings> | undefined, defaults: SettingsDefaults): string {
  return assertClusterName(partial?.name ?? defaults.name ?? DEFAULT_SETTINGS.name);
}

/**
 * A request's settings, complete. Each choice comes from the request, else the environment
 * (KINDLAB_CNI, KINDLAB_INGRESS, KINDLAB_NODE_IMAGE), else what the cluster was built with
 * (`remembered`), else the book's defaults.
 */
export function settingsFrom(partial: Partial<ClusterSettings> | undefined, defaults: SettingsDefaults = {}, remembered: Partial<Choices> = {}): ClusterSettings {
  const cni = partial?.cni ?? defaults.cni ?? remembered.cni ?? DEFAULT_SETTINGS.cni;
  const ingress = partial?.ingress ?? defaults.ingress ?? remembered.ingress ?? DEFAULT_SETTINGS.ingress;
  const nodeImage = partial?.nodeImage ?? defaults.nodeImage ?? remembered.nodeImage;
  return {
    name: clusterNameFrom(partial, defaults),
    lanAccess: partial?.lanAccess ?? defaults.lanAccess ?? DEFAULT_SETTINGS.lanAccess,
    ...(partial?.hostAddress ? { hostAddress: partial.hostAddress } : {}),
    ...(nodeImage ? { nodeImage: assertNodeImage(nodeImage) } : {}),
    cni: assertCni(cni),
    ingress: assertIngress(ingress),
    ...(partial?.imageCache !== undefined ? { imageCache: partial.imageCache } : {}),
  };
}

/** A request's settings for this engine: what it does not ask for is what the cluster was built with. */
export function requestSettings(ctx: Pick<EngineContext, 'defaults' | 'dataDir'>, partial: Partial<ClusterSettings> | undefined): ClusterSettings {
  const name = clusterNameFrom(partial, ctx.defaults);
  return settingsFrom(partial, ctx.defaults, readChoices(clusterPaths(ctx.dataDir, name).dir));
}

/** The node image a cluster with these settings is created from. */
export function nodeImageOf(settings: ClusterSettings, pins: Pins): string {
  return settings.nodeImage ?? pins.nodeImage;
}

export interface ContextOptions {
  lang: Lang;
  env?: NodeJS.ProcessEnv;
  /** What the host read from KINDLAB_* at start-up; without it, read from `env` here, once. */
  config?: EngineConfig;
  /** PATH read from the login shell by a desktop host. */
  loginShellPath?: string;
}

export function createContext(opts: ContextOptions): EngineContext {
  const baseEnv = opts.env ?? process.env;
  const config = opts.config ?? readKindlabEnv(baseEnv);
  const platform = process.platform;
  const home = baseEnv.HOME ?? baseEnv.USERPROFILE ?? homedir();
  const pathKey = platform === 'win32' ? (Object.keys(baseEnv).find((k) => k.toUpperCase() === 'PATH') ?? 'Path') : 'PATH';
  // KINDLAB_NO_PATH_REPAIR keeps PATH exactly as given (the engine tests put fake tools there).
  const repaired = !config.repairPath ? (baseEnv[pathKey] ?? '') : repairPath({
    platform,
    home,
    currentPath: baseEnv[pathKey] ?? '',
    ...(opts.loginShellPath ? { loginShellPath: opts.loginShellPath } : {}),
    ...(baseEnv.LOCALAPPDATA ? { localAppData: baseEnv.LOCALAPPDATA } : {}),
    ...(baseEnv.ProgramFiles ? { programFiles: baseEnv.ProgramFiles } : {}),
  });
  const env: NodeJS.ProcessEnv = { ...baseEnv, [pathKey]: repaired };
  const pins = loadPins(config.pinsFile);
  // A missing tool is named with the doctor's own fix: the pinned version's real download URL.
  const tools = new ToolRunner(resolveTools(repaired, platform), env, {
    docker: installHint('docker'),
    kind: kindInstall(pins, platform, process.arch).fix,
    kubectl: kubectlInstall(pins, platform, process.arch).fix,
  });
  return {
    lang: opts.lang,
    env,
    platform,
    home,
    dataDir: config.dataDir ?? defaultDataDir(baseEnv, platform, home),
    pins,
    tools,
    timeoutScale: config.timeoutScale,
    defaults: config.defaults,
    ...(config.labsDir ? { labsDir: config.labsDir } : {}),
    labCommands: config.labCommands,
    dataPlane: config.dataPlane,
    ingressHttpPort: config.ingressHttpPort,
    cache: { enabled: config.imageCache, mode: config.cacheMode },
  };
}
