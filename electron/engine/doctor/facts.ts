// The facts the doctor's checks share, gathered lazily and at most once: several checks need
// `docker info`, and none should run it again. Every fact comes from an injectable probe, so
// the checks' specs describe a machine instead of needing one.
import { statfs } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { release } from 'node:os';
import type { CacheStatus } from '../../api.ts';
import type { Pins } from '../addons/pins.ts';
import { CacheService } from '../cache/service.ts';
import type { EngineContext } from '../context.ts';
import type { ToolName } from '../tools/resolve.ts';
import type { ToolRunner } from '../tools/run.ts';
import {
  type DockerInfo,
  type EngineClass,
  type KindNodeContainer,
  type KubectlVersion,
  classifyEngine,
  errorLine,
  parseDockerContext,
  parseDockerInfo,
  parseDockerVersion,
  parseKindClusters,
  parseKindContainers,
  parseKindVersion,
  parseKubectlClientVersion,
} from './parse.ts';
import { type PublishedPort, parsePublishedPorts } from './port-holder.ts';
import { type PortState, findPortOwner, systemPortDeps } from './port-owner.ts';
import { listManifests } from '../addons/manifest-import.ts';
import { parseCrictlImages } from './downloads.ts';
import { type Reach, reach } from '../network/reach.ts';

export type { PortOwner, PortState } from './port-owner.ts';

/** Every probe stays short: a doctor that hangs is worse than one that says "unknown". */
export const PROBE_TIMEOUT_MS = 8000;

export type ToolRunnerLike = Pick<ToolRunner, 'has' | 'paths' | 'run'>;

export interface DoctorProbes {
  run: ToolRunnerLike;
  readFile(path: string): Promise<string | null>;
  portListener(port: number, address: string): Promise<PortState>;
  /** IPv4 addresses for a name; rejects with the resolver's error (code ENOTFOUND, …). */
  resolveHost(name: string): Promise<string[]>;
  statfsFreeBytes(path: string): Promise<number | null>;
  /** Whether a download source answers (bounded; through the proxy the nodes will use). */
  reach(url: string): Promise<Reach>;
  /** The pinned manifests with a verified copy in the cache (by pin id): `up` downloads none of them. */
  cachedManifests(): Promise<string[]>;
  /** The image cache's state (the images every choice and lab needs, which are cached); absent in probes that do not know it. */
  cacheStatus?(): Promise<CacheStatus | null>;
  platform: NodeJS.Platform;
  /** process.arch: x64, arm64, … (for download URLs). */
  arch: string;
  env: NodeJS.ProcessEnv;
  isWsl: boolean;
  /** Cancels the tool probes (the preflight of a cancelled `up`): they are killed, not left to time out. */
  signal?: AbortSignal;
}

/** One command's outcome; `error` says why it produced no usable exit (timeout, spawn failure). */
export interface ProbeRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  error: string | null;
}

export interface EngineFacts {
  /** The docker CLI was found. */
  cli: boolean;
  /** The daemon answered `docker version` and `docker info`. */
  reachable: boolean;
  /** The daemon's own error line when it did not answer. */
  error: string | null;
  clientVersion: string | null;
  serverVersion: string | null;
  serverProduct: string | null;
  contextName: string | null;
  /** DOCKER_HOST or the current context's endpoint. */
  host: string | null;
  info: DockerInfo | null;
  classified: EngineClass;
}

export interface ToolFacts {
  path: string | null;
  /** The version the tool reported; null when missing or unreadable. */
  version: string | null;
  /** What the version command said, for findings when it could not be read. */
  output: ProbeRun | null;
}

export interface KubectlFacts extends ToolFacts {
  parsed: KubectlVersion | null;
}

export class DoctorFacts {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly toolRuns = new Set<Promise<ProbeRun>>();

  constructor(
    readonly probes: DoctorProbes,
    readonly pins: Pins,
  ) {}

