// Picking a language at the edge. The engine hands every host its words in both languages
// (Text in electron/api.ts); the CLI and the renderer choose the learner's here, as late as
// possible, so a switch of language redraws what is already on screen. Pure: the renderer
// bundles it.
import type { Failure, Lang, LocalizedText, Text } from '../api.ts';

export function isLocalized(text: unknown): text is LocalizedText {
  return typeof text === 'object' && text !== null && typeof (text as LocalizedText).en === 'string' && typeof (text as LocalizedText).zh === 'string';
}

/** The text in `lang`; English where a translation is missing, '' for none at all. */
export function textIn(text: Text | null | undefined, lang: Lang): string {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return text;
  return (lang === 'zh' ? text.zh : text.en) || text.en;
}

/** The same text in both languages (for comparisons and copies that must not depend on the screen). */
export function textPair(text: Text): LocalizedText {
  return typeof text === 'string' ? { en: text, zh: text } : text;
}

/** A failure whose words are read in one language: a script's report, a test's assertion. */
export type FailureIn = Omit<Failure, 'message' | 'hint' | 'diagnostics'> & { message: string; hint: string; diagnostics?: string[] };

export function failureIn(f: Failure, lang: Lang): FailureIn {
  const { diagnostics, ...rest } = f;
  return { ...rest, message: textIn(f.message, lang), hint: textIn(f.hint, lang), ...(diagnostics ? { diagnostics: diagnostics.map((d) => textIn(d, lang)) } : {}) };
}
