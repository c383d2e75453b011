// Runs the kubectl commands a step's text shows, after the step's actions, on the control plane:
// with the lab kubeconfig, through the kubectl built beside it, without a shell. Each must
// succeed (or fail the way the text says), and its output must read like the step's "What you
// should see": the same table columns and rows, the values the prose names.
import { execFile } from 'node:child_process';
import { type LabCommand, execArgs, kubectlShape, ownTimeoutMs } from '../../electron/engine/labs/argv.ts';
import { rerunReason } from '../../electron/engine/labs/command-outcome.ts';
import type { LoadedLab } from '../../electron/engine/labs/loader.ts';
import { renderLenient } from '../../electron/engine/labs/render.ts';
import { sayer } from '../../electron/engine/labs/say.ts';
import type { LabVars } from '../../electron/engine/labs/vars.ts';
import {
  type Sample,
  type Table,
  claimPattern,
  columnClaims,
  commandPart,
  plan,
  shouldSee,
  statusClaims,
  tableMismatch,
  tables,
  textCommands,
} from './text-commands.ts';

const COMMAND_TIMEOUT_MS = 60_000;

export interface TextCheck {
  ran: { line: string; note?: string }[];
  skipped: { line: string; why: string }[];
  /** Parts of "What you should see" this tier cannot judge, with the reason. */
  unchecked: { what: string; why: string }[];
  /** Samples and claims compared with real output. */
  compared: number;
  failures: string[];
}

interface Output {
  line: string;
  cmd: LabCommand;
  exitCode: number;
  stdout: string;
  stderr: string;
}

function kubectl(bin: string, args: string[], timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ exitCode: code, stdout, stderr: err && code === -1 ? `${stderr}\n${err.message}` : stderr });
    });
  });
}

/** Every empty value (kubectl's defaults for unset fields) is left out of the comparison. */
function empty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'object' && Object.keys(v as object).length === 0);
}

/** kindlab labels what a step creates (kindlab.io/lab, for cleanup); `kubectl expose` copies the pod's labels into its selector. */
const KINDLAB_KEY = /^kindlab\.io\//;

