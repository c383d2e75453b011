// A lab's `run:` command as an argument vector, never a shell string. The command is split the
// way a POSIX shell would split it (quotes, escapes) but anything a shell would interpret
// (pipes, redirects, globs, comments, variables, substitutions) is refused, so what runs is
// exactly what the learner sees. A single-quoted argument is one word for any shell, whatever it
// holds: that is how a script for the pod's own shell is written (`-- sh -c 'sleep 2; nc …; echo $?'`).
// kubectl is pinned to the lab cluster's own kubeconfig.
import { isAbsolute, join } from 'node:path';
import { parse } from 'shell-quote';
import { KindlabError } from '../errors.ts';

export type LabTool = 'kubectl' | 'docker';

export interface LabCommand {
  tool: LabTool;
  /** Arguments after the tool name, as the learner wrote them. */
  args: string[];
}

function rejected(command: string, why: string): KindlabError {
  return new KindlabError({
    code: 'bad-input',
    message: `cannot run "${command}": ${why}`,
    hint: 'A lab command must be one kubectl or docker command with plain arguments: no pipes, redirects, globs, variables or comments.',
  });
}

/** Splits a command line into tool + args; throws for anything that is not a plain word. */
export function splitCommand(command: string): LabCommand {
  // What stands inside single quotes reaches the tool literally; only the rest is looked at.
  const unquoted = command.replace(/'[^']*'/g, "''");
  if (/[`$\n\r\\]/.test(unquoted)) throw rejected(command, 'it contains $, `, \\ or a line break outside single quotes, which only a shell would interpret');
  const tokens = parse(command);
  const words: string[] = [];
  for (const t of tokens) {
    if (typeof t !== 'string') {
      const what = 'op' in t ? (t.op === 'glob' ? `the glob ${'pattern' in t ? String(t.pattern) : ''}` : `the shell operator ${String(t.op)}`) : 'comment' in t ? 'a # comment' : 'a shell construct';
      throw rejected(command, `it contains ${what.trim()}`);
    }
    words.push(t);
  }
  const [tool, ...args] = words;
  if (tool !== 'kubectl' && tool !== 'docker') throw rejected(command, 'only kubectl and docker commands are run');
  if (args.some((a) => a === '--kubeconfig' || a.startsWith('--kubeconfig='))) {
    throw rejected(command, 'it sets --kubeconfig itself; lab commands always use the lab cluster');
  }
  return { tool, args };
}

/**
 * The arguments actually passed to the tool: kubectl gets `--kubeconfig <file>` right after its
 * name (so ~/.kube/config is never read), and manifest paths relative to the lab folder are made
 * absolute (the process does not run inside the lab folder).
 */
export function execArgs(cmd: LabCommand, kubeconfig: string, labDir: string): string[] {
  const args = resolveFileArgs(cmd.args, labDir);
  return cmd.tool === 'kubectl' ? ['--kubeconfig', kubeconfig, ...args] : args;
}

function resolveFileArgs(args: string[], labDir: string): string[] {
  const out: string[] = [];
  const abs = (p: string) => (isAbsolute(p) || /^[a-z]+:\/\//i.test(p) || p === '-' ? p : join(labDir, p));
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const prev = args[i - 1];
    if (prev === '-f' || prev === '--filename') out.push(abs(a));
    else if (/^(-f|--filename)=/.test(a)) {
      const [flag, value] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      out.push(`${flag}=${abs(value)}`);
    } else out.push(a);
  }
  return out;
}

// kubectl flags that take a value as the next word; needed to find the verb and its operands.
const VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--cluster', '--user', '-s', '--server', '--request-timeout', '-l', '--selector', '-o', '--output',
  '--image', '--labels', '--restart', '--port', '--target-port', '--type', '--name', '--overrides', '--env', '--replicas', '-f', '--filename',
  '--for', '--timeout', '-c', '--container', '--protocol', '--field-selector', '--template', '-p', '--patch',
]);

/** kubectl's verb and its positional operands ("run tmp-shell --image x" → run, [tmp-shell]). */
export function kubectlShape(args: string[]): { verb: string | null; operands: string[]; namespace: string | null; flags: Set<string> } {
  const operands: string[] = [];
  const flags = new Set<string>();
  let namespace: string | null = null;
  let verb: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') break; // the rest belongs to the container command
    if (a.startsWith('-')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      flags.add(name);
      const value = eq > 0 ? a.slice(eq + 1) : VALUE_FLAGS.has(name) ? args[++i] : undefined;
      if ((name === '-n' || name === '--namespace') && value !== undefined) namespace = value;
      continue;
    }
    if (verb === null) verb = a;
    else operands.push(a);
  }
  return { verb, operands, namespace, flags };
}

/**
 * A `kubectl run NAME --rm …` pod left behind by an interrupted earlier run makes the next run fail
 * with AlreadyExists; the runner removes such a pod first. Returns the pod to remove, if any.
 */
export function leftoverRunPod(cmd: LabCommand): { name: string; namespace: string } | null {
  if (cmd.tool !== 'kubectl') return null;
  const s = kubectlShape(cmd.args);
  if (s.verb !== 'run' || !s.flags.has('--rm')) return null;
  const name = s.operands[0];
  return name ? { name, namespace: s.namespace ?? 'default' } : null;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A Go duration as kubectl takes it ("150s", "3m", "1m30s") in milliseconds, or null. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return ms;
}

/** The bound a command sets itself (kubectl wait / rollout status --timeout=…), if any. */
export function ownTimeoutMs(cmd: LabCommand): number | null {
  for (let i = 0; i < cmd.args.length; i++) {
    const a = cmd.args[i] ?? '';
    const value = a.startsWith('--timeout=') ? a.slice('--timeout='.length) : a === '--timeout' ? cmd.args[i + 1] : undefined;
    if (value !== undefined) return parseDuration(value);
  }
  return null;
}
