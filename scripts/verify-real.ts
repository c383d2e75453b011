// The real-machine check (tier 5). It drives the engine exactly as the CLI does and records how
// long every phase takes, so the README's figures can be re-measured on any machine with Docker.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, OpEvent, PhaseInfo } from '../electron/api.ts';
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

function recordPhases(stage: string, phases: PhaseInfo[]): void {
  for (const p of phases) rows.push({ stage, phase: p.id, seconds: (p.durationMs ?? 0) / 1000, result: p.state });
}

async function timed<T>(stage: string, fn: (opId: string) => Promise<T>): Promise<T | undefined> {
  const opId = randomUUID();
  let phases: PhaseInfo[] = [];
  const off = engine.subscribe((e: EventEnvelope) => {
    if (e.event !== 'op' || e.payload.opId !== opId) return;
    const ev: OpEvent = e.payload;
    if (ev.type === 'phase' && ev.phase.state === 'running' && ev.phase.fraction === 0) process.stderr.write(`  ${stage}: ${ev.phase.title}…\n`);
    if (ev.type === 'finished') phases = ev.phases;
  });
  const t0 = Date.now();
  try {
    const r = await fn(opId);
    if (phases.length) recordPhases(stage, phases);
    rows.push({ stage, phase: '(total)', seconds: (Date.now() - t0) / 1000, result: 'ok' });
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

const doctor = await timed('doctor', () => engine.invoke('doctor:run', { settings }));
if (doctor && !doctor.ok) {
  for (const f of doctor.findings.filter((x) => x.status === 'fail')) process.stderr.write(`✗ ${f.title}: ${f.finding}\n  → ${f.fix ?? ''}\n`);
  process.stderr.write('The doctor found problems; fix them first.\n');
  process.exit(1);
}
await timed('up', (opId) => engine.invoke('cluster:up', { opId, settings }));
await timed('up (again, must change nothing)', (opId) => engine.invoke('cluster:up', { opId, settings }));
await timed('status', () => engine.invoke('cluster:status', { settings }));
if (withLabs && !failed) {
  const { labs } = await engine.invoke('labs:list', {});
  for (const lab of labs) {
    const r = await timed(`lab ${lab.id}`, (opId) => engine.invoke('lab:run', { opId, id: lab.id, lang: 'en' }));
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

const w = Math.max(...rows.map((r) => r.stage.length), 5);
console.log(`\n${'stage'.padEnd(w)}  ${'phase'.padEnd(10)}  ${'seconds'.padStart(8)}  result`);
for (const r of rows) console.log(`${r.stage.padEnd(w)}  ${r.phase.padEnd(10)}  ${r.seconds.toFixed(1).padStart(8)}  ${r.result}`);
process.exit(failed ? 1 : 0);
