// Tier 5's image-cache path, driven through the `kindlab` CLI as a learner would type it:
//
//   kindlab cache warm --mode local    the world's images, on the host engine, pushed into the caches
//   kindlab bundle export --only-chosen FILE   (time, size)
//   kindlab cache clear                and the manifest cache removed: a clean machine
//   kindlab bundle import FILE         (time): caches and manifests back, verified against the pins
//
// then, after `reset --full` on the boot-only node image, `servedByCache` proves from the caches'
// own access logs that every image of every pod came from a cache, and that nothing went upstream.
// It runs only when the engine answers `cache:status` (a build without the cache says "not built
// yet", and tier 5 then runs as before).
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { CacheMode, CacheStatus, ClusterSettings, KindlabApi } from '../../electron/api.ts';
import { toFailure } from '../../electron/engine/errors.ts';
import { clusterPaths } from '../../electron/engine/paths.ts';
import { failureIn } from '../../electron/shared/text.ts';
import { containerdUpstreamLines, formatBytes, judgeServed, podImages, upstreamLines } from './cache-check.ts';
import type { Table } from './table.ts';

const REPO = new URL('../../', import.meta.url).pathname;

/** null when the engine has the image cache; otherwise why tier 5 runs without it. */
export async function cacheUnavailable(engine: KindlabApi, settings: Partial<ClusterSettings>): Promise<string | null> {
  try {
    await engine.invoke('cache:status', { settings });
    return null;
  } catch (err) {
    return failureIn(toFailure(err), 'en').message;
  }
}

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** `kindlab FLAGS ARGS`, its progress lines shown on stderr as they come. */
async function kindlab(flags: string[], args: string[], label: string): Promise<CliResult> {
  const t0 = Date.now();
  const child = execa(process.execPath, [join(REPO, 'bin', 'kindlab.js'), ...flags, ...args], { reject: false, timeout: 1_800_000 });
  let buffered = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) process.stderr.write(`  ${label}: ${l}\n`);
  });
  const r = await child;
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), seconds: (Date.now() - t0) / 1000 };
}

const tail = (s: string) => s.trim().split('\n').slice(-3).join(' | ');

/** The images the chosen add-ons and the labs run: those the world can push, and `up` needs. */
function needed(status: CacheStatus, settings: ClusterSettings): CacheStatus['images'] {
  const ids = new Set<string>([settings.cni, settings.ingress, 'metallb']);
  return status.images.filter((i) => i.usedBy.some((u) => ids.has(u) || u.startsWith('lab:')));
}

async function cacheStatus(flags: string[]): Promise<CacheStatus> {
  const r = await kindlab(flags, ['cache', 'status', '--json'], 'cache status');
  if (r.exitCode !== 0) throw new Error(`kindlab cache status --json exited ${r.exitCode}: ${tail(r.stderr)}`);
  return JSON.parse(r.stdout) as CacheStatus;
}

export interface CacheFigures {
  mode: CacheMode;
  warmSeconds?: number;
  images?: number;
  neededImages?: number;
  cacheBytes?: number;
  bundleFile?: string;
  bundleBytes?: number;
  exportSeconds?: number;
  importSeconds?: number;
  /** ISO time the bundle import finished (the labs' pulls are in the caches' logs from then on). */
  importedAt?: string;
  /** Every image the chosen add-ons and the labs need is in a cache: `up` can run on the boot-only node image. */
  ready: boolean;
}

interface PrepareCtx {
  table: Table;
  flags: string[];
  settings: ClusterSettings;
  mode: CacheMode;
  bundle: string;
  /** The engine's manifest cache, removed with the caches so that the import alone restores it. */
  manifestCacheDir: string;
}

/** One stage of the table from one CLI run; `judge` returns why a run that exited 0 still failed. */
async function stage(ctx: PrepareCtx, name: string, args: string[], judge?: (r: CliResult) => Promise<string | null>, result?: (r: CliResult) => Promise<string>): Promise<CliResult> {
  const r = await kindlab(ctx.flags, args, name);
  let why = r.exitCode === 0 ? null : `exit ${r.exitCode}: ${tail(r.stderr)}`;
  if (!why && judge) why = await judge(r).catch((err: unknown) => (err as Error).message);
  ctx.table.add({ stage: name, phase: '(total)', seconds: r.seconds, result: why ? `FAILED: ${why}` : result ? await result(r) : 'ok' });
  if (why) ctx.table.fail(name, why);
  return r;
}

