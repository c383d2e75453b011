// A Failure as text lines: what went wrong, the phase, every failing check with its own fix,
// what to do, the command, its exit code, stderr and diagnostics. Shared by the CLI (printed)
// and the renderer's failure view (copied as "details"). Pure: imports only the contract's types.
import type { Failure, Lang } from '../api.ts';
import { textIn } from './text.ts';

export function failureLines(f: Failure, lang: Lang): string[] {
  const L = lang === 'zh' ? { todo: '怎么办', cmd: '命令', code: '退出码', err: '错误输出', diag: '诊断', phase: '阶段', sep: '：' } : { todo: 'what to do', cmd: 'command', code: 'exit code', err: 'stderr', diag: 'diagnostics', phase: 'phase', sep: ': ' };
  const lines = [`✗ ${textIn(f.message, lang)}`];
  if (f.phase) lines.push(`  ${L.phase}${L.sep}${f.phase}`);
  // Each failing check on its own line, with its own fix: none hides behind the first.
  if (f.findings && f.findings.length > 1) {
    for (const x of f.findings) {
      lines.push(`  ✗ ${textIn(x.title, lang)}${L.sep}${textIn(x.finding, lang)}`);
      if (x.fix) lines.push(`      → ${textIn(x.fix, lang)}`);
      for (const c of x.fixCommands ?? []) lines.push(`      $ ${c}`);
    }
  }
  const hint = textIn(f.hint, lang);
  if (hint) lines.push(`  ${L.todo}${L.sep}${hint}`);
  if (f.command) lines.push(`  ${L.cmd}${L.sep}${f.command.join(' ')}`);
  if (f.exitCode !== undefined && f.exitCode !== null) lines.push(`  ${L.code}${L.sep}${f.exitCode}`);
  if (f.stderrTail?.length) {
    lines.push(`  ${L.err}${L.sep.trim()}`);
    for (const l of f.stderrTail) lines.push(`    ${l}`);
  }
  if (f.diagnostics?.length) {
    lines.push(`  ${L.diag}${L.sep.trim()}`);
    for (const l of f.diagnostics) lines.push(`    ${textIn(l, lang)}`);
  }
  return lines;
}
