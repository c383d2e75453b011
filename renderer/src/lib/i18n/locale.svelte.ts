// The UI language: reactive, saved in localStorage, mirrored on <html lang>. Components call
// t(key) in their markup; reading locale.lang inside t() makes the markup follow a switch.
import type { Lang } from '../api/contract.ts';
import { loadPref, savePref } from '../persist/prefs.ts';
import type { MessageKey } from './en.ts';
import { type Params, initialLang, isMessageKey, translate } from './translate.ts';

class Locale {
  lang = $state<Lang>(initialLang(loadPref('lang'), globalThis.navigator?.languages ?? []));

  /** The learner's choice: remembered, and applied to the page. */
  set(lang: Lang): void {
    savePref('lang', lang);
    this.lang = lang;
    this.applyToDocument();
  }

  /** <html lang> follows the UI language (screen readers, CJK line breaking, fonts). */
  applyToDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
  }
}

export const locale = new Locale();

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** For keys built from engine data (phase ids, layers): the catalog text, or the fallback. */
export function tOr(key: string, fallback: string, params?: Params): string {
  return isMessageKey(key) ? translate(locale.lang, key, params) : fallback;
}
