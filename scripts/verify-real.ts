// The real-machine check (tier 5). It drives the engine exactly as the CLI does and records how
// long every phase takes, so the README's figures can be re-measured on any machine with Docker.
// It stops at the first doctor or `up` failure (what follows would only fail after it), and the
// second `up` must find everything done and change nothing.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, LogStream, OpEvent, PhaseInfo } from '../electron/api.ts';
import { createEngine } from '../electron/engine/engine.ts';
import { toFailure } from '../electron/engine/errors.ts';

interface Row {
  stage: string;
  phase: string;
  seconds: number;
  result: string;
}

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const withLabs = !args.includes('--no-labs');
const nameIdx = args.indexOf('--name');
const settings = nameIdx >= 0 && args[nameIdx + 1] ? { name: args[nameIdx + 1] } : {};

const engine = createEngine({ lang: 'en' });
const rows: Row[] = [];
let failed = false;

interface OpLog {
  phaseId: string;
  stream: LogStream;
  line: string;
}

/** `withMessages`: show how each phase ended (for the second `up`, whether it found work). */
function recordPhases(stage: string, phases: PhaseInfo[], withMessages = false): void {
  for (const p of phases) rows.push({ stage, phase: p.id, seconds: (p.durationMs ?? 0) / 1000, result: withMessages && p.message ? `${p.state}: ${p.message}` : p.state });
}

/**
 * What a second `up` re-did, from its events; empty when it changed nothing. The engine (lang
 * en) finishes a phase it had nothing to do in with "reusing the existing cluster" or "already
 * ready: …", and logs only when it acts (starting stopped nodes, completing an add-on, kind's
 * output). Preflight only looks, and its warnings are logs of its own.
 */
function redone(phases: PhaseInfo[], logs: OpLog[]): string[] {
  const out: string[] = [];
  for (const p of phases) {
    if (p.id === 'preflight') continue;
    const idle = p.id === 'cluster' ? p.message === 'reusing the existing cluster' : /^already ready\b/.test(p.message ?? '');
    const acted = logs.filter((l) => l.phaseId === p.id).map((l) => l.line);
    if (p.state === 'skipped' || (p.state === 'done' && idle && acted.length === 0)) continue;
    out.push(`${p.id} (${[p.state, p.message, ...acted.slice(0, 2)].filter(Boolean).join('; ')})`);
  }
  return out;
}

/** Runs one stage; `judge` may fail a stage that succeeded (returns why). */
async function timed<T>(stage: string, fn: (opId: string) => Promise<T>, judge?: (phases: PhaseInfo[], logs: OpLog[]) => string | null): Promise<T | undefined> {
  const opId = randomUUID();
  let phases: PhaseInfo[] = [];
  const logs: OpLog[] = [];
  const off = engine.subscribe((e: EventEnvelope) => {
    if (e.event !== 'op' || e.payload.opId !== opId) return;
    const ev: OpEvent = e.payload;
    if (ev.type === 'phase' && ev.phase.state === 'running' && ev.phase.fraction === 0) process.stderr.write(`  ${stage}: ${ev.phase.title}…\n`);
    if (ev.type === 'log') logs.push({ phaseId: ev.phaseId, stream: ev.stream, line: ev.line });
    if (ev.type === 'finished') phases = ev.phases;
  });
  const t0 = Date.now();
  try {
    const r = await fn(opId);
    if (phases.length) recordPhases(stage, phases, judge !== undefined);
    const why = judge?.(phases, logs) ?? null;
    if (why) {
      failed = true;
      process.stderr.write(`✗ ${stage}: ${why}\n`);
    }
    rows.push({ stage, phase: '(total)', seconds: (Date.now() - t0) / 1000, result: why ? `FAILED: ${why}` : 'ok' });
    return r;
  } catch (err) {
    failed = true;
    const f = toFailure(err);
    if (phases.length) recordPhases(stage, phases);
    rows.push({ stage, phase: '(total)', seconds: (Date.now() - t0) / 1000, result: `FAILED: ${f.message}` });
    process.stderr.write(`✗ ${stage}: ${f.message}\n  ${f.hint}\n${(f.diagnostics ?? []).map((d) => `    ${d}\n`).join('')}`);
    return undefined;
  } finally {
    off();
  }
}

function printTable(): void {
  const w = Math.max(...rows.map((r) => r.stage.length), 5);
  console.log(`\n${'stage'.padEnd(w)}  ${'phase'.padEnd(10)}  ${'seconds'.padStart(8)}  result`);
  for (const r of rows) console.log(`${r.stage.padEnd(w)}  ${r.phase.padEnd(10)}  ${r.seconds.toFixed(1).padStart(8)}  ${r.result}`);
}

/** Ends the run after a hard failure: the table so far, and the cluster left as it is to look at. */
async function stop(why: string): Promise<never> {
  process.stderr.write(`${why}\nStopped here; the cluster is left as it is (\`kindlab down\` removes it).\n`);
  await engine.shutdown();
  printTable();
  process.exit(1);
}

const doctor = await timed('doctor', () => engine.invoke('doctor:run', { settings }));
if (!doctor) await stop('The doctor could not run.');
else if (!doctor.ok) {
  for (const f of doctor.findings.filter((x) => x.status === 'fail')) process.stderr.write(`✗ ${f.title}: ${f.finding}\n  → ${f.fix ?? ''}\n`);
  await stop('The doctor found problems; fix them first.');
}
if (!(await timed('up', (opId) => engine.invoke('cluster:up', { opId, settings })))) await stop('`up` failed.');
const again = await timed(
  'up (again, must change nothing)',
  (opId) => engine.invoke('cluster:up', { opId, settings }),
  (phases, logs) => {
    if (phases.length === 0) return 'no phases were reported';
    const r = redone(phases, logs);
    return r.length ? `re-did ${r.join(', ')}` : null;
  },
);
if (!again) await stop('The second `up` failed.');
await timed('status', () => engine.invoke('cluster:status', { settings }));
if (withLabs && !failed) {
  const { labs } = await engine.invoke('labs:list', {});
  for (const lab of labs) {
    const r = await timed(`lab ${lab.id}`, (opId) => engine.invoke('lab:run', { opId, id: lab.id, lang: 'en', settings }));
    if (r && !r.ok) {
      failed = true;
      for (const s of r.steps) for (const c of s.checks.filter((x) => x.status === 'fail')) process.stderr.write(`✗ ${lab.id} step ${s.index} ${c.id}: expected ${c.expected}; observed ${c.observed}\n  ${c.hint ?? ''}\n`);
    }
  }
}
await timed('reset --fast', (opId) => engine.invoke('cluster:reset', { opId, mode: 'fast', settings }));
await timed('reset --full', (opId) => engine.invoke('cluster:reset', { opId, mode: 'full', settings }));
if (!keep) await timed('down', (opId) => engine.invoke('cluster:down', { opId, settings }));
await engine.shutdown();
printTable();
process.exit(failed ? 1 : 0);