/** warm → export → clear (and the manifest cache) → import; the figures for the table and the JSON. */
export async function prepareCache(ctx: PrepareCtx): Promise<CacheFigures> {
  const fig: CacheFigures = { mode: ctx.mode, ready: false };
  const flags = ctx.flags;
  let afterWarm: CacheStatus | null = null;
  const warm = await stage(
    ctx,
    `cache warm --mode ${ctx.mode}`,
    ['cache', 'warm', '--mode', ctx.mode],
    async () => {
      afterWarm = await cacheStatus(flags);
      const missing = needed(afterWarm, ctx.settings).filter((i) => !i.cached);
      return missing.length ? `not cached after warm: ${missing.map((i) => i.ref).join(', ')}` : null;
    },
    async () => {
      const s = afterWarm as CacheStatus | null;
      if (!s) return 'ok';
      return `ok: ${needed(s, ctx.settings).length} images needed here, ${s.cachedCount}/${s.totalCount} listed images cached, ${formatBytes(s.totalBytes)} on ${s.upstreams.length} caches`;
    },
  );
  fig.warmSeconds = warm.seconds;
  // A warm that failed for one image may still have cached everything this cluster needs.
  const warmed = (afterWarm as CacheStatus | null) ?? (await cacheStatus(flags).catch(() => null));
  if (warmed) {
    fig.images = warmed.cachedCount;
    fig.neededImages = needed(warmed, ctx.settings).length;
    fig.cacheBytes = warmed.totalBytes;
  }
  fig.ready = warmed !== null && needed(warmed, ctx.settings).every((i) => i.cached);
  if (!fig.ready || ctx.mode !== 'local') return fig;

  await rm(ctx.bundle, { force: true });
  const exp = await stage(
    ctx,
    'bundle export',
    // The chosen add-ons only: Calico's and ingress-nginx's manifests and images cannot be had here.
    ['bundle', 'export', '--only-chosen', ctx.bundle],
    async () => ((await stat(ctx.bundle).catch(() => null)) ? null : `${ctx.bundle} was not written`),
    async () => `ok: ${formatBytes((await stat(ctx.bundle)).size)} in ${ctx.bundle}`,
  );
  fig.exportSeconds = exp.seconds;
  if (exp.exitCode !== 0) {
    // The caches are still warm: the rest of tier 5 runs on them, and the run fails for the bundle.
    for (const name of ['cache clear (and the manifest cache)', 'bundle import']) ctx.table.add({ stage: name, phase: '(total)', seconds: 0, result: 'skipped: bundle export failed' });
    return fig;
  }
  fig.bundleFile = ctx.bundle;
  fig.bundleBytes = (await stat(ctx.bundle)).size;

  await stage(ctx, 'cache clear (and the manifest cache)', ['cache', 'clear'], async () => {
    await rm(ctx.manifestCacheDir, { recursive: true, force: true });
    const s = await cacheStatus(flags);
    const left = s.upstreams.filter((u) => u.exists).map((u) => u.container);
    return left.length ? `still there after clear: ${left.join(', ')}` : s.cachedCount ? `${s.cachedCount} images still cached` : null;
  });

  let afterImport: CacheStatus | null = null;
  const imp = await stage(
    ctx,
    'bundle import',
    ['bundle', 'import', ctx.bundle],
    async () => {
      afterImport = await cacheStatus(flags);
      const missing = needed(afterImport, ctx.settings).filter((i) => !i.cached);
      return missing.length ? `not cached after import: ${missing.map((i) => i.ref).join(', ')}` : null;
    },
    async () => {
      const s = afterImport as CacheStatus | null;
      return s ? `ok: ${s.cachedCount} images back in the caches (${formatBytes(s.totalBytes)}) from ${formatBytes(fig.bundleBytes ?? 0)}` : 'ok';
    },
  );
  fig.importSeconds = imp.seconds;
  fig.importedAt = new Date().toISOString();
  const imported = afterImport as CacheStatus | null;
  fig.ready = imp.exitCode === 0 && imported !== null && needed(imported, ctx.settings).every((i) => i.cached);
  return fig;
}