  get platform(): NodeJS.Platform {
    return this.probes.platform;
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  /** Runs a tool without ever throwing: a timeout, a cancel or a spawn failure becomes `error`. */
  private tool(tool: ToolName, args: string[]): Promise<ProbeRun> {
    const run = (async (): Promise<ProbeRun> => {
      try {
        const r = await this.probes.run.run(tool, args, { timeoutMs: PROBE_TIMEOUT_MS, allowFailure: true, ...(this.probes.signal ? { signal: this.probes.signal } : {}) });
        return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, error: null };
      } catch (err) {
        return { exitCode: null, stdout: '', stderr: '', error: err instanceof Error ? err.message : String(err) };
      }
    })();
    this.toolRuns.add(run);
    void run.then(() => this.toolRuns.delete(run));
    return run;
  }

  /** Resolves once no tool probe is running (after a cancel: once the killed ones have exited). */
  async toolsSettled(): Promise<void> {
    while (this.toolRuns.size > 0) await Promise.all([...this.toolRuns]);
  }

  engine(): Promise<EngineFacts> {
    return this.once('engine', async () => {
      const { env, isWsl, platform } = this.probes;
      const down = (error: string, host: string | null): EngineFacts => ({
        cli: this.probes.run.has('docker'),
        reachable: false,
        error,
        clientVersion: null,
        serverVersion: null,
        serverProduct: null,
        contextName: null,
        host,
        info: null,
        classified: classifyEngine(null, host, env, isWsl, platform),
      });
      if (!this.probes.run.has('docker')) return down('the docker CLI was not found', env.DOCKER_HOST ?? null);
      // '{{json .}}' rather than 'json': Docker CLIs before 23.0 print the word "json" for the latter.
      const [versionRun, infoRun, contextRun] = await Promise.all([
        this.tool('docker', ['version', '--format', '{{json .}}']),
        this.tool('docker', ['info', '--format', '{{json .}}']),
        this.tool('docker', ['context', 'inspect']),
      ]);
      const version = parseDockerVersion(versionRun.stdout);
      const info = parseDockerInfo(infoRun.stdout);
      const context = contextRun.exitCode === 0 ? parseDockerContext(contextRun.stdout) : null;
      const host = env.DOCKER_HOST || context?.host || null;
      const answered = versionRun.exitCode === 0 && version?.serverVersion != null && info !== null && info.serverErrors.length === 0;
      if (!answered) {
        const why =
          errorLine(versionRun.stderr) || info?.serverErrors[0] || errorLine(infoRun.stderr) || versionRun.error || 'the container engine did not answer `docker version`';
        return { ...down(why, host), clientVersion: version?.clientVersion ?? null, contextName: version?.context ?? context?.name ?? null };
      }
      return {
        cli: true,
        reachable: true,
        error: null,
        clientVersion: version?.clientVersion ?? null,
        serverVersion: version?.serverVersion ?? info?.serverVersion ?? null,
        serverProduct: version?.serverProduct ?? null,
        contextName: version?.context ?? context?.name ?? null,
        host,
        info,
        classified: classifyEngine(info, host, env, isWsl, platform),
      };
    });
  }

  kind(): Promise<ToolFacts> {
    return this.once('kind', async () => {
      const path = this.probes.run.paths.kind;
      if (!path) return { path: null, version: null, output: null };
      const output = await this.tool('kind', ['version']);
      return { path, version: parseKindVersion(output.stdout + output.stderr), output };
    });
  }

  kubectl(): Promise<KubectlFacts> {
    return this.once('kubectl', async () => {
      const path = this.probes.run.paths.kubectl;
      if (!path) return { path: null, version: null, output: null, parsed: null };
      const output = await this.tool('kubectl', ['version', '--client', '-o', 'json']);
      const parsed = parseKubectlClientVersion(output.stdout);
      return { path, version: parsed?.gitVersion ?? null, output, parsed };
    });
  }

  /** Cluster names from `kind get clusters`; null when kind is missing or failed. */
  kindClusters(): Promise<string[] | null> {
    return this.once('kind-clusters', async () => {
      if (!this.probes.run.has('kind')) return null;
      const r = await this.tool('kind', ['get', 'clusters']);
      return r.exitCode === 0 ? parseKindClusters(r.stdout) : null;
    });
  }

  /** Every container that carries kind's cluster label; null when docker failed. */
  kindNodes(): Promise<KindNodeContainer[] | null> {
    return this.once('kind-nodes', async () => {
      if (!this.probes.run.has('docker')) return null;
      const r = await this.tool('docker', ['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{json .}}']);
      return r.exitCode === 0 ? parseKindContainers(r.stdout) : null;
    });
  }

