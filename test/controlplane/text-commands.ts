// The kubectl commands a step's Markdown shows the learner, and what the text says they print.
// The labs are the source: commands come from the step's code blocks, the expected output from
// its "What you should see" section. Which commands cannot run without a data plane is decided
// by their shape (SKIP_RULES), never by a list of commands. Pure.
import { type LabCommand, kubectlShape, splitCommand } from '../../electron/engine/labs/argv.ts';

/** Code blocks whose lines are commands to type; any other block only illustrates. */
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console']);

export interface TextCommand {
  /** The line as the learner reads it (variables filled in). */
  line: string;
  /** False for a kubectl line in a ```text block: it shows what the step does, it is not typed. */
  typed: boolean;
}

interface Block {
  lang: string;
  lines: string[];
  /** Line index of the opening fence. */
  at: number;
}

function blocks(markdown: string): { blocks: Block[]; lines: string[]; unclosedAt: number | null } {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  let open: Block | null = null;
  lines.forEach((l, i) => {
    const fence = /^\s*```\s*([\w-]*)\s*$/.exec(l);
    if (!fence) {
      open?.lines.push(l);
      return;
    }
    if (open) {
      out.push(open);
      open = null;
    } else open = { lang: (fence[1] ?? '').toLowerCase(), lines: [], at: i };
  });
  return { blocks: out, lines, unclosedAt: open ? (open as Block).at + 1 : null };
}

/** The line (1-based) of a code fence that is never closed: its commands would go unchecked. */
export function unclosedFence(markdown: string): number | null {
  return blocks(markdown).unclosedAt;
}

/**
 * Every command line of the shell blocks (docker, curl and dig too, not only kubectl), without
 * comments, which are translated: en and zh must show the learner the same commands.
 */
export function shellLines(markdown: string): string[] {
  return blocks(markdown).blocks
    .filter((b) => SHELL_LANGS.has(b.lang))
    .flatMap((b) => b.lines.map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean));
}

/** Every kubectl line of a step's code blocks, in order. */
export function textCommands(markdown: string): TextCommand[] {
  return blocks(markdown).blocks.flatMap((b) =>
    b.lang === 'yaml' || b.lang === 'json'
      ? []
      : b.lines.flatMap((l) => {
          const m = /^\s*(?:\$\s+)?(kubectl\s.*?)\s*$/.exec(l);
          return m?.[1] ? [{ line: m[1], typed: SHELL_LANGS.has(b.lang) }] : [];
        }),
  );
}

/** The command part of a line, without an annotation the text adds after it ("  (the same file…)"). */
export function commandPart(c: TextCommand): string {
  return c.typed ? c.line : c.line.replace(/\s{2,}[(（].*$/, '');
}

// ── which commands cannot run here ──

interface SkipRule {
  /** `cmd` is null for a line that is not a plain command (an illustration, a placeholder). */
  applies(c: TextCommand, cmd: LabCommand | null): boolean;
  why: string;
}

/** <pod-ip>, <lb-ip>: a value the learner copies from an earlier output (a shell would read "<" as a redirect). */
const PLACEHOLDER = /<[a-z][\w-]*>/;
const ATTACH_FLAGS = ['-i', '--stdin', '-t', '--tty', '-it', '-ti', '--attach'];
const verb = (cmd: LabCommand | null) => (cmd ? kubectlShape(cmd.args).verb : null);

/**
 * Every kind of shown command this tier does not run, each with its reason. Decided by the
 * command's shape, so a new lab needs no entry here. Everything else must run and succeed.
 */
const SKIP_RULES: readonly SkipRule[] = [
  { applies: (c) => !c.typed, why: "shown in a ```text block as what the step's actions do, not as a command to type" },
  { applies: (c) => PLACEHOLDER.test(c.line), why: 'has a placeholder such as <pod-ip> that the learner fills in from an earlier output' },
  {
    applies: (_c, cmd) => verb(cmd) === 'run' && !!cmd?.args.some((a) => ATTACH_FLAGS.includes(a) || ATTACH_FLAGS.some((f) => a.startsWith(`${f}=`))),
    why: 'attaches to the container it starts (kubectl run -i): needs a pod that really runs',
  },
  { applies: (_c, cmd) => ['exec', 'attach', 'logs', 'port-forward', 'cp', 'debug', 'proxy', 'top'].includes(verb(cmd) ?? ''), why: 'talks to a kubelet or opens a tunnel: needs a data plane' },
  { applies: (_c, cmd) => !!cmd?.args.some((a) => a === '-w' || a === '--watch' || a === '--watch-only' || a.startsWith('--watch=')), why: 'watches until Ctrl+C' },
];

export type Planned = { line: string; run: LabCommand } | { line: string; skip: string };

/** What the test does with a shown command: run it, or list it as skipped with the reason. */
export function plan(c: TextCommand): Planned {
  const plain = c.typed && !PLACEHOLDER.test(c.line);
  // splitCommand throws, with the reason, for anything a shell would interpret: a wrong command fails here.
  const cmd = plain ? splitCommand(c.line) : null;
  const rule = SKIP_RULES.find((r) => r.applies(c, cmd));
  if (rule) return { line: c.line, skip: rule.why };
  if (!cmd) throw new Error(`unreachable: ${c.line}`);
  return { line: c.line, run: cmd };
}

// ── "What you should see" ──

export type Sample = { kind: 'table'; header: string[]; rows: string[][]; text: string } | { kind: 'error'; line: string } | { kind: 'other'; text: string };

export interface ShouldSee {
  /** Output samples (```text or unlabelled blocks in the section). */
  samples: Sample[];
  /** The section's prose, code blocks left out. */
  prose: string;
}

const SHOULD_SEE = /What you should see|你应该看到/;

/** The "What you should see" section: from its marker to the next heading or bold lead-in. */
export function shouldSee(markdown: string): ShouldSee | null {
  const { blocks: all, lines } = blocks(markdown);
  const start = lines.findIndex((l) => SHOULD_SEE.test(l));
  if (start < 0) return null;
  let end = lines.length;
  let inCode = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (/^\s*```/.test(l)) inCode = !inCode;
    if (!inCode && (/^#/.test(l) || /^\*\*[^*]+\*\*/.test(l))) {
      end = i;
      break;
    }
  }
  const inside = all.filter((b) => b.at > start && b.at < end && (b.lang === 'text' || b.lang === ''));
  const prose: string[] = [];
  inCode = false;
  for (let i = start; i < end; i++) {
    const l = lines[i] ?? '';
    if (/^\s*```/.test(l)) inCode = !inCode;
    else if (!inCode) prose.push(i === start ? l.replace(/^.*?(What you should see|你应该看到)\S*/, '') : l);
  }
  return { samples: inside.map((b) => sample(b.lines)), prose: prose.join('\n') };
}

/** kubectl prints a table header in capitals, first column NAME (NAMESPACE with -A). */
function isHeader(line: string): boolean {
  const cols = line.trim().split(/\s{2,}/);
  return cols.length >= 2 && (cols[0] === 'NAME' || cols[0] === 'NAMESPACE') && cols.every((c) => /^[A-Z][A-Z0-9()/. -]*$/.test(c));
}

function sample(lines: string[]): Sample {
  const text = lines.join('\n').trim();
  const [first = '', ...rest] = text.split('\n');
  if (isHeader(first)) {
    const header = first.trim().split(/\s{2,}/);
    const starts = columnStarts(first);
    const rows = rest.filter((l) => l.trim()).map((l) => {
      const cells = l.trim().split(/\s{2,}/);
      return cells.length === header.length ? cells : slice(l, starts);
    });
    return { kind: 'table', header, rows, text };
  }
  if (/^(Error from server|error:)/.test(first) && rest.length === 0) return { kind: 'error', line: first.trim() };
  return { kind: 'other', text };
}

// ── kubectl tables ──

export interface Table {
  header: string[];
  rows: string[][];
}

function columnStarts(header: string): number[] {
  const starts: number[] = [];
  const re = /(^|\s{2,})(\S)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) starts.push(m.index + (m[1]?.length ?? 0));
  return starts;
}

