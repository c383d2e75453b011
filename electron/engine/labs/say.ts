// Lab text is read by learners in English or Simplified Chinese. Every sentence is written in
// both languages at the place it is built, so the two cannot drift apart. A step shown by
// `lab:get` speaks the one language it was asked in (`sayer`); a run's log lines, results and
// failures speak both at once (`sayBoth`, i18n/text.ts), and each host shows the learner's
// language of the moment.
import type { Lang, LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';

export type Say = (en: string, zh: string) => string;

export function sayer(lang: Lang): Say {
  return (en, zh) => (lang === 'zh' ? zh || en : en);
}

export const sayBoth: Say = (en, zh) => both({ en, zh });

/** A lab file's own both-language text (a description, a hint), as `say` speaks. */
export function sayText(say: Say, text: LocalizedText): string {
  return say(text.en, text.zh);
}
