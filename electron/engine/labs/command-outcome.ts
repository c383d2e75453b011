// Judging a finished lab command: did it do what the lab expects, and is a failure merely the
// sign of a re-run (the object was created or deleted the first time round)? Pure.
import type { LabAction } from './schema.ts';
import { type LabCommand, kubectlShape } from './argv.ts';
import type { Say } from './say.ts';

export type RunExpect = NonNullable<Extract<LabAction, { run: string }>['expect']>;

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Why a failed command counts as done on a re-run, or null when the failure is real. */
export function rerunReason(cmd: LabCommand, out: CommandOutput, say: Say): string | null {
  if (out.exitCode === 0 || cmd.tool !== 'kubectl') return null;
  const { verb, flags } = kubectlShape(cmd.args);
  const text = `${out.stderr}\n${out.stdout}`;
  const creates = verb === 'create' || verb === 'expose' || (verb === 'run' && !flags.has('--rm'));
  if (creates && /\(AlreadyExists\)|already exists/i.test(text)) {
    return say('already exists from an earlier run; nothing to do', '在之前的运行中已创建，无需重复');
  }
  if (verb === 'delete' && /\(NotFound\)|not found/i.test(text)) {
    return say('already deleted; nothing to do', '已经删除，无需重复');
  }
  if ((verb === 'label' || verb === 'annotate') && /already has a value/i.test(text)) {
    return say('the value was already set by an earlier run', '该值在之前的运行中已设置');
  }
  return null;
}

/** What does not hold in the command's output; empty when everything the lab expects is there. */
export function unmetExpectations(expect: RunExpect | undefined, out: CommandOutput, say: Say): string[] {
  const problems: string[] = [];
  const wantExit = expect?.exitCode ?? 0;
  if (out.exitCode !== wantExit) {
    problems.push(say(`exited with ${out.exitCode}, expected ${wantExit}`, `退出码为 ${out.exitCode}，预期为 ${wantExit}`));
  }
  const text = `${out.stdout}\n${out.stderr}`;
  for (const s of expect?.contains ?? []) {
    if (!text.includes(s)) problems.push(say(`the output does not contain "${s}"`, `输出中没有 "${s}"`));
  }
  for (const pattern of expect?.matches ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'm');
    } catch {
      problems.push(say(`the lab's pattern /${pattern}/ is not a valid regular expression`, `实验中的模式 /${pattern}/ 不是有效的正则表达式`));
      continue;
    }
    if (!re.test(text)) problems.push(say(`the output does not match /${pattern}/`, `输出不匹配 /${pattern}/`));
  }
  return problems;
}

/** The output kept in a step result: the end of it, which is where errors are. */
export function outputExcerpt(out: CommandOutput, maxChars = 4000): string {
  const text = [out.stdout.trimEnd(), out.stderr.trimEnd()].filter(Boolean).join('\n');
  return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
}
