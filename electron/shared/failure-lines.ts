// A Failure as text lines: what went wrong, the phase, what to do, the command, its exit code,
// stderr and diagnostics. Shared by the CLI (printed) and the renderer's failure view (copied as
// "details"). Pure: imports only the contract's types.
import type { Failure, Lang } from '../api.ts';

export function failureLines(f: Failure, lang: Lang): string[] {
  const L = lang === 'zh' ? { todo: '怎么办', cmd: '命令', code: '退出码', err: '错误输出', diag: '诊断', phase: '阶段' } : { todo: 'what to do', cmd: 'command', code: 'exit code', err: 'stderr', diag: 'diagnostics', phase: 'phase' };
  const lines = [`✗ ${f.message}`];
  if (f.phase) lines.push(`  ${L.phase}: ${f.phase}`);
  if (f.hint) lines.push(`  ${L.todo}: ${f.hint}`);
  if (f.command) lines.push(`  ${L.cmd}: ${f.command.join(' ')}`);
  if (f.exitCode !== undefined && f.exitCode !== null) lines.push(`  ${L.code}: ${f.exitCode}`);
  if (f.stderrTail?.length) {
    lines.push(`  ${L.err}:`);
    for (const l of f.stderrTail) lines.push(`    ${l}`);
  }
  if (f.diagnostics?.length) {
    lines.push(`  ${L.diag}:`);
    for (const l of f.diagnostics) lines.push(`    ${l}`);
  }
  return lines;
}
