// What `up`'s preflight makes of the doctor's findings: a warning line for each warning, and
// one failure that carries every failing check with its own finding and fix (none hides behind
// the first: kind missing and a port taken are two things to fix, and the learner should see
// both before the first retry). Pure.
import type { DoctorFinding, Failure, FailureCode, LocalizedText } from '../../api.ts';
import { textPair } from '../../shared/text.ts';

/** One line for a warning: "inotify limits: inotify limits are low…" reads badly, so the check is named only when the finding does not. */
export function warningLine(f: DoctorFinding): LocalizedText {
  const line = (lang: 'en' | 'zh'): string => {
    const title = textPair(f.title)[lang];
    const finding = textPair(f.finding)[lang];
    const fix = f.fix ? textPair(f.fix)[lang] : '';
    const named = finding.toLowerCase().startsWith(title.toLowerCase()) ? finding : `${title}${lang === 'zh' ? '：' : ': '}${finding}`;
    return `${named}${fix ? ` — ${fix}` : ''}`;
  };
  return { en: line('en'), zh: line('zh') };
}

function codeOf(f: DoctorFinding): FailureCode {
  if (f.id === 'docker-daemon') return 'daemon-unreachable';
  if (f.id === 'ports') return 'port-in-use';
  if (f.id === 'kind') return /old|旧/.test(`${textPair(f.finding).en}${textPair(f.finding).zh}`) ? 'tool-too-old' : 'tool-missing';
  if (f.id === 'docker-cli') return 'tool-missing';
  if (f.id === 'downloads') return 'download-failed';
  return 'command-failed';
}

/** The failure of a preflight with failing checks (at least one). */
export function preflightFailure(failed: DoctorFinding[]): Failure {
  const first = failed[0] as DoctorFinding;
  if (failed.length === 1) {
    const t = textPair(first.title);
    const f = textPair(first.finding);
    return {
      code: codeOf(first),
      message: { en: `${t.en}: ${f.en}`, zh: `${t.zh}：${f.zh}` },
      hint: first.fix ?? '',
      ...(first.appFix ? { appHint: first.appFix } : {}),
      ...(first.fixCommands?.length ? { diagnostics: first.fixCommands.map((c) => `$ ${c}`) } : {}),
      findings: failed,
    };
  }
  const names = failed.map((x) => textPair(x.title));
  return {
    code: codeOf(first),
    message: { en: `${failed.length} checks failed: ${names.map((n) => n.en).join(', ')}`, zh: `${failed.length} 项检查未通过：${names.map((n) => n.zh).join('、')}` },
    hint: { en: 'Fix each of them (every one has its own fix below), then run it again.', zh: '请逐项修复（每一项下面都有各自的解决办法），然后再运行一次。' },
    findings: failed,
  };
}
