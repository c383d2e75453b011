// The image cache at the process boundary: one registry container and volume per upstream,
// outside every cluster's lifecycle (kind never deletes them; only `cache clear` does), found again
// by their labels. Everything runs through the engine's ToolRunner (docker), so it is cancellable
// and every failure carries its command; what a cache holds is read from its volume.
//
// The kind network: kind makes it with the first cluster, and kindlab does not imitate how (kind
// picks an IPv6 ULA subnet and options of its own). When the network exists the caches start on
// it; when it does not yet, they start on Docker's default bridge and `attach` connects them to
// `kind` right after kind made it, before any add-on is applied.
import { existsSync, readFileSync } from 'node:fs';
import type { CacheImage, CacheMode, CacheStatus, CacheUpstream, LocalizedText, PlanStep } from '../../api.ts';
import { cacheFile, sha256 } from '../addons/manifests.ts';
import type { EngineContext } from '../context.ts';
import { KindlabError, throwIfCancelled } from '../errors.ts';
import { loadLabs } from '../labs/loader.ts';
import { type InventoryImage, inventory, labImages, upstreamsOf } from './inventory.ts';
import { CACHE_LABEL, CACHE_MODE_LABEL, cacheEndpoint, cachedCheckArgv, parseCachedOutput, cacheName, hostPortOf, hostRef, hostsPath, hostsToml, parseRef, parseWriteOutput, runArgs, writeHostsArgv } from './mirrors.ts';

const KIND_NETWORK = 'kind';

interface CacheRow {
  name: string;
  upstream: string;
  mode: CacheMode | null;
  running: boolean;
  hostPort: number | null;
}

export interface EnsureResult {
  running: string[];
  changed: string[];
}

export interface AttachResult {
  /** Every hosts file each node should have, `<node>:<path>`. */
  files: string[];
  /** Those that were written now (the rest already had this content). */
  written: string[];
  /** Caches connected to the kind network now. */
  connected: string[];
}

export interface WarmProgress {
  upstream: string;
  /** Done so far / in all, for this upstream. */
  done: number;
  total: number;
  ref: string;
  outcome: 'cached' | 'already' | 'skipped' | 'failed';
  detail?: string;
}

type Say = (text: LocalizedText) => void;

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `127.0.0.1:5101->5000/tcp` → 5101. */
function hostPortIn(ports: string): number | null {
  const m = /127\.0\.0\.1:(\d+)->5000\/tcp/.exec(ports) ?? /:(\d+)->5000\/tcp/.exec(ports);
  return m ? Number(m[1]) : null;
}

export class CacheService {
  constructor(private readonly ctx: EngineContext) {}

  private get docker() {
    return this.ctx.tools;
  }

  private opts(signal?: AbortSignal) {
    return { timeoutMs: 60_000, ...(signal ? { signal } : {}) };
  }

  /** Every image of every add-on choice and lab, from the pins, the cached manifests and the labs folder. */
  images(): InventoryImage[] {
    const labs = loadLabs(this.ctx.labsDir).labs.map((l) => labImages(l, this.ctx.pins));
    const texts = new Map<string, string>();
    for (const pin of this.ctx.pins.manifests) {
      const file = cacheFile(this.ctx.dataDir, pin);
      if (!existsSync(file)) continue;
      const body = readFileSync(file);
      // Only a manifest that still matches its pin names images kindlab will run.
      if (sha256(body) === pin.sha256) texts.set(pin.id, body.toString('utf8'));
    }
    return inventory(this.ctx.pins, labs, texts);
  }

  /** The upstreams that need a cache, in order. */
  upstreams(): string[] {
    return upstreamsOf(this.images());
  }

  /** The host port of an upstream's cache (127.0.0.1). */
  hostPort(upstream: string): number {
    return hostPortOf(upstream, this.upstreams());
  }

