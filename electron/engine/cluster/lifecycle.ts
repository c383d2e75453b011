// The cluster lifecycle: up (create or complete the build), status, down, and the two resets.
// Every stage is gated on real readiness through the API; every stage first asks whether it is
// already done, so `up` on a healthy cluster changes nothing and on a half-built one finishes it.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { APP_LABELS } from '../../shared/app-labels.ts';
import type { AddonHealth, ClusterPlan, ClusterSettings, ClusterStatus, DoctorReport, LocalizedText, NodeInfo, PlanStep, PoolPlan } from '../../api.ts';
import { addonsFor, detectInstalled } from '../addons/choice.ts';
import type { ManifestFetcher } from '../addons/manifests.ts';
import { METALLB_NS } from '../addons/metallb.ts';
import type { Addon, AddonContext, Health } from '../addons/types.ts';
import { type EngineContext, nodeImageOf } from '../context.ts';
import { preflightFailure, warningLine } from '../doctor/preflight.ts';
import { KindlabError, errorText, throwIfCancelled } from '../errors.ts';
import { both, toText } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { nodeReady } from '../kube/readiness.ts';
import type { CacheService } from '../cache/service.ts';
import { parseNetworkInspect } from '../network/inspect.ts';
import { computePools } from '../network/pools.ts';
import type { Operation, PhaseSpec } from '../operation.ts';
import { clusterPaths } from '../paths.ts';
import { writeChoices } from './choices.ts';
import { renderKindConfig } from './kind-config.ts';
import { resetFastSteps, restoreAddons } from './reset.ts';

const PHASE_TITLES: Record<string, LocalizedText> = {
  preflight: { en: 'Check the machine', zh: '检查本机环境' },
  delete: { en: 'Delete the old cluster', zh: '删除旧集群' },
  cluster: { en: 'Create the kind cluster', zh: '创建 kind 集群' },
  labs: { en: 'Remove what the labs created', zh: '清除实验创建的对象' },
  addons: { en: 'Restore the add-ons', zh: '恢复插件状态' },
  cache: { en: 'Start the image cache', zh: '启动镜像缓存' },
  mirrors: { en: 'Point the nodes at the cache', zh: '让节点使用镜像缓存' },
};

/** Present while `kind create` runs: a cluster found with it was left half-created. */
const CREATING_MARKER = 'creating';

export const UP_PHASES = ['preflight', 'cache', 'cluster', 'mirrors', 'cni', 'ingress', 'metallb', 'pools'] as const;
export const DOWN_PHASES = ['delete'] as const;
export const RESET_FAST_PHASES = ['labs', 'addons'] as const;
export const RESET_FULL_PHASES = ['preflight', 'cache', 'delete', 'cluster', 'mirrors', 'cni', 'ingress', 'metallb', 'pools'] as const;

/** The phases' titles; an add-on's phase is named after the add-on the settings choose ("Install kube-router"). */
export function phaseSpecs(ids: readonly string[], settings?: Pick<ClusterSettings, 'cni' | 'ingress'>): PhaseSpec[] {
  const addons = addonsFor(settings ?? { cni: 'calico', ingress: 'ingress-nginx' });
  const byPhase = new Map(Object.values(addons).map((a) => [a.phase, a.installTitle]));
  return ids.map((id) => ({ id, title: both(PHASE_TITLES[id] ?? byPhase.get(id) ?? { en: id, zh: id }) }));
}

export interface LifecycleDeps {
  ctx: EngineContext;
  makeClient(kubeconfig: string): KubeClient;
  fetcher: ManifestFetcher;
  /** The doctor checks that must pass before creating anything. */
  preflight(settings: ClusterSettings, clusterExists: boolean, signal: AbortSignal): Promise<DoctorReport>;
  /** Runs every lab's cleanup; returns how many objects it removed. */
  labCleanup?(client: KubeClient, log: (line: string) => void, signal: AbortSignal): Promise<number>;
  /** Counts what the labs left on the cluster, by lab. */
  labObjects?(client: KubeClient): Promise<Record<string, number>>;
  /** The image cache; without it (or with it turned off) up and reset pull straight from the registries. */
  cache?: CacheService;
}

