// The real-machine check (tier 5). It drives the engine exactly as the CLI does and records how
// long every phase takes, so the README's figures can be re-measured on any machine with Docker:
//
//   manifests import (--manifests) → [image cache: warm, bundle export, clear, bundle import] →
//   doctor → [baseline by hand] → [Ctrl+C during up] → up → up again (must change nothing) →
//   status → every lab → reset --fast → every lab again → reset --full → [served by the caches] →
//   down
//
// It stops at the first doctor or `up` failure (what follows would only fail after it); any other
// failure fails the run at the end. Options:
//   --cni C --ingress I --node-image IMG   the cluster's choices (as for `kindlab up`)
//   --manifests DIR   import the pinned manifests from DIR first (no internet needed)
//   --offline         everything must already be here: fail if the doctor finds anything to download
//   --baseline        time a bare `kind create` plus the same objects applied and waited for by
//                     hand, and prove that the NetworkPolicy canary fails without enforcement
//   --cancel          Ctrl+C a real `up` halfway: exit 130, no process left, and the next up finishes
//   --cache MODE      the image cache (local: only what is pushed into it, as offline; proxy: pull
//                     through): `kindlab cache warm --mode MODE`; in local mode also a bundle
//                     exported, the caches and manifests cleared and the bundle imported (--bundle
//                     FILE, default in the data folder); after reset --full, every pod's image must
//                     have come from a cache (and, in local mode, nothing from upstream). Skipped,
//                     with a row that says so, when the engine has no image cache yet
//   --node-image-boot IMG   with --cache: the cluster's node image (one without the add-on and
//                     lab images, so that they can only come through the cache); the baseline
//                     keeps --node-image
//   --boot-images FILE      the images that node image carries, one a line: no cache serves them
//   --labs-twice / --no-labs, --keep (leave the cluster), --name NAME, --json FILE (the table)
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CacheMode, ClusterSettings, ClusterStatus, EventEnvelope, LogStream, OpEvent, PhaseInfo, Text } from '../electron/api.ts';
import { nodeImageOf, settingsFrom } from '../electron/engine/context.ts';
import { createEngine } from '../electron/engine/engine.ts';
import { readKindlabEnv } from '../electron/engine/env.ts';
import { toFailure } from '../electron/engine/errors.ts';
import { manifestCacheDir } from '../electron/engine/paths.ts';
import { failureIn, textIn } from '../electron/shared/text.ts';
import { type BaselineResult, baseline } from './tier5/baseline.ts';
import { type CacheFigures, cacheUnavailable, prepareCache, servedByCache } from './tier5/cache.ts';
import { formatBytes } from './tier5/cache-check.ts';
import { cancelDuringUp } from './tier5/cancel.ts';
import { Table } from './tier5/table.ts';

const { values: opt } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'no-labs': { type: 'boolean', default: false },
    'labs-twice': { type: 'boolean', default: false },
    name: { type: 'string' },
    cni: { type: 'string' },
    ingress: { type: 'string' },
    'node-image': { type: 'string' },
    manifests: { type: 'string' },
    baseline: { type: 'boolean', default: false },
    cancel: { type: 'boolean', default: false },
    json: { type: 'string' },
    // Everything must already be here (an offline world): the run fails if the doctor finds
    // anything up would download, so that nothing even asks the network.
    offline: { type: 'boolean', default: false },
    cache: { type: 'string' },
    'node-image-boot': { type: 'string' },
    'boot-images': { type: 'string' },
    bundle: { type: 'string' },
  },
  strict: true,
});

if (opt.cache !== undefined && opt.cache !== 'local' && opt.cache !== 'proxy') {
  process.stderr.write(`--cache takes local or proxy, not ${opt.cache}\n`);
  process.exit(2);
}
const cacheMode = opt.cache as CacheMode | undefined;
// The engine and every CLI run of this script read the cache's mode from the environment.
if (cacheMode) process.env.KINDLAB_CACHE_MODE = cacheMode;

const partial: Partial<ClusterSettings> = {
  ...(opt.name ? { name: opt.name } : {}),
  ...(opt.cni ? { cni: opt.cni as ClusterSettings['cni'] } : {}),
  ...(opt.ingress ? { ingress: opt.ingress as ClusterSettings['ingress'] } : {}),
  ...(opt['node-image'] ? { nodeImage: opt['node-image'] } : {}),
};