  /** Whether the engine already holds an image; null when docker could not tell. */
  imagePresent(ref: string): Promise<boolean | null> {
    return this.once(`image:${ref}`, async () => {
      if (!this.probes.run.has('docker')) return null;
      const r = await this.tool('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
      if (r.exitCode === 0) return true;
      return /no such image/i.test(r.stderr + r.stdout) ? false : null;
    });
  }

  /** Host ports the running containers publish; null when docker could not tell. */
  publishedPorts(): Promise<PublishedPort[] | null> {
    return this.once('published-ports', async () => {
      if (!this.probes.run.has('docker')) return null;
      const r = await this.tool('docker', ['ps', '--format', '{{json .}}']);
      return r.exitCode === 0 ? parsePublishedPorts(r.stdout) : null;
    });
  }

  port(port: number, address: string): Promise<PortState> {
    return this.once(`port:${address}:${port}`, () => this.probes.portListener(port, address));
  }

  file(path: string): Promise<string | null> {
    return this.once(`file:${path}`, () => this.probes.readFile(path));
  }

  freeBytes(path: string): Promise<number | null> {
    return this.once(`statfs:${path}`, () => this.probes.statfsFreeBytes(path));
  }

  resolve(name: string): Promise<string[]> {
    return this.once(`dns:${name}`, () => this.probes.resolveHost(name));
  }

  reach(url: string): Promise<Reach> {
    return this.once(`reach:${url}`, () => this.probes.reach(url));
  }

  cachedManifests(): Promise<string[]> {
    return this.once('manifests', () => this.probes.cachedManifests().catch(() => []));
  }

  /** The image cache's state; null when unknown (no engine, or probes without it). */
  cacheStatus(): Promise<CacheStatus | null> {
    return this.once('cache', async () => (this.probes.cacheStatus ? this.probes.cacheStatus().catch(() => null) : null));
  }

  /**
   * The images every running node of `cluster` already has (containerd's tags and digests); null
   * when there is no running node or the nodes could not be asked.
   */
  nodeImages(cluster: string): Promise<Set<string> | null> {
    return this.once(`node-images:${cluster}`, async () => {
      const nodes = (await this.kindNodes())?.filter((n) => n.cluster === cluster && n.state === 'running') ?? [];
      if (nodes.length === 0) return null;
      const lists = await Promise.all(nodes.map((n) => this.tool('docker', ['exec', n.name, 'crictl', 'images', '-o', 'json'])));
      const sets: Set<string>[] = [];
      for (const r of lists) {
        const refs = r.exitCode === 0 ? parseCrictlImages(r.stdout) : null;
        if (!refs) return null;
        sets.push(refs);
      }
      // An image counts as there only where every node has it: each node pulls for its own pods.
      const [first, ...rest] = sets;
      return new Set([...(first ?? [])].filter((x) => rest.every((s) => s.has(x))));
    });
  }
}

export function detectWsl(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, kernelRelease: string): boolean {
  return platform === 'linux' && (Boolean(env.WSL_DISTRO_NAME) || /microsoft/i.test(kernelRelease));
}

/** The probes of the machine kindlab runs on. */
export function defaultProbes(ctx: EngineContext): DoctorProbes {
  const ports = systemPortDeps(ctx.platform, ctx.env);
  return {
    run: ctx.tools,
    readFile: ports.readFile,
    portListener: (port, address) => findPortOwner(port, address, ports),
    resolveHost: async (name) => (await lookup(name, { all: true, family: 4 })).map((a) => a.address),
    reach: (url) => reach(url, ctx.env),
    cachedManifests: async () => (await listManifests(ctx.pins.manifests, ctx.dataDir)).filter((m) => m.cached).map((m) => m.id),
    cacheStatus: () => new CacheService(ctx).status({ enabled: ctx.cache.enabled, mode: ctx.cache.mode }),
    statfsFreeBytes: async (path) => {
      try {
        const s = await statfs(path);
        return s.bavail * s.bsize;
      } catch {
        return null;
      }
    },
    platform: ctx.platform,
    arch: process.arch,
    env: ctx.env,
    isWsl: detectWsl(ctx.platform, ctx.env, release()),
  };
}
