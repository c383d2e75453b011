// Commander's usage errors in the learner's language. Commander words them in English only; the
// names, flags and values inside them are kept as they are.
import type { LocalizedText } from '../api.ts';

const RULES: { re: RegExp; zh: (m: RegExpExecArray) => string }[] = [
  { re: /^unknown option '([^']+)'(?:\s*\(Did you mean ([^)]+)\?\))?$/, zh: (m) => `没有 ${m[1]} 这个选项${m[2] ? `（是不是想用 ${m[2]}？）` : ''}` },
  { re: /^unknown command '([^']+)'(?:\s*\(Did you mean ([^)]+)\?\))?$/, zh: (m) => `没有 ${m[1]} 这个命令${m[2] ? `（是不是想用 ${m[2]}？）` : ''}` },
  { re: /^missing required argument '([^']+)'$/, zh: (m) => `缺少必需的参数 ${m[1]}` },
  { re: /^option '([^']+)' argument missing$/, zh: (m) => `选项 ${m[1]} 缺少参数` },
  { re: /^too many arguments(?: for '([^']+)')?\. Expected (\d+) arguments? but got (\d+)\.$/, zh: (m) => `${m[1] ? `${m[1]} 的` : ''}参数太多：应为 ${m[2]} 个，实际 ${m[3]} 个` },
  { re: /^option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are (.+)\.$/, zh: (m) => `选项 ${m[1]} 的参数 ${m[2]} 无效，可选值为 ${m[3]}` },
  { re: /^required option '([^']+)' not specified$/, zh: (m) => `缺少必需的选项 ${m[1]}` },
];

/** A commander error message (without its "error: ") in both languages; unknown wordings stay English. */
export function usageError(message: string): LocalizedText {
  const en = message.replace(/^error: /, '').trim();
  for (const { re, zh } of RULES) {
    const m = re.exec(en);
    if (m) return { en, zh: zh(m) };
  }
  return { en, zh: en };
}