/** A pinned manifest's verified text by pin id. */
type ManifestSource = (id: string) => Promise<string>;

/** kind's steps, in its order, with the words a Chinese progress line uses for them. */
const KIND_STEPS: LocalizedText[] = [
  { en: 'Ensuring node image', zh: '确认节点镜像' },
  { en: 'Preparing nodes', zh: '准备节点' },
  { en: 'Writing configuration', zh: '写入配置' },
  { en: 'Starting control-plane', zh: '启动控制平面' },
  { en: 'Installing StorageClass', zh: '安装 StorageClass' },
  { en: 'Joining worker nodes', zh: '加入 worker 节点' },
];

/** kind reports its progress on stderr as " ✓ <step>" lines: turn them into a fraction and a message in both languages. */
function kindProgress(line: string): { fraction: number; message: string } | null {
  const m = /✓\s+(.+?)\s*[^\w\s]*\s*$/u.exec(line);
  if (!m) return null;
  const i = KIND_STEPS.findIndex((s) => m[1]?.startsWith(s.en));
  const step = KIND_STEPS[i];
  if (!step) return null;
  const en = line.replace(/^[\s✓•]+/u, '').trim();
  return { fraction: (i + 1) / KIND_STEPS.length, message: both({ en, zh: `${step.zh}${en.slice(step.en.length)}` }) };
}