/** The paths where `typed` holds something `live` does not: typed ⊆ live, or what differs. */
function notIn(typed: unknown, live: unknown, path: string): string[] {
  if (empty(typed)) return [];
  if (typed && typeof typed === 'object') {
    if (!live || typeof live !== 'object') return [`${path} (missing)`];
    return Object.entries(typed as Record<string, unknown>)
      .filter(([k]) => !KINDLAB_KEY.test(k))
      .flatMap(([k, v]) => notIn(v, (live as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return typed === live ? [] : [`${path}: typed ${JSON.stringify(typed)}, step ${JSON.stringify(live)}`];
}

/**
 * A create-style command met the object the step's actions made. The text offers it as the other
 * way to do the step ("type them, or click Run step"), so what it would create (a client-side dry
 * run) must be the object the step made: the same spec, as far as the command sets it.
 */
async function sameAsStep(bin: string, kubeconfig: string, lab: LoadedLab, o: Output): Promise<string | null> {
  const dry = await kubectl(bin, execArgs({ tool: 'kubectl', args: [...o.cmd.args, '--dry-run=client', '-o', 'json'] }, kubeconfig, lab.dir), COMMAND_TIMEOUT_MS);
  if (dry.exitCode !== 0) return `its dry run failed: ${dry.stderr.trim()}`;
  const typed = JSON.parse(dry.stdout) as { kind: string; metadata: { name: string; namespace?: string }; spec?: unknown };
  const ns = typed.metadata.namespace ?? kubectlShape(o.cmd.args).namespace ?? 'default';
  const live = await kubectl(bin, ['--kubeconfig', kubeconfig, 'get', `${typed.kind.toLowerCase()}/${typed.metadata.name}`, '-n', ns, '-o', 'json'], COMMAND_TIMEOUT_MS);
  if (live.exitCode !== 0) return `the step's ${typed.kind} ${typed.metadata.name} is not there: ${live.stderr.trim()}`;
  const diff = notIn(typed.spec, (JSON.parse(live.stdout) as { spec?: unknown }).spec, 'spec');
  return diff.length ? `it would create a ${typed.kind} other than the step's: ${diff.join('; ')}` : null;
}

export async function checkStepText(lab: LoadedLab, index: number, env: { kubectl: string; kubeconfig: string; vars: LabVars }): Promise<TextCheck> {
  const step = lab.spec.steps[index];
  const where = `${lab.id} #${index + 1} ${step?.id ?? '?'}`;
  const r: TextCheck = { ran: [], skipped: [], unchecked: [], compared: 0, failures: [] };
  const fail = (msg: string) => r.failures.push(`${where}: ${msg}`);
  const en = renderLenient(lab.texts.en.steps[index] ?? '', env.vars, sayer('en'));
  const zh = renderLenient(lab.texts.zh.steps[index] ?? '', env.vars, sayer('zh'));

  // Both languages show the learner the same commands, in the same order.
  const enCmds = textCommands(en);
  const zhCmds = textCommands(zh).map(commandPart);
  if (enCmds.map(commandPart).join('\n') !== zhCmds.join('\n')) {
    fail(`the en and zh texts show different kubectl commands:\n  en: ${enCmds.map(commandPart).join('\n      ')}\n  zh: ${zhCmds.join('\n      ')}`);
  }

  const outputs: Output[] = [];
  let doneByStep = false;
  // The zh text's samples count too, once each where they are the same as the English ones.
  const samples: Sample[] = [...new Map([...(shouldSee(en)?.samples ?? []), ...(shouldSee(zh)?.samples ?? [])].map((x) => [JSON.stringify(x), x])).values()];
  const errorLines = samples.flatMap((s) => (s.kind === 'error' ? [s.line] : []));
  const saysEmpty = statusClaims(shouldSee(en)?.prose ?? '').some((c) => c.startsWith('No resources found'));
  // The same command as one of the step's actions that the lab marks as needing a data plane.
  const podMade = new Set((step?.actions ?? []).flatMap((a) => ('run' in a && a.needs !== 'api' ? [renderLenient(a.run, env.vars, sayer('en'))] : [])));
  for (const c of enCmds) {
    let p: ReturnType<typeof plan>;
    try {
      p = plan(c);
    } catch (err) {
      fail(`\`${c.line}\` is not a command a shell-free runner can run: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if ('skip' in p) {
      r.skipped.push({ line: p.line, why: p.skip });
      continue;
    }
    const out = await kubectl(env.kubectl, execArgs(p.run, env.kubeconfig, lab.dir), Math.max(COMMAND_TIMEOUT_MS, (ownTimeoutMs(p.run) ?? 0) + 15_000));
    const o: Output = { line: p.line, cmd: p.run, ...out };
    outputs.push(o);
    const text = `${o.stdout}\n${o.stderr}`;
    if (o.exitCode === 0) {
      // An empty list is how kubectl answers a misspelt namespace or label too; it passes only where expected.
      const nothing = kubectlShape(p.run.args).verb === 'get' && !o.stdout.trim() && /No resources found/.test(o.stderr);
      if (!nothing || saysEmpty) r.ran.push({ line: o.line });
      else if (podMade.has(o.line)) r.ran.push({ line: o.line, note: "lists nothing here: the lab's own action for it needs a data plane (pods make these objects)" });
      else fail(`\`${o.line}\` lists nothing, and the text does not say it should:\n${o.stderr.trim()}`);
      continue;
    }
    // The text offers the command as the other way to do what the step's actions already did.
    const rerun = rerunReason(p.run, o, sayer('en'));
    if (rerun) {
      doneByStep = true;
      const verb = kubectlShape(p.run.args).verb;
      const differs = verb === 'delete' ? null : await sameAsStep(env.kubectl, env.kubeconfig, lab, o);
      if (differs) fail(`\`${o.line}\`: ${differs}`);
      else r.ran.push({ line: o.line, note: `the step's actions had done it (${rerun})${verb === 'delete' ? '' : '; its dry run makes the same object'}` });
      continue;
    }
    const expectedError = errorLines.find((l) => text.includes(l));
    if (expectedError) r.ran.push({ line: o.line, note: `fails as the text says: ${expectedError}` });
    else fail(`\`${o.line}\` exited with ${o.exitCode}:\n${text.trim()}`);
  }

  // ── What you should see ──
  const printed: { line: string; table: Table }[] = outputs.flatMap((o) => tables(o.stdout).map((table) => ({ line: o.line, table })));
  const skippedGet = r.skipped.some((s) => /^kubectl get\b/.test(s.line));
  const emptyList = outputs.some((o) => /No resources found/.test(o.stderr));
  for (const s of samples) {
    if (s.kind === 'other') continue; // dig, nc or curl output: the commands that print it are skipped or are not kubectl
    r.compared++;
    if (s.kind === 'error') {
      if (!outputs.some((o) => o.exitCode !== 0 && `${o.stdout}\n${o.stderr}`.includes(s.line))) fail(`no command failed with "${s.line}" as the text says`);
      continue;
    }
    const same = printed.filter((p) => p.table.header.join('|') === s.header.join('|'));
    if (same.length === 0) {
      if (skippedGet) r.unchecked.push({ what: `${where}: sample table ${s.header.join(' ')}`, why: 'the command that prints it is skipped' });
      else fail(`the text shows a table with columns ${s.header.join(' ')}, but no command printed one:\n${outputs.map((o) => `$ ${o.line}\n${o.stdout}`).join('\n')}`);
      continue;
    }
    const why = same.map((p) => tableMismatch({ header: s.header, rows: s.rows }, p.table));
    if (why.every((w) => w !== null)) {
      fail(`the sample output does not match what \`${same.map((p) => p.line).join('` or `')}\` printed (${why.join('; ')}):\n--- text ---\n${s.text}\n--- printed ---\n${same.map((p) => [p.table.header.join('   '), ...p.table.rows.map((row) => row.join('   '))].join('\n')).join('\n\n')}`);
    }
  }

  const prose = shouldSee(en)?.prose ?? '';
  for (const claim of columnClaims(prose)) {
    const withColumn = printed.filter((p) => p.table.header.includes(claim.column));
    const what = `${where}: ${claim.column} \`${claim.value}\``;
    if (withColumn.length === 0) {
      // Capitals before a backtick need not be a column ("only `TCP 5432`"); say so only when a table was expected.
      if (skippedGet || emptyList) r.unchecked.push({ what, why: emptyList ? 'the list is empty here: pods that do not run (MetalLB speaker) create these objects' : 'the command that prints it is skipped' });
      continue;
    }
    r.compared++;
    const cells = withColumn.flatMap((p) => p.table.rows.map((row) => row[p.table.header.indexOf(claim.column)] ?? ''));
    const re = claimPattern(claim.value);
    if (cells.some((c) => re.test(c))) continue;
    if (cells.every((c) => c === '' || c === '<pending>')) {
      r.unchecked.push({ what, why: `${claim.column} reads "${cells[0] ?? ''}" here: a controller that runs as a pod (MetalLB, ingress-nginx) fills it in` });
      continue;
    }
    fail(`the text says ${claim.column} \`${claim.value}\`, but the column reads ${cells.map((c) => `"${c}"`).join(', ')} in \`${withColumn.map((p) => p.line).join('`, `')}\``);
  }
  for (const status of statusClaims(prose)) {
    r.compared++;
    const re = claimPattern(status);
    if (outputs.some((o) => `${o.stdout}\n${o.stderr}`.split('\n').some((l) => re.test(l.trim())))) continue;
    if (r.skipped.length || doneByStep) {
      r.compared--;
      r.unchecked.push({ what: `${where}: \`${status}\``, why: doneByStep ? "the step's actions had already done what the command does" : 'the command that prints it is skipped' });
    } else fail(`the text says the output shows \`${status}\`, but no command printed it:\n${outputs.map((o) => `$ ${o.line}\n${o.stdout}${o.stderr}`).join('\n')}`);
  }
  return r;
}
