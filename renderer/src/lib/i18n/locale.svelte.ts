// The UI language: reactive, saved in localStorage, mirrored on <html lang>. Components call
// t(key) in their markup; reading locale.lang inside t() makes the markup follow a switch.
import { textIn } from '../../../../electron/shared/text.ts';
import type { Lang, Text } from '../api/contract.ts';
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

/**
 * The engine's words (doctor findings, failures, phases, check results) in the UI language.
 * They arrive in both languages, so a switch redraws them at once, with no new request.
 */
export function tx(text: Text | null | undefined): string {
  return textIn(text, locale.lang);
}

/** For keys built from engine data (phase ids, layers): the catalog text, or the fallback. */
export function tOr(key: string, fallback: string, params?: Params): string {
  return isMessageKey(key) ? translate(locale.lang, key, params) : fallback;
}