function hostAddress(settings: ClusterSettings): string {
  if (!settings.lanAccess) return '127.0.0.1';
  if (settings.hostAddress) return settings.hostAddress;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

interface ContainerRow {
  Names?: string;
  State?: string;
  Labels?: string;
}

export class ClusterLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  private get ctx(): EngineContext {
    return this.deps.ctx;
  }

  private t(text: LocalizedText): string {
    return both(text);
  }

  // ── facts about the machine ──

  async clusterExists(name: string, signal?: AbortSignal): Promise<boolean> {
    const r = await this.ctx.tools.run('kind', ['get', 'clusters'], { timeoutMs: 20_000, ...(signal ? { signal } : {}) });
    return r.stdout.split(/\r?\n/).some((l) => l.trim() === name);
  }

  async nodeContainers(name: string, signal?: AbortSignal): Promise<{ name: string; state: string }[]> {
    const r = await this.ctx.tools.run('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{json .}}'], { timeoutMs: 20_000, ...(signal ? { signal } : {}) });
    return r.stdout
      .split(/\r?\n/)
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as ContainerRow)
      .map((c) => ({ name: c.Names ?? '', state: (c.State ?? '').toLowerCase() }));
  }

  async poolPlan(signal?: AbortSignal): Promise<PoolPlan> {
    const r = await this.ctx.tools.run('docker', ['network', 'inspect', 'kind'], { timeoutMs: 20_000, allowFailure: true, ...(signal ? { signal } : {}) });
    // Docker 23+ says 'network kind not found', older engines and Podman 'No such network'.
    if (r.exitCode !== 0 && /no such network|network \S+ not found/i.test(r.stderr)) {
      // kind makes the network with the first cluster: before that, no cluster yet, not a broken engine.
      throw new KindlabError({
        code: 'cluster-missing',
        message: { en: 'no cluster yet: the kind network comes with the first cluster', zh: '还没有集群：kind 网络会随第一个集群一起创建' },
        hint: {
          en: `Build the cluster (kindlab up, or ${APP_LABELS.buildCluster.en} in the app), or compute the pools of a saved network: kindlab pools --inspect FILE`,
          zh: `请先创建集群（kindlab up，或在应用中点“${APP_LABELS.buildCluster.zh}”），或根据保存的网络计算地址池：kindlab pools --inspect 文件`,
        },
        appHint: {
          en: `Build the cluster: ${APP_LABELS.buildCluster.en} on the ${APP_LABELS.clusterScreen.en} screen.`,
          zh: `请先创建集群：在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.buildCluster.zh}”。`,
        },
        command: r.command,
      });
    }
    if (r.exitCode !== 0) throw this.ctx.tools.commandFailed(r);
    return computePools(parseNetworkInspect(r.stdout));
  }

  // ── the plan (for --dry-run and the UI) ──

  /** The plan of `up` (for --dry-run and the UI): every command, manifest and wait, in order. */
  async plan(settings: ClusterSettings): Promise<ClusterPlan> {
    const { pins } = this.ctx;
    const paths = clusterPaths(this.ctx.dataDir, settings.name);
    const nodeImage = nodeImageOf(settings, pins);
    const cgroupV1 = (await this.engineCgroupVersion().catch(() => null)) === '1';
    const steps: PlanStep[] = [
      { phase: 'preflight', kind: 'command', description: both({ en: 'is the container engine running', zh: '容器引擎是否在运行' }), argv: ['docker', 'version', '--format', '{{json .}}'] },
      { phase: 'preflight', kind: 'command', description: both({ en: 'kind version', zh: 'kind 的版本' }), argv: ['kind', 'version'] },
      { phase: 'preflight', kind: 'command', description: both({ en: 'does the cluster exist', zh: '集群是否已存在' }), argv: ['kind', 'get', 'clusters'] },
      ...this.cachePlan(settings, 'cache'),
      {
        phase: 'cluster',
        kind: 'command',
        description: both({
          en: `write the kind config to ${paths.kindConfig}${cgroupV1 ? ' (this engine runs cgroup v1: the kubelet gets failCgroupV1: false)' : ''}`,
          zh: `把 kind 配置写到 ${paths.kindConfig}${cgroupV1 ? '（该容器引擎使用 cgroup v1：kubelet 会加上 failCgroupV1: false）' : ''}`,
        }),
      },
      {
        phase: 'cluster',
        kind: 'command',
        description: both({ en: `create the cluster (node image ${nodeImage}); the kubeconfig goes to kindlab's own file`, zh: `创建集群（节点镜像 ${nodeImage}）；kubeconfig 写到 kindlab 自己的文件里` }),
        argv: ['kind', 'create', 'cluster', '--name', settings.name, '--config', paths.kindConfig, '--kubeconfig', paths.kubeconfig],
        version: `kind v${pins.kind.version}`,
      },
      ...this.cachePlan(settings, 'mirrors'),
    ];
    for (const addon of Object.values(addonsFor(settings))) {
      for (const step of addon.plan(pins)) {
        if (step.kind === 'manifest') {
          const m = pins.manifests.find((x) => x.id === step.manifest);
          steps.push({ phase: addon.phase, kind: 'manifest', description: step.description, ...(m ? { url: m.url, version: m.version, sha256: m.sha256 } : {}) });
        } else {
          steps.push({ phase: addon.phase, ...step });
        }
      }
    }
    // Both languages travel in the descriptions; the contract's Text leaves here.
    return { settings, kubeconfig: paths.kubeconfig, nodeImage, steps: steps.map((s) => ({ ...s, description: toText(typeof s.description === 'string' ? s.description : both(s.description)) })) };
  }

  /** Whether this cluster uses the image cache: its settings say, else KINDLAB_CACHE (on by default). */
  cacheOn(settings: ClusterSettings): boolean {
    return Boolean(this.deps.cache) && (settings.imageCache ?? this.ctx.cache.enabled);
  }

  private cachePlan(settings: ClusterSettings, phase: 'cache' | 'mirrors'): PlanStep[] {
    if (!this.deps.cache || !this.cacheOn(settings)) {
      return phase === 'cache' ? [{ phase, kind: 'command', description: both({ en: 'the image cache is off (KINDLAB_CACHE=off or --no-cache): the nodes pull from the registries', zh: '镜像缓存已关闭（KINDLAB_CACHE=off 或 --no-cache）：节点直接从镜像仓库拉取' }) }] : [];
    }
    const nodes = [`${settings.name}-control-plane`, `${settings.name}-worker`];
    return this.deps.cache.planSteps(this.ctx.cache.mode, nodes).filter((s) => s.phase === phase);
  }

  /** The cache phase: one registry per upstream, started before the cluster, kept by reset and down. */
  private async runCache(settings: ClusterSettings, op: Operation): Promise<void> {
    const cache = this.deps.cache;
    if (!cache || !this.cacheOn(settings)) {
      op.skip('cache', { en: 'the image cache is off', zh: '镜像缓存已关闭' });
      return;
    }
    await op.phase(
      'cache',
      () => cache.ensure(this.ctx.cache.mode, { signal: op.signal, say: (t) => op.log('cache', this.t(t)) }),
      (r) => (r.changed.length === 0 ? this.t({ en: `already ready: ${r.running.length} caches`, zh: `已就绪：${r.running.length} 个缓存` }) : this.t({ en: `${r.changed.length} of ${r.running.length} caches started`, zh: `已启动 ${r.running.length} 个缓存中的 ${r.changed.length} 个` })),
    );
  }

  /** The mirrors phase: every node's containerd is pointed at the caches before any add-on is applied. */
  private async runMirrors(settings: ClusterSettings, op: Operation): Promise<void> {
    const cache = this.deps.cache;
    if (!cache || !this.cacheOn(settings)) {
      op.skip('mirrors', { en: 'the image cache is off', zh: '镜像缓存已关闭' });
      return;
    }
    await op.phase(
      'mirrors',
      async () => {
        const nodes = (await this.nodeContainers(settings.name, op.signal)).map((n) => n.name).sort();
        return cache.attach(nodes, { signal: op.signal, say: (t) => op.log('mirrors', this.t(t)) });
      },
      (r) => (r.written.length === 0 && r.connected.length === 0 ? this.t({ en: `already ready: ${r.files.length} hosts files`, zh: `已就绪：${r.files.length} 个 hosts 文件` }) : this.t({ en: `${r.written.length} of ${r.files.length} hosts files written`, zh: `已写入 ${r.files.length} 个 hosts 文件中的 ${r.written.length} 个` })),
    );
  }

  /** "1" or "2": which cgroup version the container engine runs (kind nodes inherit it). */
  async engineCgroupVersion(signal?: AbortSignal): Promise<string> {
    const r = await this.ctx.tools.run('docker', ['info', '--format', '{{.CgroupVersion}}'], { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
    return r.stdout.trim();
  }

  // ── up ──

  private addonContext(client: KubeClient, settings: ClusterSettings, op: Operation, phase: string, manifest: ManifestSource): AddonContext {
    return {
      client,
      pins: this.ctx.pins,
      settings,
      signal: op.signal,
      timeoutScale: this.ctx.timeoutScale,
      manifest,
      poolPlan: () => this.poolPlan(op.signal),
      progress: (f, m) => op.progress(phase, f, m),
      log: (l) => op.log(phase, l),
    };
  }

  /**
   * The pinned manifests by id, each fetched once per operation. `eager` starts every download at
   * once (while the cluster is being created); each is awaited only by the add-on that needs it.
   */
  private manifestSource(signal: AbortSignal, eager: boolean): ManifestSource {
    const cache = new Map<string, Promise<string>>();
    const get: ManifestSource = (id) => {
      let p = cache.get(id);
      if (!p) {
        const pin = this.ctx.pins.manifests.find((m) => m.id === id);
        p = pin
          ? this.deps.fetcher.get(pin, signal).then((m) => m.text)
          : Promise.reject(new KindlabError({ code: 'internal', message: `no pinned manifest ${id}`, hint: 'Check the pins file.' }));
        p.catch(() => undefined); // surfaced when awaited
        cache.set(id, p);
      }
      return p;
    };
    if (eager) for (const pin of this.ctx.pins.manifests) void get(pin.id);
    return get;
  }

  private async runPreflight(settings: ClusterSettings, op: Operation): Promise<boolean> {
    return op.phase('preflight', async () => {
      const report = await this.deps.preflight(settings, false, op.signal);
      for (const f of report.findings) if (f.status === 'warn') op.log('preflight', warningLine(f), 'warn');
      const failed = report.findings.filter((f) => f.status === 'fail');
      if (failed.length > 0) throw new KindlabError(preflightFailure(failed));
      throwIfCancelled(op.signal, 'preflight');
      return this.clusterExists(settings.name, op.signal);
    });
  }

  private async ensureCluster(settings: ClusterSettings, existsAtStart: boolean, op: Operation): Promise<KubeClient> {
    let exists = existsAtStart;
    const paths = clusterPaths(this.ctx.dataDir, settings.name);
    return op.phase('cluster', async () => {
      await mkdir(paths.dir, { recursive: true });
      const creating = join(paths.dir, CREATING_MARKER);
      if (exists && existsSync(creating)) {
        // kind was interrupted while creating this cluster: its API may never come up. Start over.
        op.log('cluster', this.t({ en: 'the previous creation was interrupted; deleting the half-created cluster first', zh: '上次创建被中断；先删除创建了一半的集群' }));
        await this.ctx.tools.run('kind', ['delete', 'cluster', '--name', settings.name, '--kubeconfig', paths.kubeconfig], { signal: op.signal, timeoutMs: 120_000 });
        exists = false;
      }
      if (exists) {
        await this.startStoppedNodes(settings.name, op, 'cluster');
        if (!existsSync(paths.kubeconfig)) {
          await this.ctx.tools.run('kind', ['export', 'kubeconfig', '--name', settings.name, '--kubeconfig', paths.kubeconfig], { signal: op.signal, timeoutMs: 30_000 });
        }
        op.progress('cluster', 0.7, this.t({ en: 'reusing the existing cluster', zh: '复用已有集群' }));
      } else {
        const leftovers = await this.nodeContainers(settings.name, op.signal);
        if (leftovers.length > 0) {
          op.log('cluster', `removing the half-created cluster's containers: ${leftovers.map((l) => l.name).join(', ')}`);
          await this.ctx.tools.run('kind', ['delete', 'cluster', '--name', settings.name, '--kubeconfig', paths.kubeconfig], { signal: op.signal, timeoutMs: 120_000 });
        }
        // On a cgroup v1 host the kubelet of Kubernetes 1.35 refuses to start unless told otherwise.
        const cgroupV1 = (await this.engineCgroupVersion(op.signal).catch(() => '')) === '1';
        if (cgroupV1) op.log('cluster', this.t({ en: 'the container engine runs cgroup v1: the kubelet is started with failCgroupV1: false', zh: '容器引擎使用 cgroup v1：kubelet 以 failCgroupV1: false 启动' }), 'warn');
        await writeFile(paths.kindConfig, renderKindConfig(settings, { nodeImage: nodeImageOf(settings, this.ctx.pins), cgroupV1 }));
        await writeFile(creating, new Date().toISOString());
        op.progress('cluster', 0.02, this.t({ en: 'kind is creating the node containers', zh: 'kind 正在创建节点容器' }));
        await this.ctx.tools.run('kind', ['create', 'cluster', '--name', settings.name, '--config', paths.kindConfig, '--kubeconfig', paths.kubeconfig], {
          signal: op.signal,
          timeoutMs: 15 * 60_000,
          onLine: (line, stream) => {
            op.log('cluster', line, stream);
            const p = kindProgress(line);
            if (p !== null) op.progress('cluster', 0.05 + 0.85 * p.fraction, p.message);
          },
        });
        await rm(creating, { force: true });
        await writeChoices(paths.dir, { cni: settings.cni, ingress: settings.ingress, ...(settings.nodeImage ? { nodeImage: settings.nodeImage } : {}) });
      }
      const client = this.deps.makeClient(paths.kubeconfig);
      await this.waitForApi(client, op);
      const nodes = await client.list('v1', 'Node');
      const worker = nodes.items.find((n) => n.metadata.name === `${settings.name}-worker`);
      if (!worker || worker.metadata.labels?.['ingress-ready'] !== 'true') {
        throw new KindlabError({
          code: 'cluster-exists',
          message: this.t({
            en: `a cluster named ${settings.name} exists but was not built from kindlab's config (no ingress-ready worker)`,
            zh: `已存在名为 ${settings.name} 的集群，但它不是用 kindlab 的配置创建的（没有 ingress-ready 的 worker 节点）`,
          }),
          hint: this.t({
            en: `Delete it with \`kindlab down --name ${settings.name}\` (or \`kind delete cluster --name ${settings.name}\`), or use another name with --name.`,
            zh: `用 \`kindlab down --name ${settings.name}\`（或 \`kind delete cluster --name ${settings.name}\`）删除它，或用 --name 换一个名字。`,
          }),
          appHint: this.t({
            en: `Delete it (${APP_LABELS.deleteCluster.en} on the ${APP_LABELS.clusterScreen.en} screen), then ${APP_LABELS.buildCluster.en} again.`,
            zh: `请先删除它（在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.deleteCluster.zh}”），然后再点“${APP_LABELS.buildCluster.zh}”。`,
          }),
        });
      }
      return client;
    });
  }

  /** Starts node containers that were stopped (the nodeport lab stops the worker; so does a reboot). Returns how many. */
  private async startStoppedNodes(name: string, op: Operation, phaseId: string): Promise<number> {
    const nodes = await this.nodeContainers(name, op.signal);
    const stopped = nodes.filter((n) => n.state !== 'running').map((n) => n.name);
    if (stopped.length === 0) return 0;
    op.log(phaseId, this.t({ en: `starting stopped node containers: ${stopped.join(', ')}`, zh: `正在启动已停止的节点容器：${stopped.join(', ')}` }));
    await this.ctx.tools.run('docker', ['start', ...stopped], { signal: op.signal, timeoutMs: 120_000 });
    return stopped.length;
  }

  /** The API answers only once the control plane is up; before that there is nothing to watch. */
  private async waitForApi(client: KubeClient, op: Operation): Promise<void> {
    const deadline = Date.now() + 120_000 * this.ctx.timeoutScale;
    let delay = 200;
    for (;;) {
      throwIfCancelled(op.signal, 'cluster');
      try {
        await client.version();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 3000);
    }
  }

  private async installIfNeeded(addon: Addon, client: KubeClient, settings: ClusterSettings, op: Operation, manifests: ManifestSource): Promise<void> {
    await op.phase(
      addon.phase,
      async () => {
        const ctx = this.addonContext(client, settings, op, addon.phase, manifests);
        const h = await addon.health(ctx);
        if (h.state === 'ready') return `${this.t({ en: 'already ready', zh: '已就绪' })}: ${h.message}`;
        if (h.state !== 'missing') op.log(addon.phase, `found ${h.state}: ${h.message}; completing the install`);
        await addon.install(ctx);
        return undefined;
      },
      (msg) => msg,
    );
  }

  async up(settings: ClusterSettings, op: Operation): Promise<ClusterStatus> {
    const manifests = this.manifestSource(op.signal, true);
    const exists = await this.runPreflight(settings, op);
    await this.runCache(settings, op);
    const client = await this.ensureCluster(settings, exists, op);
    await this.runMirrors(settings, op);
    await this.buildAddons(client, settings, op, manifests);
    return this.status(settings);
  }

  private async buildAddons(client: KubeClient, settings: ClusterSettings, op: Operation, manifests: ManifestSource): Promise<void> {
    await this.refuseOtherChoices(client, settings);
    const addons = addonsFor(settings);
    await this.installIfNeeded(addons.cni, client, settings, op, manifests);
    // Ingress and MetalLB do not depend on each other: install them side by side.
    const results = await Promise.allSettled([this.installIfNeeded(addons.ingress, client, settings, op, manifests), this.installIfNeeded(addons.metallb, client, settings, op, manifests)]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await this.installIfNeeded(addons.pools, client, settings, op, manifests);
  }

  /** A cluster runs one CNI and one ingress controller: installing the other beside it would break both. */
  private async refuseOtherChoices(client: KubeClient, settings: ClusterSettings): Promise<void> {
    const installed = await detectInstalled(client);
    const differs = (['cni', 'ingress'] as const).filter((role) => installed[role] !== undefined && installed[role] !== settings[role]);
    if (differs.length === 0) return;
    const has = differs.map((role) => `--${role} ${installed[role]}`).join(' ');
    const want = differs.map((role) => `--${role} ${settings[role]}`).join(' ');
    throw new KindlabError({
      code: 'cluster-exists',
      message: this.t({ en: `the cluster ${settings.name} was built with ${has}`, zh: `集群 ${settings.name} 是用 ${has} 创建的` }),
      hint: this.t({
        en: `A cluster keeps the network and ingress controller it was built with. Rebuild it with \`kindlab reset --full ${want}\`, or leave out the flag to keep what it has.`,
        zh: `集群会保留创建时的网络插件和 Ingress 控制器。用 \`kindlab reset --full ${want}\` 重建，或者去掉该参数以保持现状。`,
      }),
      appHint: this.t({
        en: `A cluster keeps the network and ingress controller it was built with. A ${APP_LABELS.resetFull.en} ${APP_LABELS.reset.en} on the ${APP_LABELS.clusterScreen.en} screen rebuilds it with the choices of ${APP_LABELS.advancedOptions.en}; or pick its own there again.`,
        zh: `集群会保留创建时的网络插件和 Ingress 控制器。在“${APP_LABELS.clusterScreen.zh}”页面选“${APP_LABELS.resetFull.zh}”再点“${APP_LABELS.reset.zh}”，会按“${APP_LABELS.advancedOptions.zh}”中的选择重建它；也可以在那里改回它原来的选择。`,
      }),
    });
  }

  // ── down ──

  async down(settings: ClusterSettings, op: Operation): Promise<{ deleted: boolean }> {
    const paths = clusterPaths(this.ctx.dataDir, settings.name);
    return op.phase('delete', async () => {
      const exists = await this.clusterExists(settings.name, op.signal);
      const leftovers = exists ? [] : await this.nodeContainers(settings.name, op.signal);
      if (exists || leftovers.length > 0) {
        await this.ctx.tools.run('kind', ['delete', 'cluster', '--name', settings.name, '--kubeconfig', paths.kubeconfig], {
          signal: op.signal,
          timeoutMs: 180_000,
          onLine: (l, s) => op.log('delete', l, s),
        });
      }
      await rm(paths.dir, { recursive: true, force: true });
      return { deleted: exists || leftovers.length > 0 };
    });
  }

  // ── reset ──

  async resetFull(settings: ClusterSettings, op: Operation): Promise<ClusterStatus> {
    const manifests = this.manifestSource(op.signal, true);
    await this.runPreflight(settings, op);
    await this.runCache(settings, op);
    // down deletes the cluster only: the caches are not the cluster's and stay.
    await this.down(settings, op);
    const client = await this.ensureCluster(settings, false, op);
    await this.runMirrors(settings, op);
    await this.buildAddons(client, settings, op, manifests);
    return this.status(settings);
  }

  async resetFast(settings: ClusterSettings, op: Operation): Promise<ClusterStatus> {
    const paths = clusterPaths(this.ctx.dataDir, settings.name);
    if (!(await this.clusterExists(settings.name, op.signal))) {
      throw new KindlabError({
        code: 'cluster-missing',
        message: this.t({ en: `there is no cluster named ${settings.name}`, zh: `不存在名为 ${settings.name} 的集群` }),
        hint: this.t({ en: 'Create it with `kindlab up`; the fast reset needs a cluster to clean.', zh: '请先用 `kindlab up` 创建集群；快速重置需要一个已存在的集群。' }),
      });
    }
    if (!existsSync(paths.kubeconfig)) {
      await this.ctx.tools.run('kind', ['export', 'kubeconfig', '--name', settings.name, '--kubeconfig', paths.kubeconfig], { signal: op.signal, timeoutMs: 30_000 });
    }
    const client = this.deps.makeClient(paths.kubeconfig);
    await op.phase(
      'labs',
      async () => {
        // A lab may have stopped a node (nodeport step 5) and the learner reset before starting
        // it again: the fast reset brings the cluster back whole, as the lab's cleanup cannot.
        if ((await this.startStoppedNodes(settings.name, op, 'labs')) > 0) await this.waitForApi(client, op);
        let removed = 0;
        if (this.deps.labCleanup) removed += await this.deps.labCleanup(client, (l) => op.log('labs', l), op.signal);
        removed += await resetFastSteps(client, {
          signal: op.signal,
          timeoutMs: 120_000 * this.ctx.timeoutScale,
          log: (l) => op.log('labs', l),
          progress: (f, m) => op.progress('labs', f, m),
        });
        return removed;
      },
      (n) => this.t({ en: `${n} objects removed`, zh: `已删除 ${n} 个对象` }),
    );
    await op.phase('addons', async () => {
      // Only the add-ons that need repair download anything; one that is merely recovering (a
      // lab restarted a node a moment ago) is waited for instead (addon-recovery.ts).
      const manifests = this.manifestSource(op.signal, false);
      await restoreAddons(Object.values(addonsFor(settings)), () => this.addonContext(client, settings, op, 'addons', manifests), {
        client,
        signal: op.signal,
        recoverMs: 180_000 * this.ctx.timeoutScale,
        log: (l) => op.log('addons', l),
        progress: (f, m) => op.progress('addons', f, m),
      });
    });
    return this.status(settings);
  }

  // ── status ──

  async status(settings: ClusterSettings): Promise<ClusterStatus> {
    const paths = clusterPaths(this.ctx.dataDir, settings.name);
    const base: ClusterStatus = {
      name: settings.name,
      exists: false,
      kubeconfig: paths.kubeconfig,
      apiReachable: false,
      nodes: [],
      addons: [],
      pools: [],
      leftovers: [],
      labObjects: {},
      ingressAddress: hostAddress(settings),
      cni: settings.cni,
      ingress: settings.ingress,
      nodeImage: nodeImageOf(settings, this.ctx.pins),
    };
    const exists = await this.clusterExists(settings.name);
    if (!exists) {
      const leftovers = await this.nodeContainers(settings.name).catch(() => []);
      return { ...base, leftovers: leftovers.map((l) => l.name) };
    }
    if (!existsSync(paths.kubeconfig)) {
      await mkdir(paths.dir, { recursive: true });
      await this.ctx.tools.run('kind', ['export', 'kubeconfig', '--name', settings.name, '--kubeconfig', paths.kubeconfig], { timeoutMs: 30_000 });
    }
    const client = this.deps.makeClient(paths.kubeconfig);
    try {
      await client.version();
    } catch {
      return { ...base, exists: true };
    }
    const nodes = await client.list('v1', 'Node');
    const nodeInfos: NodeInfo[] = nodes.items.map(nodeInfo);
    const probeCtx = { client, pins: this.ctx.pins, poolPlan: () => this.poolPlan() };
    const chosen = addonsFor(settings);
    const addons: Health[] = await Promise.all(
      [chosen.cni, chosen.ingress, chosen.metallb].map((a) =>
        a.health(probeCtx).catch((e: unknown) => ({ id: a.id as AddonHealth['id'], version: '', state: 'unknown' as const, message: errorText(e) })),
      ),
    );
    // MetalLB without its pools hands out no address: the learner's LoadBalancer Services would
    // stay <pending>, so the add-on is not "ready" until pool-01, pool-02 and the advertisement are.
    const metallb = addons.find((a) => a.id === 'metallb');
    if (metallb?.state === 'ready') {
      const pooled = await chosen.pools.health(probeCtx).catch((e: unknown) => ({ state: 'unknown' as const, message: errorText(e) }));
      if (pooled.state !== 'ready') Object.assign(metallb, { state: 'degraded', message: pooled.message });
    }
    let pools: { name: string; addresses: string[] }[] = [];
    if (await client.served('metallb.io/v1beta1', 'IPAddressPool').catch(() => false)) {
      const list = await client.list('metallb.io/v1beta1', 'IPAddressPool', { namespace: METALLB_NS });
      pools = list.items.map((p) => ({ name: p.metadata.name, addresses: ((p.spec as { addresses?: string[] } | undefined)?.addresses ?? []).slice() }));
    }
    const labObjects = (await this.deps.labObjects?.(client).catch(() => ({}))) ?? {};
    return { ...base, exists: true, apiReachable: true, nodes: nodeInfos, addons: addons.map((a) => ({ ...a, message: toText(a.message) })), pools, labObjects };
  }
}

function nodeInfo(n: KubeObject): NodeInfo {
  const st = (n as { status?: { addresses?: { type: string; address: string }[]; nodeInfo?: { kubeletVersion?: string } } }).status;
  const labels = n.metadata.labels ?? {};
  return {
    name: n.metadata.name,
    role: 'node-role.kubernetes.io/control-plane' in labels ? 'control-plane' : 'worker',
    ready: nodeReady(n),
    internalIP: st?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
    kubeletVersion: st?.nodeInfo?.kubeletVersion ?? null,
  };
}