const engine = createEngine({ lang: 'en', config: readKindlabEnv(process.env) });
const table = new Table();
// The image cache runs only where the engine has it; a build without it says so and tier 5 runs
// as it did before the cache, on the full node image.
const cacheSkipped = cacheMode ? await cacheUnavailable(engine, partial) : 'not asked for (--cache)';
const cacheOn = cacheMode !== undefined && cacheSkipped === null;
if (cacheMode && cacheSkipped) {
  process.stderr.write(`  image cache: skipped (${cacheSkipped})\n`);
  table.add({ stage: 'image cache', phase: '(total)', seconds: 0, result: `skipped: ${cacheSkipped}` });
}
// The baseline's bare cluster has no cache in front of it: it keeps the full node image.
const fullNodeImage = partial.nodeImage;
if (cacheOn && opt['node-image-boot']) partial.nodeImage = opt['node-image-boot'];
const bootImages = cacheOn && opt['boot-images'] ? readFileSync(opt['boot-images'], 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];

// The same flags for the CLI runs of this script (the Ctrl+C test, the cache's commands).
const cliFlags = [
  ...(partial.name ? ['--name', partial.name] : []),
  ...(partial.cni ? ['--cni', partial.cni] : []),
  ...(partial.ingress ? ['--ingress', partial.ingress] : []),
  ...(partial.nodeImage ? ['--node-image', partial.nodeImage] : []),
];

const settings = settingsFrom(partial, engine.ctx.defaults);
/** The engine's words in English, the language of this report. */
const en = (text: Text | undefined) => textIn(text, 'en');

interface OpLog {
  phaseId: string;
  stream: LogStream;
  /** In English: the engine writes both languages, this report reads one. */
  line: string;
}

/** `withMessages`: show how each phase ended (for the second `up`, whether it found work). */
function recordPhases(stage: string, phases: PhaseInfo[], withMessages = false): void {
  for (const p of phases) table.add({ stage, phase: p.id, seconds: (p.durationMs ?? 0) / 1000, result: withMessages && p.message ? `${p.state}: ${en(p.message)}` : p.state });
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
    const idle = p.id === 'cluster' ? en(p.message) === 'reusing the existing cluster' : /^already ready\b/.test(en(p.message));
    const acted = logs.filter((l) => l.phaseId === p.id).map((l) => l.line);
    if (p.state === 'skipped' || (p.state === 'done' && idle && acted.length === 0)) continue;
    out.push(`${p.id} (${[p.state, en(p.message), ...acted.slice(0, 2)].filter(Boolean).join('; ')})`);
  }
  return out;
}

/** Runs one stage; `judge` may fail a stage that succeeded (returns why). */
async function timed<T>(stage: string, fn: (opId: string) => Promise<T>, judge?: (r: T, phases: PhaseInfo[], logs: OpLog[]) => string | null): Promise<T | undefined> {
  const opId = randomUUID();
  let phases: PhaseInfo[] = [];
  const logs: OpLog[] = [];
  const off = engine.subscribe((e: EventEnvelope) => {
    if (e.event !== 'op' || e.payload.opId !== opId) return;
    const ev: OpEvent = e.payload;
    if (ev.type === 'phase' && ev.phase.state === 'running' && ev.phase.fraction === 0) process.stderr.write(`  ${stage}: ${en(ev.phase.title)}…\n`);
    if (ev.type === 'log') logs.push({ phaseId: ev.phaseId, stream: ev.stream, line: en(ev.line) });
    if (ev.type === 'finished') phases = ev.phases;
  });
  const t0 = Date.now();
  try {
    const r = await fn(opId);
    if (phases.length) recordPhases(stage, phases, judge !== undefined);
    const why = judge?.(r, phases, logs) ?? null;
    if (why) table.fail(stage, why);
    table.add({ stage, phase: '(total)', seconds: (Date.now() - t0) / 1000, result: why ? `FAILED: ${why}` : 'ok' });
    return r;
  } catch (err) {
    const f = failureIn(toFailure(err), 'en');
    if (phases.length) recordPhases(stage, phases);
    table.add({ stage, phase: '(total)', seconds: (Date.now() - t0) / 1000, result: `FAILED: ${f.message}` });
    table.fail(stage, `${f.message}\n  ${f.hint}${(f.diagnostics ?? []).map((d) => `\n    ${d}`).join('')}`);
    return undefined;
  } finally {
    off();
  }
}

function writeJson(extra: Record<string, unknown>): void {
  if (!opt.json) return;
  writeFileSync(opt.json, `${JSON.stringify({ settings, rows: table.rows, failed: table.failed, ...extra }, null, 2)}\n`);
}

