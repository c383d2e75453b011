// The shape of one doctor check, and the few pieces most checks share.
import type { CheckStatus, ClusterSettings, DoctorCategory, LocalizedText } from '../../api.ts';
import { fill } from '../i18n/text.ts';
import type { DoctorFacts, EngineFacts } from './facts.ts';
import type { DockerInfo, EngineKind } from './parse.ts';

export interface CheckContext {
  facts: DoctorFacts;
  settings: ClusterSettings;
}

export interface CheckOutcome {
  status: CheckStatus;
  finding: LocalizedText;
  fix?: LocalizedText;
  /** The fix as the app's window words it, where `fix` names a command-line flag. */
  appFix?: LocalizedText;
  fixCommands?: string[];
}

export interface DoctorCheck {
  id: string;
  category: DoctorCategory;
  title: LocalizedText;
  /** Synchronous on purpose: decided from the platform and settings, never from a probe. */
  applies(ctx: CheckContext): boolean;
  check(ctx: CheckContext): Promise<CheckOutcome>;
}

export const always = (): boolean => true;

/** What checks that read `docker info` say while the engine is down: a skip, not a second failure. */
export const NEEDS_ENGINE: CheckOutcome = {
  status: 'skip',
  finding: {
    en: 'Needs a running container engine (see the container engine check).',
    zh: '需要正在运行的容器引擎（见“容器引擎”一项）。',
  },
};

export type RunningEngine = EngineFacts & { reachable: true; info: DockerInfo };

/** The engine facts when the daemon answered, else null. */
export async function runningEngine(ctx: CheckContext): Promise<RunningEngine | null> {
  const engine = await ctx.facts.engine();
  return engine.reachable && engine.info ? (engine as RunningEngine) : null;
}

export const ENGINE_NAMES: Record<EngineKind, LocalizedText> = {
  'docker-engine': { en: 'Docker Engine', zh: 'Docker Engine' },
  'docker-desktop': { en: 'Docker Desktop', zh: 'Docker Desktop' },
  colima: { en: 'Colima', zh: 'Colima' },
  podman: { en: 'Podman', zh: 'Podman' },
  'rancher-desktop': { en: 'Rancher Desktop', zh: 'Rancher Desktop' },
  orbstack: { en: 'OrbStack', zh: 'OrbStack' },
  'rootless-docker': { en: 'rootless Docker Engine', zh: 'rootless 模式的 Docker Engine' },
  unknown: { en: 'an unrecognised container engine', zh: '一个未能识别的容器引擎' },
};

/** "5.8 GiB" — binary units, as Docker Desktop's settings show memory. */
export function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** "12.3 GB" — decimal units, as `df -H` and disk vendors show space. */
export function formatGB(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** Resolves with the promise's value, or TIMED_OUT after `ms`; a rejection passes through. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Like `fill`, but a parameter may itself be localized: each language gets its own wording. */
export function fillLocalized(text: LocalizedText, params: Record<string, string | number | LocalizedText>): LocalizedText {
  const en: Record<string, string | number> = {};
  const zh: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    en[key] = typeof value === 'object' ? value.en : value;
    zh[key] = typeof value === 'object' ? value.zh : value;
  }
  return { en: fill(text, en).en, zh: fill(text, zh).zh };
}

export const NO_TEXT: LocalizedText = { en: '', zh: '' };

/** Joins texts language by language. */
export function joinText(...parts: LocalizedText[]): LocalizedText {
  return { en: parts.map((p) => p.en).join(''), zh: parts.map((p) => p.zh).join('') };
}

/** 'fail' below `failBelow` (when given), 'warn' below `warnBelow`, else 'ok'. */
export function grade(value: number, warnBelow: number, failBelow = Number.NEGATIVE_INFINITY): 'ok' | 'warn' | 'fail' {
  return value < failBelow ? 'fail' : value < warnBelow ? 'warn' : 'ok';
}
