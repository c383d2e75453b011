// Lab results are read by learners in English or Simplified Chinese. Every sentence is written
// in both languages at the place it is built, so the two cannot drift apart; `Say` picks one.
import type { Lang } from '../../api.ts';
import { pick } from '../i18n/text.ts';

export type Say = (en: string, zh: string) => string;

export function sayer(lang: Lang): Say {
  return (en, zh) => pick({ en, zh }, lang);
}

/** The language a Say speaks, for shared engine helpers (waits, applies) that take a Lang. */
export function langOf(say: Say): Lang {
  return say('en', 'zh') === 'zh' ? 'zh' : 'en';
}