/** Ends the run after a hard failure: the table so far, and the cluster left as it is to look at. */
async function stop(why: string): Promise<never> {
  process.stderr.write(`${why}\nStopped here; the cluster is left as it is (\`kindlab down\` removes it).\n`);
  await engine.shutdown();
  table.print();
  writeJson({});
  process.exit(1);
}

/** A healthy cluster as `status` reports it: nodes and add-ons ready, both pools there, nothing left over. */
function statusProblems(s: ClusterStatus): string | null {
  const p = [
    !s.exists || !s.apiReachable ? 'the cluster does not answer' : null,
    s.nodes.length !== 2 || s.nodes.some((n) => !n.ready) ? `nodes: ${s.nodes.map((n) => `${n.name}=${n.ready ? 'Ready' : 'NotReady'}`).join(', ')}` : null,
    ...s.addons.filter((a) => a.state !== 'ready').map((a) => `${a.id} ${a.state}: ${en(a.message)}`),
    s.pools.map((x) => x.name).join(',') !== 'pool-01,pool-02' ? `pools: ${s.pools.map((x) => x.name).join(', ') || 'none'}` : null,
    s.leftovers.length ? `leftovers: ${s.leftovers.join(', ')}` : null,
    s.cni !== settings.cni || s.ingress !== settings.ingress ? `built with ${s.cni}/${s.ingress}, asked for ${settings.cni}/${settings.ingress}` : null,
  ].filter((x): x is string => x !== null);
  return p.length ? p.join('; ') : null;
}

async function runLabs(round: string): Promise<void> {
  const { labs } = await engine.invoke('labs:list', {});
  for (const lab of labs) {
    await timed(`lab ${lab.id}${round}`, (opId) => engine.invoke('lab:run', { opId, id: lab.id, lang: 'en', settings: partial }), (r) => {
      if (r.ok) return null;
      for (const s of r.steps) for (const c of s.checks.filter((x) => x.status === 'fail')) process.stderr.write(`✗ ${lab.id} step ${s.index + 1} ${c.id}: expected ${c.expected}; observed ${c.observed}\n  ${c.hint ?? ''}\n`);
      for (const s of r.steps) for (const a of s.actions.filter((x) => x.status === 'failed')) process.stderr.write(`✗ ${lab.id} step ${s.index + 1}: ${en(a.description)}\n  ${en(a.output).split('\n').slice(0, 4).join('\n  ')}\n`);
      const failed = r.steps.filter((s) => s.status === 'fail').map((s) => `${s.index + 1} ${s.id}`);
      return `failed step ${failed.join(', ')}`;
    });
  }
}

if (opt.manifests) {
  const dir = opt.manifests;
  await timed('manifests import', () => engine.invoke('manifests:import', { dir }), (r) => {
    for (const f of r.imported) process.stderr.write(`  ${f.file}: sha256 ${f.sha256}, the pin of ${f.id}\n`);
    return r.refused.length ? `refused ${r.refused.map((f) => `${f.file} (pinned ${f.expected}, file ${f.got})`).join(', ')}` : null;
  });
}

let cacheFig: CacheFigures | null = null;
if (cacheOn && cacheMode) {
  process.stderr.write(`  image cache (${cacheMode}): warm${cacheMode === 'local' ? ', bundle export, clear, bundle import' : ''}…\n`);
  cacheFig = await prepareCache({
    table,
    flags: cliFlags,
    settings,
    mode: cacheMode,
    bundle: opt.bundle ?? join(engine.ctx.dataDir, 'kindlab-bundle.tar'),
    manifestCacheDir: manifestCacheDir(engine.ctx.dataDir),
  });
  // The node image has only the boot images: without every other image in a cache, `up` would
  // only wait out its pull timeouts. A failed bundle export alone leaves the warm caches in place.
  if (!cacheFig.ready) await stop('The image cache is not ready (see above).');
}

const doctor = await timed('doctor', () => engine.invoke('doctor:run', { settings: partial }));
if (!doctor) await stop('The doctor could not run.');
else if (!doctor.ok) {
  for (const f of doctor.findings.filter((x) => x.status === 'fail')) process.stderr.write(`✗ ${en(f.title)}: ${en(f.finding)}\n  → ${en(f.fix)}\n`);
  await stop('The doctor found problems; fix them first.');
} else if (opt.offline) {
  const downloads = doctor.findings.find((f) => f.id === 'downloads');
  process.stderr.write(`  downloads: ${en(downloads?.finding)}\n`);
  if (!downloads || / will download /.test(en(downloads.finding))) await stop('--offline: the doctor would download something (see above); every image and manifest must already be here.');
}

