// Text the engine shows to learners is written in both languages side by side, so that a
// message and its translation cannot drift apart. `pick` chooses one for the request's language.
import type { Lang, LocalizedText } from '../../api.ts';

export type { LocalizedText };

export function pick(text: LocalizedText, lang: Lang): string {
  return text[lang] || text.en;
}

/** Fills {name} placeholders in both languages. */
export function fill(text: LocalizedText, params: Record<string, string | number>): LocalizedText {
  const sub = (s: string) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
  return { en: sub(text.en), zh: sub(text.zh) };
}

/** The learner's language from LANG/LC_ALL/LANGUAGE or an explicit flag: zh for any Chinese locale. */
export function detectLang(env: NodeJS.ProcessEnv, explicit?: string): Lang {
  const v = (explicit ?? env.KINDLAB_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANGUAGE ?? env.LANG ?? '').toLowerCase();
  return v.startsWith('zh') ? 'zh' : 'en';
}