function slice(line: string, starts: number[]): string[] {
  return starts.map((s, i) => line.slice(s, starts[i + 1] ?? line.length).trim());
}

/** The tables in a kubectl output (several for `get svc,pods`), cells cut at the header's columns. */
export function tables(output: string): Table[] {
  const out: Table[] = [];
  for (const chunk of output.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim());
    const [head, ...rows] = lines;
    if (!head || !isHeader(head)) continue;
    const starts = columnStarts(head);
    out.push({ header: head.trim().split(/\s{2,}/), rows: rows.map((r) => slice(r, starts)) });
  }
  return out;
}

// What differs between any two clusters: addresses, ages, node ports and generated names.
const IP = /\d{1,3}(\.\d{1,3}){3}/;
const AGE = /^(\d+[smhd])+$|^<invalid>$/;

/** A cell as it reads on any cluster; null when it is all address (nothing stable to compare). */
function stableCell(cell: string): string | null {
  if (IP.test(cell) || AGE.test(cell)) return null;
  return cell
    .replace(/:3(\d{4}|xxxx)\//g, ':3xxxx/') // node ports are drawn at random from 30000-32767
    .replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}\b/g, '-…') // Deployment pods: -<ReplicaSet hash>-<suffix>
    .replace(/(pod-template-hash=)[a-z0-9]+/g, '$1…');
}

