// The KINDLAB_* variables kindlab recognises, read once when a host starts (the CLI, `kindlab
// serve`, the desktop app) and validated here: a wrong value stops the start with a failure that
// names the variable and what it may be. What comes out is typed configuration that the host
// hands to the engine (EngineOptions.config); no engine module reads a KINDLAB_* variable itself.
// Variables kindlab only sets for others (KINDLAB_KUBECONFIG in the lab terminal) or that belong
// to the tests' fake tools (KINDLAB_FAKE_*) are not read here. An empty value counts as unset.
import { z } from 'zod';
import type { CacheMode, CniChoice, IngressChoice } from '../api.ts';
import { CNI_CHOICES, INGRESS_CHOICES, assertNodeImage } from './cluster/choices.ts';
import { isValidClusterName } from './cluster/name.ts';
import { KindlabError } from './errors.ts';
import { type LocalizedText, both } from './i18n/text.ts';
import type { CommandPolicy } from './labs/actions.ts';

const flag = z.enum(['0', '1']);
const text = z.string();
const port = z.coerce.number().int().min(1).max(65535);

/** Each recognised variable. */
const KINDLAB_ENV = z.object({
  // The learner's settings: what a request that does not say gets.
  KINDLAB_CLUSTER: text.refine(isValidClusterName).optional(),
  KINDLAB_CNI: z.enum(CNI_CHOICES as readonly [CniChoice, ...CniChoice[]]).optional(),
  KINDLAB_INGRESS: z.enum(INGRESS_CHOICES as readonly [IngressChoice, ...IngressChoice[]]).optional(),
  KINDLAB_NODE_IMAGE: text.refine(isNodeImage).optional(),
  KINDLAB_LAN: flag.optional(),
  // Read with LANG and the like by detectLang (i18n/text.ts); any locale name will do.
  KINDLAB_LANG: text.optional(),
  // Where kindlab keeps and finds its files.
  KINDLAB_DATA_DIR: text.optional(),
  KINDLAB_LABS_DIR: text.optional(),
  KINDLAB_PINS_FILE: text.optional(),
  // Read by the CLI itself (before this runs, so that this failure can show a stack too).
  KINDLAB_DEBUG: flag.optional(),
  // Switches for tests and slow machines.
  KINDLAB_NO_PATH_REPAIR: flag.optional(),
  KINDLAB_TIMEOUT_SCALE: z.coerce.number().positive().optional(),
  KINDLAB_LAB_COMMANDS: z.enum(['0', '1', 'docker']).optional(),
  KINDLAB_DATAPLANE: flag.optional(),
  KINDLAB_INGRESS_HTTP_PORT: port.optional(),
  // The image cache: off turns it off for every cluster; the mode says how it is filled.
  KINDLAB_CACHE: z.enum(['on', 'off', '0', '1']).optional(),
  KINDLAB_CACHE_MODE: z.enum(['proxy', 'local']).optional(),
});

type Variable = keyof typeof KINDLAB_ENV.shape;

const ZERO_OR_ONE: LocalizedText = { en: '0 or 1', zh: '0 或 1' };
const A_PATH: LocalizedText = { en: 'a path', zh: '一个路径' };

/** What each variable may be, for the failure a wrong value gets. */
const ALLOWED: Record<Variable, LocalizedText> = {
  KINDLAB_CLUSTER: { en: 'a cluster name: up to 50 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, with no ".." (for example cluster01)', zh: '集群名称：最多 50 个小写字母、数字、“-”和“.”，以字母或数字开头和结尾，且不能有“..”（例如 cluster01）' },
  KINDLAB_CNI: { en: CNI_CHOICES.join(' or '), zh: CNI_CHOICES.join(' 或 ') },
  KINDLAB_INGRESS: { en: INGRESS_CHOICES.join(' or '), zh: INGRESS_CHOICES.join(' 或 ') },
  KINDLAB_NODE_IMAGE: { en: 'an image reference as docker names it (for example kindest/node:v1.35.8)', zh: '按 docker 写法的镜像引用（例如 kindest/node:v1.35.8）' },
  KINDLAB_LAN: ZERO_OR_ONE,
  KINDLAB_LANG: { en: 'a language such as en or zh_CN.UTF-8', zh: '语言，例如 en 或 zh_CN.UTF-8' },
  KINDLAB_DATA_DIR: A_PATH,
  KINDLAB_LABS_DIR: A_PATH,
  KINDLAB_PINS_FILE: A_PATH,
  KINDLAB_DEBUG: ZERO_OR_ONE,
  KINDLAB_NO_PATH_REPAIR: ZERO_OR_ONE,
  KINDLAB_TIMEOUT_SCALE: { en: 'a number greater than 0 (1 is the default)', zh: '大于 0 的数（默认 1）' },
  KINDLAB_LAB_COMMANDS: { en: '1 (run every shown command), 0 (none) or docker (only docker commands)', zh: '1（运行每条显示的命令）、0（都不运行）或 docker（只运行 docker 命令）' },
  KINDLAB_DATAPLANE: ZERO_OR_ONE,
  KINDLAB_INGRESS_HTTP_PORT: { en: 'a port, 1-65535', zh: '端口号，1-65535' },
  KINDLAB_CACHE: { en: 'off (no image cache) or on (the default)', zh: 'off（不用镜像缓存）或 on（默认）' },
  KINDLAB_CACHE_MODE: { en: 'proxy (pull through from the registries, the default) or local (serve only what was pushed or imported, for machines without internet)', zh: 'proxy（经缓存从镜像仓库拉取，默认）或 local（只提供推送或导入的镜像，用于无网络的机器）' },
};