  private async rows(signal?: AbortSignal): Promise<CacheRow[]> {
    const r = await this.docker.run('docker', ['ps', '-a', '--filter', `label=${CACHE_LABEL}`, '--format', '{{json .}}'], this.opts(signal));
    return r.stdout
      .split(/\r?\n/)
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as { Names?: string; State?: string; Labels?: string; Ports?: string })
      .map((c) => {
        const labels = parseLabels(c.Labels ?? '');
        const mode = labels[CACHE_MODE_LABEL];
        return {
          name: c.Names ?? '',
          upstream: labels[CACHE_LABEL] ?? '',
          mode: mode === 'proxy' || mode === 'local' ? mode : null,
          running: (c.State ?? '').toLowerCase() === 'running',
          hostPort: hostPortIn(c.Ports ?? ''),
        };
      });
  }

  private async kindNetworkExists(signal?: AbortSignal): Promise<boolean> {
    const r = await this.docker.run('docker', ['network', 'inspect', KIND_NETWORK, '--format', '{{.Name}}'], { ...this.opts(signal), allowFailure: true });
    return r.exitCode === 0;
  }

  /**
   * Starts one cache per upstream in `mode`, creating volume and container where missing, starting
   * a stopped one, and recreating one made for the other mode (its volume, and so its images, stay).
   */
  async ensure(mode: CacheMode, opts: { signal?: AbortSignal; say?: Say } = {}): Promise<EnsureResult> {
    const { signal, say } = opts;
    const rows = await this.rows(signal);
    const onKind = await this.kindNetworkExists(signal);
    const upstreams = this.upstreams();
    const changed: string[] = [];
    for (const upstream of upstreams) {
      throwIfCancelled(signal, 'cache');
      const name = cacheName(upstream);
      const row = rows.find((r) => r.name === name);
      if (row && row.mode === mode) {
        if (!row.running) {
          say?.({ en: `starting the stopped cache ${name}`, zh: `正在启动已停止的缓存 ${name}` });
          await this.docker.run('docker', ['start', name], this.opts(signal));
          changed.push(name);
        }
        continue;
      }
      if (row) {
        say?.({ en: `recreating ${name} for ${mode} mode (its images stay on the volume)`, zh: `正在以 ${mode} 模式重建 ${name}（卷上的镜像保留）` });
        await this.docker.run('docker', ['rm', '-f', name], this.opts(signal));
      } else {
        say?.({ en: `creating the cache ${name} for ${upstream}`, zh: `正在为 ${upstream} 创建缓存 ${name}` });
      }
      await this.docker.run('docker', ['volume', 'create', '--label', `${CACHE_LABEL}=${upstream}`, name], this.opts(signal));
      await this.docker.run('docker', runArgs(upstream, mode, this.ctx.pins.cacheImage, { hostPort: this.hostPort(upstream), network: onKind ? KIND_NETWORK : null }), {
        ...this.opts(signal),
        timeoutMs: 5 * 60_000,
        hint: {
          en: `The cache needs the ${this.ctx.pins.cacheImage} image and host port ${this.hostPort(upstream)} on 127.0.0.1. Free the port, or turn the cache off (KINDLAB_CACHE=off or --no-cache).`,
          zh: `缓存需要 ${this.ctx.pins.cacheImage} 镜像和 127.0.0.1 上的主机端口 ${this.hostPort(upstream)}。请释放该端口，或关闭缓存（KINDLAB_CACHE=off 或 --no-cache）。`,
        },
      });
      changed.push(name);
    }
    return { running: upstreams.map(cacheName), changed };
  }

  /** Connects every cache to the kind network and writes each node's hosts files where they differ. */
  async attach(nodes: readonly string[], opts: { signal?: AbortSignal; say?: Say } = {}): Promise<AttachResult> {
    const { signal, say } = opts;
    const connected: string[] = [];
    const upstreams = this.upstreams();
    for (const upstream of upstreams) {
      const name = cacheName(upstream);
      const r = await this.docker.run('docker', ['network', 'connect', KIND_NETWORK, name], { ...this.opts(signal), allowFailure: true });
      if (r.exitCode === 0) {
        connected.push(name);
        say?.({ en: `connected ${name} to the kind network`, zh: `已把 ${name} 接入 kind 网络` });
      } else if (!/already exists|already attached/i.test(r.stderr)) {
        throw this.docker.commandFailed(r, { en: `Check that ${name} exists (kindlab cache status), or turn the cache off with --no-cache.`, zh: `请确认 ${name} 存在（kindlab cache status），或用 --no-cache 关闭缓存。` });
      }
    }
    const files: string[] = [];
    const written: string[] = [];
    for (const node of nodes) {
      for (const upstream of upstreams) {
        throwIfCancelled(signal, 'mirrors');
        const path = hostsPath(upstream);
        const r = await this.docker.run('docker', writeHostsArgv(node, path), { ...this.opts(signal), input: hostsToml(upstream) });
        files.push(`${node}:${path}`);
        if (parseWriteOutput(r.stdout) !== false) {
          written.push(`${node}:${path}`);
          say?.({ en: `wrote ${path} in ${node}`, zh: `已在 ${node} 中写入 ${path}` });
        }
      }
    }
    return { files, written, connected };
  }

  /** Every cache and image, and which images each cache holds. */
  async status(opts: { enabled: boolean; mode: CacheMode; signal?: AbortSignal }): Promise<CacheStatus> {
    const images = this.images();
    const upstreams = upstreamsOf(images);
    const rows = await this.rows(opts.signal).catch(() => [] as CacheRow[]);
    const caches: CacheUpstream[] = [];
    for (const upstream of upstreams) {
      const name = cacheName(upstream);
      const row = rows.find((r) => r.name === name);
      let sizeBytes: number | null = null;
      if (row?.running) {
        const du = await this.docker.run('docker', ['exec', name, 'du', '-sk', '/var/lib/registry'], { ...this.opts(opts.signal), timeoutMs: 20_000, allowFailure: true }).catch(() => null);
        const kb = du && du.exitCode === 0 ? Number(/^(\d+)/.exec(du.stdout.trim())?.[1]) : NaN;
        sizeBytes = Number.isFinite(kb) ? kb * 1024 : null;
      }
      caches.push({ upstream, container: name, volume: name, endpoint: cacheEndpoint(upstream), hostPort: row?.hostPort ?? this.hostPortFrom(upstream, upstreams), exists: Boolean(row), running: row?.running ?? false, sizeBytes });
    }
    const out: CacheImage[] = [];
    const held = new Set<string>();
    for (const cache of caches) {
      if (!cache.running) continue;
      const refs = images.filter((i) => i.upstream === cache.upstream).map((i) => i.ref);
      const r = await this.docker.run('docker', cachedCheckArgv(cache.container, refs), { ...this.opts(opts.signal), timeoutMs: 30_000, allowFailure: true }).catch(() => null);
      if (r && r.exitCode === 0) for (const ref of parseCachedOutput(r.stdout, refs)) held.add(ref);
    }
    for (const img of images) out.push({ ref: img.ref, upstream: img.upstream, usedBy: img.usedBy, cached: held.has(img.ref), sizeBytes: null });
    const cachedCount = out.filter((i) => i.cached).length;
    return { enabled: opts.enabled, mode: opts.mode, upstreams: caches, images: out, cachedCount, totalCount: out.length, totalBytes: caches.reduce((s, c) => s + (c.sizeBytes ?? 0), 0) };
  }

  private hostPortFrom(upstream: string, all: readonly string[]): number {
    return hostPortOf(upstream, all);
  }

  /** Whether the host's engine has an image. */
  async hostHas(ref: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.docker.run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { ...this.opts(signal), allowFailure: true });
    return r.exitCode === 0;
  }

  /** Tags a host-engine image with its cache's host port and pushes it there (local mode). */
  async pushLocal(ref: string, signal?: AbortSignal): Promise<void> {
    const target = hostRef(ref, this.hostPort(parseRef(ref).upstream));
    await this.docker.run('docker', ['tag', ref, target], this.opts(signal));
    try {
      await this.docker.run('docker', ['push', target], { ...this.opts(signal), timeoutMs: 15 * 60_000 });
    } finally {
      await this.docker.run('docker', ['rmi', target], { ...this.opts(signal), allowFailure: true }).catch(() => undefined);
    }
  }

  /** Pulls an image from its cache into the host engine under its own name (for the bundle's export). */
  async pullToHost(ref: string, signal?: AbortSignal): Promise<void> {
    const source = hostRef(ref, this.hostPort(parseRef(ref).upstream));
    await this.docker.run('docker', ['pull', source], { ...this.opts(signal), timeoutMs: 15 * 60_000 });
    await this.docker.run('docker', ['tag', source, ref], this.opts(signal));
    await this.docker.run('docker', ['rmi', source], { ...this.opts(signal), allowFailure: true }).catch(() => undefined);
  }

  /** Pulls an image through its cache (proxy mode): the cache fetches it from the upstream and keeps it. */
  private async pullThrough(ref: string, signal?: AbortSignal): Promise<void> {
    const r = parseRef(ref);
    const port = this.hostPort(r.upstream);
    const source = r.digest ? `127.0.0.1:${port}/${r.path}@${r.digest}` : hostRef(ref, port);
    await this.docker.run('docker', ['pull', source], { ...this.opts(signal), timeoutMs: 15 * 60_000 });
    await this.docker.run('docker', ['rmi', source], { ...this.opts(signal), allowFailure: true }).catch(() => undefined);
  }

  /**
   * Fills the caches: in proxy mode by pulling each image through its cache; in local mode by
   * pushing each image the host engine has. Reports every image; one that fails does not stop the rest.
   */
  async warm(mode: CacheMode, opts: { signal?: AbortSignal; onImage?: (p: WarmProgress) => void } = {}): Promise<{ failed: WarmProgress[] }> {
    const { signal } = opts;
    await this.ensure(mode, { ...(signal ? { signal } : {}) });
    const status = await this.status({ enabled: true, mode, ...(signal ? { signal } : {}) });
    const failed: WarmProgress[] = [];
    for (const upstream of upstreamsOf(status.images)) {
      const list = status.images.filter((i) => i.upstream === upstream);
      let done = 0;
      for (const img of list) {
        throwIfCancelled(signal, upstream);
        let p: WarmProgress;
        if (img.cached) p = { upstream, done: ++done, total: list.length, ref: img.ref, outcome: 'already' };
        else {
          try {
            if (mode === 'proxy') {
              await this.pullThrough(img.ref, signal);
              p = { upstream, done: ++done, total: list.length, ref: img.ref, outcome: 'cached' };
            } else if (await this.hostHas(img.ref, signal)) {
              await this.pushLocal(img.ref, signal);
              p = { upstream, done: ++done, total: list.length, ref: img.ref, outcome: 'cached' };
            } else {
              p = { upstream, done: ++done, total: list.length, ref: img.ref, outcome: 'skipped', detail: 'not in the host engine' };
            }
          } catch (e) {
            if (e instanceof KindlabError && e.failure.code === 'cancelled') throw e;
            p = { upstream, done: ++done, total: list.length, ref: img.ref, outcome: 'failed', detail: e instanceof KindlabError ? (e.failure.stderrTail?.at(-1) ?? String(e.message)) : String(e) };
            failed.push(p);
          }
        }
        opts.onImage?.(p);
      }
    }
    return { failed };
  }

  /** Removes every cache container and volume (found by label, so nothing else is touched). */
  async clear(signal?: AbortSignal): Promise<{ removed: string[] }> {
    const rows = await this.rows(signal);
    const removed: string[] = [];
    if (rows.length > 0) {
      await this.docker.run('docker', ['rm', '-f', ...rows.map((r) => r.name)], this.opts(signal));
      removed.push(...rows.map((r) => r.name));
    }
    const v = await this.docker.run('docker', ['volume', 'ls', '--filter', `label=${CACHE_LABEL}`, '--format', '{{.Name}}'], this.opts(signal));
    const volumes = v.stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (volumes.length > 0) {
      await this.docker.run('docker', ['volume', 'rm', '-f', ...volumes], this.opts(signal));
      for (const vol of volumes) if (!removed.includes(vol)) removed.push(vol);
    }
    return { removed };
  }

  /** The plan's steps: the caches `up` starts, and each hosts file it writes into every node. */
  planSteps(mode: CacheMode, nodes: readonly string[]): PlanStep[] {
    const upstreams = this.upstreams();
    const steps: PlanStep[] = [];
    for (const upstream of upstreams) {
      const port = this.hostPort(upstream);
      steps.push({
        phase: 'cache',
        kind: 'command',
        description: {
          en: `start the ${mode} cache for ${upstream} (${cacheName(upstream)}, volume ${cacheName(upstream)}, 127.0.0.1:${port}); kept by reset and down`,
          zh: `启动 ${upstream} 的 ${mode} 缓存（${cacheName(upstream)}，卷 ${cacheName(upstream)}，127.0.0.1:${port}）；重置和删除集群都会保留它`,
        },
        argv: ['docker', ...runArgs(upstream, mode, this.ctx.pins.cacheImage, { hostPort: port, network: KIND_NETWORK })],
        version: this.ctx.pins.cacheImage,
      });
    }
    for (const node of nodes) {
      for (const upstream of upstreams) {
        steps.push({
          phase: 'mirrors',
          kind: 'command',
          description: {
            en: `write ${hostsPath(upstream)} in ${node}: pull ${upstream} through ${cacheEndpoint(upstream)}, else from the registry`,
            zh: `在 ${node} 中写入 ${hostsPath(upstream)}：经 ${cacheEndpoint(upstream)} 拉取 ${upstream} 的镜像，不可用时直接从仓库拉取`,
          },
          argv: ['docker', ...writeHostsArgv(node, hostsPath(upstream))],
        });
      }
    }
    return steps;
  }
}