let bare: BaselineResult | null = null;
if (opt.baseline) {
  process.stderr.write('  baseline: a bare kind cluster and the same add-ons by hand…\n');
  bare = await baseline({ settings, nodeImage: fullNodeImage ?? nodeImageOf(settings, engine.ctx.pins), pins: engine.ctx.pins, dataDir: engine.ctx.dataDir, table, engine });
}
if (opt.cancel) {
  process.stderr.write('  Ctrl+C during up: interrupting a real `kindlab up` while kind creates the nodes…\n');
  await cancelDuringUp(cliFlags, /Starting control-plane|Joining worker nodes/, table);
}

const up = await timed('up', (opId) => engine.invoke('cluster:up', { opId, settings: partial }));
if (!up) await stop('`up` failed.');
const again = await timed(
  'up (again, must change nothing)',
  (opId) => engine.invoke('cluster:up', { opId, settings: partial }),
  (_r, phases, logs) => {
    if (phases.length === 0) return 'no phases were reported';
    const r = redone(phases, logs);
    return r.length ? `re-did ${r.join(', ')}` : null;
  },
);
if (!again) await stop('The second `up` failed.');
await timed('status', () => engine.invoke('cluster:status', { settings: partial }), (s) => statusProblems(s));
if (!opt['no-labs']) await runLabs('');
await timed('reset --fast', (opId) => engine.invoke('cluster:reset', { opId, mode: 'fast', settings: partial }), (s) => statusProblems(s));
if (!opt['no-labs'] && opt['labs-twice']) await runLabs(' (after reset --fast)');
const fullSince = new Date();
await timed('reset --full', (opId) => engine.invoke('cluster:reset', { opId, mode: 'full', settings: partial }), (s) => statusProblems(s));
if (cacheOn && cacheMode) {
  await servedByCache({ table, engine, settings, dataDir: engine.ctx.dataDir, mode: cacheMode, since: fullSince, boot: bootImages, stage: 'reset --full: every image from a cache' });
}
if (!opt.keep) await timed('down', (opId) => engine.invoke('cluster:down', { opId, settings: partial }));
if (cacheOn && !opt.keep) {
  // The caches outlive the cluster: only `kindlab cache clear` removes them.
  await timed('caches kept after down', () => engine.invoke('cache:status', { settings: partial }), (s) => {
    const gone = s.upstreams.filter((u) => !u.exists).map((u) => u.container);
    return gone.length ? `removed by down: ${gone.join(', ')}` : s.cachedCount === 0 ? 'no image is cached any more' : null;
  });
}
await engine.shutdown();
table.print();

const upTotal = table.total('up');
if (bare && upTotal) {
  const byHand = bare.createSeconds + bare.addonSeconds;
  console.log(`\nbare kind create ${bare.createSeconds.toFixed(1)} s; by hand (create + the same applies and waits) ${byHand.toFixed(1)} s; kindlab up ${upTotal.toFixed(1)} s = ${(upTotal / byHand).toFixed(2)}× by hand, ${(upTotal / bare.createSeconds).toFixed(2)}× the bare create`);
}
const resetFull = table.total('reset --full');
if (cacheFig) {
  const f = cacheFig;
  const parts = [
    f.warmSeconds !== undefined ? `warm ${f.warmSeconds.toFixed(1)} s (${f.neededImages ?? '?'} images needed here, ${f.images ?? '?'} cached, ${f.cacheBytes !== undefined ? formatBytes(f.cacheBytes) : '?'})` : null,
    f.exportSeconds !== undefined ? `bundle export ${f.exportSeconds.toFixed(1)} s (${f.bundleBytes !== undefined ? formatBytes(f.bundleBytes) : 'no file'})` : null,
    f.importSeconds !== undefined ? `bundle import ${f.importSeconds.toFixed(1)} s` : null,
    resetFull !== undefined ? `reset --full with a warm cache ${resetFull.toFixed(1)} s` : null,
  ].filter(Boolean);
  console.log(`\nimage cache (${f.mode}): ${parts.join('; ')}`);
}
writeJson({ ...(bare ? { baseline: bare } : {}), ...(cacheFig ? { cache: { ...cacheFig, resetFullSeconds: resetFull } } : { cache: { skipped: cacheSkipped } }) });
process.exit(table.failed ? 1 : 0);