function isNodeImage(v: string): boolean {
  try {
    assertNodeImage(v);
    return true;
  } catch {
    return false;
  }
}

/** Settings a request may leave out, from the environment (KINDLAB_CLUSTER, _CNI, _INGRESS, _NODE_IMAGE, _LAN). */
export interface SettingsDefaults {
  name?: string;
  cni?: CniChoice;
  ingress?: IngressChoice;
  nodeImage?: string;
  lanAccess?: boolean;
}

/** What the engine takes from the environment, typed. Every field has the default an unset variable means. */
export interface EngineConfig {
  defaults: SettingsDefaults;
  /** The data folder; the platform's own when absent. */
  dataDir?: string;
  /** The labs folder; the one shipped with kindlab when absent. */
  labsDir?: string;
  /** A JSON file of pins over the built-in ones (tests, air-gapped machines). */
  pinsFile?: string;
  /** Repair PATH with the usual tool folders (off: keep PATH exactly as given, as the engine tests do). */
  repairPath: boolean;
  /** Multiplies every readiness timeout. */
  timeoutScale: number;
  /** Which commands a lab step shows and runs (the engine tests' fake kubectl only replays recordings). */
  labCommands: CommandPolicy;
  /** Whether pods really run (off: checks that need the data plane are skipped). */
  dataPlane: boolean;
  /** The host port mapped to the ingress's port 80. */
  ingressHttpPort: number;
  /** Whether clusters use the image cache unless a request says otherwise (KINDLAB_CACHE). */
  imageCache: boolean;
  /** How the caches are filled (KINDLAB_CACHE_MODE). */
  cacheMode: CacheMode;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = { defaults: {}, repairPath: true, timeoutScale: 1, labCommands: true, dataPlane: true, ingressHttpPort: 80, imageCache: true, cacheMode: 'proxy' };

/** Validates the KINDLAB_* variables of `env`; throws a bad-input failure naming the first wrong one. */
export function readKindlabEnv(env: NodeJS.ProcessEnv): EngineConfig {
  const given = Object.fromEntries(Object.keys(KINDLAB_ENV.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = KINDLAB_ENV.safeParse(given);
  if (!parsed.success) {
    const name = (parsed.error.issues[0]?.path[0] ?? 'KINDLAB_CLUSTER') as Variable;
    const value = given[name] ?? '';
    throw new KindlabError({
      code: 'bad-input',
      message: both({ en: `${name}="${value}" is not a value kindlab understands`, zh: `环境变量 ${name}="${value}" 的值无效` }),
      hint: both({ en: `${name} must be ${ALLOWED[name].en}; set it so, or unset it (unset ${name}) for the default.`, zh: `${name} 必须是${ALLOWED[name].zh}；请照此设置，或取消设置（unset ${name}）以使用默认值。` }),
    });
  }
  const v = parsed.data;
  const defaults: SettingsDefaults = {
    ...(v.KINDLAB_CLUSTER ? { name: v.KINDLAB_CLUSTER } : {}),
    ...(v.KINDLAB_CNI ? { cni: v.KINDLAB_CNI } : {}),
    ...(v.KINDLAB_INGRESS ? { ingress: v.KINDLAB_INGRESS } : {}),
    ...(v.KINDLAB_NODE_IMAGE ? { nodeImage: v.KINDLAB_NODE_IMAGE } : {}),
    ...(v.KINDLAB_LAN ? { lanAccess: v.KINDLAB_LAN === '1' } : {}),
  };
  return {
    defaults,
    ...(v.KINDLAB_DATA_DIR ? { dataDir: v.KINDLAB_DATA_DIR } : {}),
    ...(v.KINDLAB_LABS_DIR ? { labsDir: v.KINDLAB_LABS_DIR } : {}),
    ...(v.KINDLAB_PINS_FILE ? { pinsFile: v.KINDLAB_PINS_FILE } : {}),
    repairPath: v.KINDLAB_NO_PATH_REPAIR !== '1',
    timeoutScale: v.KINDLAB_TIMEOUT_SCALE ?? DEFAULT_ENGINE_CONFIG.timeoutScale,
    labCommands: v.KINDLAB_LAB_COMMANDS === '0' ? false : v.KINDLAB_LAB_COMMANDS === 'docker' ? 'docker' : true,
    dataPlane: v.KINDLAB_DATAPLANE !== '0',
    ingressHttpPort: v.KINDLAB_INGRESS_HTTP_PORT ?? DEFAULT_ENGINE_CONFIG.ingressHttpPort,
    imageCache: v.KINDLAB_CACHE !== 'off' && v.KINDLAB_CACHE !== '0',
    cacheMode: v.KINDLAB_CACHE_MODE ?? DEFAULT_ENGINE_CONFIG.cacheMode,
  };
}