async function docker(args: string[]): Promise<string> {
  const r = await execa('docker', args, { reject: false, all: true, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.exitCode}: ${tail(String(r.all ?? ''))}`);
  return String(r.all ?? '');
}

export interface ServedCtx {
  table: Table;
  engine: KindlabApi;
  settings: ClusterSettings;
  dataDir: string;
  mode: CacheMode;
  /** When the operation whose pulls are judged began (docker logs --since). */
  since: Date;
  /** The node image's own images (the world's boot list); empty on a machine with internet. */
  boot: string[];
  stage: string;
}

/**
 * After `reset --full`: every image of every pod that the node image does not carry was served
 * by its upstream's cache (manifest and blobs, 200, since the reset began); in local mode no
 * cache pulls through from upstream and no node's containerd fell back past a cache.
 */
export async function servedByCache(ctx: ServedCtx): Promise<void> {
  const t0 = Date.now();
  const problems: string[] = [];
  let summary = '';
  try {
    const status = await ctx.engine.invoke('cache:status', { settings: { name: ctx.settings.name } });
    const kubeconfig = clusterPaths(ctx.dataDir, ctx.settings.name).kubeconfig;
    const pods = podImages((await execa('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '-o', 'json'], { timeout: 60_000 })).stdout);
    const since = ctx.since.toISOString();
    const logs = new Map<string, string>();
    for (const u of status.upstreams.filter((x) => x.running)) {
      const log = await docker(['logs', '--since', since, u.container]);
      logs.set(u.upstream, log);
      if (ctx.mode === 'local') {
        const env = await docker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', u.container]);
        if (/^REGISTRY_PROXY_REMOTEURL=\S/m.test(env)) problems.push(`${u.container} runs as a pull-through cache (REGISTRY_PROXY_REMOTEURL is set) in local mode`);
        for (const l of upstreamLines(log).slice(0, 3)) problems.push(`${u.container} went upstream: ${l.slice(0, 240)}`);
      }
    }
    const r = judgeServed({ pods, logs, boot: ctx.boot, inventory: status.images.map((i) => i.ref), strict: ctx.boot.length > 0 });
    problems.push(...r.problems);
    if (ctx.mode === 'local') {
      const nodes = (await docker(['ps', '--filter', `label=io.x-k8s.kind.cluster=${ctx.settings.name}`, '--format', '{{.Names}}'])).split('\n').filter(Boolean);
      for (const n of nodes) {
        const journal = await docker(['exec', n, 'journalctl', '-u', 'containerd', '--no-pager', '-o', 'cat']);
        for (const l of containerdUpstreamLines(journal).slice(0, 3)) problems.push(`${n}'s containerd looked past the cache: ${l.slice(0, 240)}`);
      }
    }
    const requests = r.served.reduce((n, s) => n + s.manifestRequests + s.blobRequests, 0);
    summary = `${r.served.length} images of ${new Set(pods.map((p) => p.pod)).size} pods served by ${logs.size} caches (${requests} manifest and blob requests), ${r.fromNodeImage.length} boot images from the node image${ctx.mode === 'local' ? ', nothing upstream' : ''}`;
    for (const s of r.served) process.stderr.write(`  ${ctx.stage}: ${s.image} from kindlab-cache-${s.upstream} (${s.manifestRequests} manifest, ${s.blobRequests} blob requests) for ${s.pods.join(', ')}\n`);
  } catch (err) {
    problems.push((err as Error).message);
  }
  const seconds = (Date.now() - t0) / 1000;
  const why = problems.join('; ');
  ctx.table.add({ stage: ctx.stage, phase: '(total)', seconds, result: problems.length ? `FAILED: ${why}` : `ok: ${summary}` });
  if (problems.length) ctx.table.fail(ctx.stage, problems.join('\n  '));
}
