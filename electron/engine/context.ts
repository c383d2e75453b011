// What every engine module gets: the learner's language, the environment with a repaired
// PATH, the resolved tools, the pins and the data folder. Built once per host.
import { homedir } from 'node:os';
import type { ClusterSettings, Lang } from '../api.ts';
import { type Pins, loadPins } from './addons/pins.ts';
import { kindInstall, kubectlInstall } from './doctor/install.ts';
import { type Choices, assertCni, assertIngress, assertNodeImage, readChoices } from './cluster/choices.ts';
import { assertClusterName } from './cluster/name.ts';
import { clusterPaths, defaultDataDir } from './paths.ts';
import { repairPath } from './tools/path-repair.ts';
import { resolveTools } from './tools/resolve.ts';
import { ToolRunner, installHint } from './tools/run.ts';

export interface EngineContext {
  /** The learner's language where one must be chosen (the UI's first screen); text is written in both. */
  lang: Lang;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  dataDir: string;
  pins: Pins;
  tools: ToolRunner;
  /** Multiplies every readiness timeout; tests shrink it, slow machines may grow it. */
  timeoutScale: number;
}

export const DEFAULT_SETTINGS: ClusterSettings = { name: 'cluster01', lanAccess: false, cni: 'calico', ingress: 'ingress-nginx' };

/** The cluster name a request means: its own, else $KINDLAB_CLUSTER, else cluster01. */
export function clusterNameFrom(partial: Partial<ClusterSettings> | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return assertClusterName(partial?.name ?? env.KINDLAB_CLUSTER ?? DEFAULT_SETTINGS.name);
}

/**
 * A request's settings, complete. Each choice comes from the request, else the environment
 * (KINDLAB_CNI, KINDLAB_INGRESS, KINDLAB_NODE_IMAGE), else what the cluster was built with
 * (`remembered`), else the book's defaults.
 */
export function settingsFrom(partial: Partial<ClusterSettings> | undefined, env: NodeJS.ProcessEnv = process.env, remembered: Partial<Choices> = {}): ClusterSettings {
  const cni = partial?.cni ?? env.KINDLAB_CNI ?? remembered.cni ?? DEFAULT_SETTINGS.cni;
  const ingress = partial?.ingress ?? env.KINDLAB_INGRESS ?? remembered.ingress ?? DEFAULT_SETTINGS.ingress;
  const nodeImage = partial?.nodeImage ?? (env.KINDLAB_NODE_IMAGE || undefined) ?? remembered.nodeImage;
  return {
    name: clusterNameFrom(partial, env),
    lanAccess: partial?.lanAccess ?? env.KINDLAB_LAN === '1',
    ...(partial?.hostAddress ? { hostAddress: partial.hostAddress } : {}),
    ...(nodeImage ? { nodeImage: assertNodeImage(nodeImage) } : {}),
    cni: assertCni(cni),
    ingress: assertIngress(ingress),
  };
}

/** A request's settings for this engine: what it does not ask for is what the cluster was built with. */
export function requestSettings(ctx: Pick<EngineContext, 'env' | 'dataDir'>, partial: Partial<ClusterSettings> | undefined): ClusterSettings {
  const name = clusterNameFrom(partial, ctx.env);
  return settingsFrom(partial, ctx.env, readChoices(clusterPaths(ctx.dataDir, name).dir));
}

/** The node image a cluster with these settings is created from. */
export function nodeImageOf(settings: ClusterSettings, pins: Pins): string {
  return settings.nodeImage ?? pins.nodeImage;
}

export interface ContextOptions {
  lang: Lang;
  env?: NodeJS.ProcessEnv;
  /** PATH read from the login shell by a desktop host. */
  loginShellPath?: string;
}

export function createContext(opts: ContextOptions): EngineContext {
  const baseEnv = opts.env ?? process.env;
  const platform = process.platform;
  const home = baseEnv.HOME ?? baseEnv.USERPROFILE ?? homedir();
  const pathKey = platform === 'win32' ? (Object.keys(baseEnv).find((k) => k.toUpperCase() === 'PATH') ?? 'Path') : 'PATH';
  // KINDLAB_NO_PATH_REPAIR keeps PATH exactly as given (the engine tests put fake tools there).
  const repaired = baseEnv.KINDLAB_NO_PATH_REPAIR === '1' ? (baseEnv[pathKey] ?? '') : repairPath({
    platform,
    home,
    currentPath: baseEnv[pathKey] ?? '',
    ...(opts.loginShellPath ? { loginShellPath: opts.loginShellPath } : {}),
    ...(baseEnv.LOCALAPPDATA ? { localAppData: baseEnv.LOCALAPPDATA } : {}),
    ...(baseEnv.ProgramFiles ? { programFiles: baseEnv.ProgramFiles } : {}),
  });
  const env: NodeJS.ProcessEnv = { ...baseEnv, [pathKey]: repaired };
  const pins = loadPins(baseEnv);
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
    dataDir: defaultDataDir(baseEnv, platform, home),
    pins,
    tools,
    timeoutScale: Number(baseEnv.KINDLAB_TIMEOUT_SCALE ?? '1') || 1,
  };
}
