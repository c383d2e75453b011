// Pure lookups over the typed catalogs; the reactive language lives in locale.svelte.ts.
import type { Lang } from '../api/contract.ts';
import { type Catalog, type MessageKey, en } from './en.ts';
import { zh } from './zh.ts';

const catalogs: Record<Lang, Catalog> = { en, zh };

export type Params = Record<string, string | number>;

/** Fills `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed. */
export function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return fill(catalogs[lang][key] ?? en[key], params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The language to start in: the learner's saved choice, else the browser's. */
export function initialLang(saved: string | null, navigatorLanguages: readonly string[]): Lang {
  if (saved === 'en' || saved === 'zh') return saved;
  return navigatorLanguages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}