/**
 * Why a sample table is not what the output shows, or null when it is: the same columns, and for
 * every sample row a row of its own whose stable cells read the same.
 */
export function tableMismatch(sample: Table, printed: Table): string | null {
  if (sample.header.join('|') !== printed.header.join('|')) return `columns ${printed.header.join(' ')} instead of ${sample.header.join(' ')}`;
  const used = new Set<number>();
  for (const row of sample.rows) {
    const i = printed.rows.findIndex((p, j) => !used.has(j) && row.every((cell, k) => stableCell(cell) === null || stableCell(cell) === stableCell(p[k] ?? '')));
    if (i < 0) return `no printed row reads like "${row.join('  ')}"`;
    used.add(i);
  }
  return null;
}

// ── the prose ──

/** "CLASS `nginx`", "EXTERNAL-IP stays `<pending>`", "`READY 3/3`": a column and what it shows. */
export function columnClaims(prose: string): { column: string; value: string }[] {
  const out: { column: string; value: string }[] = [];
  const col = '([A-Z][A-Z0-9()-]+(?: [A-Z][A-Z0-9()-]+)*)';
  for (const m of prose.matchAll(new RegExp(`${col}(?: (?:is exactly|is|shows|reads|stays|like))? \`([^\`]+)\``, 'g'))) out.push({ column: m[1] ?? '', value: m[2] ?? '' });
  for (const m of prose.matchAll(new RegExp(`\`${col} ([^\`]+)\``, 'g'))) out.push({ column: m[1] ?? '', value: m[2] ?? '' });
  return out;
}

/** Backticked kubectl status lines in the prose: "No resources found…", "… successfully rolled out". */
export function statusClaims(prose: string): string[] {
  return [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '').filter((s) => /^No resources found|successfully rolled out$|condition met$|\bdeleted$/.test(s));
}

/** A claimed value as a pattern: "…" stands for anything, node ports for any node port. */
export function claimPattern(value: string): RegExp {
  const esc = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.*').replace(/3xxxx/g, '3\\d{4}');
  return new RegExp(`^${esc}$`);
}
