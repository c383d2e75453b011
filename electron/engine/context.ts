// What every engine module gets: the learner's language, the environment with a repaired
// PATH, the resolved tools, the pins and the data folder. Built once per host.
import { homedir } from 'node:os';
import type { ClusterSettings, Lang } from '../api.ts';
import { type Pins, loadPins } from './addons/pins.ts';
import { assertClusterName } from './cluster/name.ts';
import { defaultDataDir } from './paths.ts';
import { repairPath } from './tools/path-repair.ts';
import { resolveTools } from './tools/resolve.ts';
import { ToolRunner } from './tools/run.ts';

export interface EngineContext {
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

export const DEFAULT_SETTINGS: ClusterSettings = { name: 'cluster01', lanAccess: false };

export function settingsFrom(partial: Partial<ClusterSettings> | undefined, env: NodeJS.ProcessEnv = process.env, lang: Lang = 'en'): ClusterSettings {
  return {
    name: assertClusterName(partial?.name ?? env.KINDLAB_CLUSTER ?? DEFAULT_SETTINGS.name, lang),
    lanAccess: partial?.lanAccess ?? env.KINDLAB_LAN === '1',
    ...(partial?.hostAddress ? { hostAddress: partial.hostAddress } : {}),
  };
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
  const tools = new ToolRunner(resolveTools(repaired, platform), env, opts.lang);
  return {
    lang: opts.lang,
    env,
    platform,
    home,
    dataDir: defaultDataDir(baseEnv, platform, home),
    pins: loadPins(baseEnv),
    tools,
    timeoutScale: Number(baseEnv.KINDLAB_TIMEOUT_SCALE ?? '1') || 1,
  };
}
