// Text the engine shows to learners is written in both languages side by side, so that a
// message and its translation cannot drift apart, and the engine hands both to the hosts: the
// edge that shows a text (the CLI, the UI) picks the learner's language (electron/shared/text.ts).
//
// Sentences are often put together from pieces (a check's expectation inside a failure inside a
// log line), so inside the engine both languages travel in one string: `both` marks the two
// versions with three private-use characters, such strings nest freely in template literals and
// joins, and `toText` turns them into the contract's LocalizedText where text leaves the engine
// (errors, operation events, check results). No marker ever reaches a host.
import type { Lang, LocalizedText, Text } from '../../api.ts';

export type { LocalizedText, Text };

const OPEN = '\uE000';
const MID = '\uE001';
const CLOSE = '\uE002';
const MARKERS = /[\uE000-\uE002]/;

/** One string carrying both languages; a text the same in both stays plain. */
export function both(text: LocalizedText): string {
  return text.en === text.zh ? text.en : `${OPEN}${text.en}${MID}${text.zh}${CLOSE}`;
}

/** The string as it reads in `lang`: every marked pair (nested or not) resolved to that side. */
export function inLang(s: string, lang: Lang): string {
  if (!MARKERS.test(s)) return s;
  let out = '';
  // Each open pair remembers whether the text around it is kept, and which side it is on.
  const stack: { outer: boolean; side: Lang }[] = [];
  let keep = true;
  for (const ch of s) {
    if (ch === OPEN) {
      stack.push({ outer: keep, side: 'en' });
      keep = keep && lang === 'en';
    } else if (ch === MID) {
      const top = stack.at(-1);
      if (!top) continue; // a stray marker (a cut string): dropped
      top.side = 'zh';
      keep = top.outer && lang === 'zh';
    } else if (ch === CLOSE) {
      const top = stack.pop();
      if (top) keep = top.outer;
    } else if (keep) {
      out += ch;
    }
  }
  return out;
}

/** The contract's Text for an engine string or pair: plain when both languages read alike. */
export function toText(text: string | LocalizedText): Text {
  const en = typeof text === 'string' ? inLang(text, 'en') : inLang(text.en, 'en');
  const zh = typeof text === 'string' ? inLang(text, 'zh') : inLang(text.zh, 'zh');
  return en === zh ? en : { en, zh };
}

/** Text that may come back from the contract (a Failure another host made) as an engine string. */
export function fromText(text: Text): string {
  return typeof text === 'string' ? text : both(text);
}

/** One language of a text; for the edges (the CLI, lab content asked for in one language). */
export function pick(text: Text, lang: Lang): string {
  if (typeof text === 'string') return inLang(text, lang);
  return inLang(text[lang] || text.en, lang);
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
