// The labs as the engine offers them: listing and validating the lab folder, a lab's text with
// this cluster's own values, running steps as an Operation (one phase per step), and cleaning up
// after one lab or all of them. The I/O edge around runner.ts.
import type { ClusterSettings, LabDetail, LabProblem, LabRunResult, LabSummary, Lang, RequestOf, StepRunResult } from '../../api.ts';
import { APP_LABELS } from '../../shared/app-labels.ts';
import type { ClusterLifecycle } from '../cluster/lifecycle.ts';
import { type EngineContext, requestSettings, settingsFrom } from '../context.ts';
import { KindlabError } from '../errors.ts';
import { both, toText } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import type { OperationHost } from '../operation-runner.ts';
import { skippedResult, toCheckResult } from './checks/registry.ts';
import { awaitNamespacesGone, cleanupLab, removeLabelled } from './cleanup.ts';
import { describeAction, describeStep } from './describe.ts';
import { DEFAULT_LABS_DIR, type LoadedLab, loadLabs, summarize } from './loader.ts';
import { LAB_LABEL, PROBE_LABEL } from './manifest.ts';
import { createProbeRunner } from './probes.ts';
import { renderDeepLenient, renderLenient } from './render.ts';
import { requirementError, unmetRequirements } from './requires.ts';
import { runStep } from './runner.ts';
import { type Say, sayBoth, sayer } from './say.ts';
import { FileRunState, type RunState } from './state.ts';
import { EXAMPLE_VARS, type LabVars, computeLabVars } from './vars.ts';

/** What the labs ask of the cluster: whether it answers, and its address pools. */
export type LabCluster = Pick<ClusterLifecycle, 'status' | 'poolPlan'>;

interface LiveCluster {
  client: KubeClient;
  kubeconfig: string;
  vars: LabVars;
}

/** A step as --dry-run (or a run stopped early) reports it: described, nothing executed. `lang`: the checks' plain words. */
export function unexecutedStep(lab: LoadedLab, index: number, vars: LabVars, lang: Lang, reason: string): StepRunResult {
  const say = sayBoth;
  const step = lab.spec.steps[index];
  if (!step) throw new RangeError(`lab ${lab.id} has no step ${index + 1}`);
  return {
    index,
    id: step.id,
    status: 'skipped',
    actions: step.actions.map((a) => {
      const v = describeAction(a, vars, say);
      const output = v.command ?? v.file;
      return { description: toText(v.description), status: 'skipped' as const, ...(output ? { output } : {}) };
    }),
    checks: step.checks.map((c) => toCheckResult(skippedResult(renderDeepLenient(c, vars, say), say, reason), lang)),
  };
}

export class LabService {
  private state: Promise<RunState> | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly makeClient: (kubeconfig: string) => KubeClient,
    /** The cluster lifecycle (asked for late: the engine builds it after the labs). */
    private readonly cluster: () => LabCluster,
    /** Runs the lab runs and cleanups as operations (events, phases, cancel). */
    private readonly ops: OperationHost,
  ) {}

  /** The labs folder: the request's, else $KINDLAB_LABS_DIR, else the one shipped with kindlab. */
  labsDir(dir?: string): string {
    return dir ?? this.ctx.labsDir ?? DEFAULT_LABS_DIR;
  }

  async list(dir?: string): Promise<{ labs: LabSummary[]; problems: LabProblem[] }> {
    const { labs, problems } = loadLabs(this.labsDir(dir));
    return { labs: labs.map(summarize), problems };
  }

  validate(dir?: string): LabProblem[] {
    return loadLabs(this.labsDir(dir)).problems;
  }

  /** `settings`: which cluster's values fill the text (--name); the default cluster's without. */
  async detail(id: string, lang: Lang, settings?: Partial<ClusterSettings>): Promise<LabDetail> {
    const lab = this.find(id);
    const vars = (await this.live(settings))?.vars ?? EXAMPLE_VARS;
    const say = sayer(lang);
    return {
      summary: summarize(lab),
      lang,
      intro: renderLenient(lab.texts[lang].intro, vars, say),
      steps: lab.spec.steps.map((_s, i) => describeStep(lab, i, vars, lang)),
    };
  }

  async run(req: RequestOf<'lab:run'>): Promise<LabRunResult> {
    // The run's words are in both languages (its log, phases, failures, the checks' `localized`);
    // `lang` only picks the checks' plain strings.
    const lang = req.lang ?? this.ctx.lang;
    const say = sayBoth;
    const lab = this.find(req.id);
    const indices = this.selectSteps(lab, req.step, say);
    const phases = indices.map((i) => ({ id: lab.spec.steps[i]?.id ?? String(i), title: `${i + 1}. ${lab.spec.steps[i] ? both(lab.spec.steps[i].title) : ''}` }));
    return this.ops.run('lab-run', req.opId, phases, { locked: false }, async (op) => {
      if (req.dryRun) {
        const vars = (await this.live(req.settings, op.signal))?.vars ?? EXAMPLE_VARS;
        const reason = say('dry run: not executed', '演练：未执行');
        const steps = indices.map((i) => {
          op.skip(lab.spec.steps[i]?.id ?? '', reason);
          return unexecutedStep(lab, i, vars, lang, reason);
        });
        return { lab: lab.id, dryRun: true, steps, ok: true };
      }
      const live = await this.live(req.settings, op.signal);
      if (!live) throw this.clusterMissing(req.settings);
      // Before any step, also a single one: a lab built on another needs that one's objects.
      const unmet = await unmetRequirements(lab, loadLabs(this.labsDir()).labs, live.client, live.vars);
      if (unmet.length > 0) throw requirementError(lab, unmet);
      const state = await this.runState();
      const probes = createProbeRunner({
        client: live.client,
        tools: this.ctx.tools,
        images: this.ctx.pins.images,
        timeoutScale: this.ctx.timeoutScale,
        signal: op.signal,
        podLabels: { [LAB_LABEL]: lab.id },
      });
      const steps: StepRunResult[] = [];
      let failedStep: string | null = null;
      for (const i of indices) {
        const id = lab.spec.steps[i]?.id ?? '';
        if (failedStep) {
          const reason = say(`not run: step ${failedStep} failed`, `未运行：步骤 ${failedStep} 失败`);
          op.skip(id, reason);
          steps.push(unexecutedStep(lab, i, live.vars, lang, reason));
          continue;
        }
        const result = await op.phase(
          id,
          () =>
            runStep(lab, i, {
              client: live.client,
              tools: this.ctx.tools,
              kubeconfig: live.kubeconfig,
              vars: live.vars,
              lang,
              signal: op.signal,
              dataPlane: this.ctx.dataPlane,
              // The engine tests' fake kubectl only replays recordings; they turn commands off.
              commands: this.ctx.labCommands,
              probes,
              state,
              timeoutScale: this.ctx.timeoutScale,
              log: (line) => op.log(id, line),
              progress: (f, m) => op.progress(id, f, m),
            }),
          (r) => {
            const passedChecks = r.checks.filter((c) => c.status === 'pass').length;
            return say(`${passedChecks}/${r.checks.length} checks passed`, `${r.checks.length} 项检查中通过 ${passedChecks} 项`);
          },
          (r) => r.status === 'fail',
        );
        steps.push(result);
        if (result.status === 'fail') failedStep = id;
      }
      return { lab: lab.id, dryRun: false, steps, ok: failedStep === null };
    });
  }

  async cleanup(req: RequestOf<'lab:cleanup'>): Promise<{ removed: number }> {
    const say = sayBoth;
    const lab = this.find(req.id);
    return this.ops.run('lab-cleanup', req.opId, [{ id: 'cleanup', title: { en: 'Clean up', zh: '清理' } }], { locked: false }, (op) =>
      op.phase(
        'cleanup',
        async () => {
          const live = await this.live(req.settings, op.signal);
          if (!live) throw this.clusterMissing(req.settings);
          const removed = await cleanupLab(lab, {
            client: live.client,
            vars: live.vars,
            say,
            signal: op.signal,
            timeoutScale: this.ctx.timeoutScale,
            log: (l) => op.log('cleanup', l),
            ...this.dataPlaneDeps(live.client, op.signal, lab.id),
          });
          await (await this.runState()).clear(lab.id);
          return { removed };
        },
        (r) => say(`${r.removed} objects removed`, `已删除 ${r.removed} 个对象`),
      ),
    );
  }

  /** Every lab's cleanup, for the fast reset. Labs that do not load are still swept by label. */
  async cleanupAll(client: KubeClient, log: (line: string) => void, signal: AbortSignal): Promise<number> {
    const say = sayBoth;
    const { labs } = loadLabs(this.labsDir());
    // Only manifest-based cleanup entries need the cluster's values (to render the manifest).
    const needsVars = labs.some((l) => l.spec.cleanup.some((c) => 'deleteManifest' in c));
    const vars = (needsVars ? (await this.live(undefined, signal))?.vars : undefined) ?? EXAMPLE_VARS;
    const deps = { client, vars, say, signal, timeoutScale: this.ctx.timeoutScale, log, ...this.dataPlaneDeps(client, signal) };
    let removed = 0;
    // Every namespace any lab's cleanup deleted is waited for once, at the end: a lab run right
    // after the reset must not meet "namespace sales is being terminated".
    const terminating: string[] = [];
    const later: (() => Promise<void>)[] = [];
    // One sweep by the label's key covers every lab: per-lab sweeps would list every kind seven
    // times over (a real fast reset spent most of its 10 s on those lists).
    for (const lab of labs) removed += await cleanupLab(lab, deps, { waitForNamespaces: false, terminating, sweep: false, later });
    const [sweep, probes] = await Promise.all([removeLabelled(LAB_LABEL, deps), removeLabelled(PROBE_LABEL, deps)]);
    // The namespaces' termination and the DNS waits (nodeport's) go side by side.
    await Promise.all([awaitNamespacesGone([...new Set([...terminating, ...sweep.namespaces, ...probes.namespaces])], deps), ...later.map((wait) => wait())]);
    await (await this.runState()).clear();
    return removed + sweep.removed + probes.removed;
  }

  // ── helpers ──

  private find(id: string): LoadedLab {
    const { labs, problems } = loadLabs(this.labsDir());
    const lab = labs.find((l) => l.id === id);
    if (lab) return lab;
    const own = problems.filter((p) => p.lab === id);
    const say = sayBoth;
    if (own.length > 0) {
      throw new KindlabError({
        code: 'lab-invalid',
        message: say(`lab ${id} does not pass validation`, `实验 ${id} 未通过校验`),
        hint: say('Fix the problems listed below (kindlab labs validate shows them too).', '请修正下列问题（kindlab labs validate 也会列出它们）。'),
        diagnostics: own.map((p) => `${p.file} ${p.path}: ${p.reason}`),
      });
    }
    throw new KindlabError({
      code: 'bad-input',
      message: say(`there is no lab named ${id}`, `没有名为 ${id} 的实验`),
      hint: say(`Known labs: ${labs.map((l) => l.id).join(', ') || '(none)'}.`, `已有的实验：${labs.map((l) => l.id).join('、') || '（无）'}。`),
    });
  }

  /** --step N is 1-based; without it every step runs. */
  private selectSteps(lab: LoadedLab, step: number | undefined, say: Say): number[] {
    const count = lab.spec.steps.length;
    if (step === undefined) return [...Array(count).keys()];
    if (!Number.isInteger(step) || step < 1 || step > count) {
      throw new KindlabError({
        code: 'bad-input',
        message: say(`lab ${lab.id} has steps 1 to ${count}, not ${step}`, `实验 ${lab.id} 的步骤为 1 到 ${count}，没有 ${step}`),
        hint: say(`Steps: ${lab.spec.steps.map((s, i) => `${i + 1} ${s.title.en}`).join('; ')}`, `步骤：${lab.spec.steps.map((s, i) => `${i + 1} ${s.title.zh}`).join('；')}`),
      });
    }
    return [step - 1];
  }

  /** What a cleanup needs to wait on the data plane (the nodeport lab's DNS wait): probes, tools, and whether pods really run. */
  private dataPlaneDeps(client: KubeClient, signal: AbortSignal, labId?: string) {
    return {
      probes: createProbeRunner({ client, tools: this.ctx.tools, images: this.ctx.pins.images, timeoutScale: this.ctx.timeoutScale, signal, ...(labId ? { podLabels: { [LAB_LABEL]: labId } } : {}) }),
      tools: this.ctx.tools,
      dataPlane: this.ctx.dataPlane,
    };
  }

  /** No cluster to run against: built later on the Cluster screen (Build cluster) or with `kindlab up` (and its flags, in the CLI only). */
  private clusterMissing(settings: Partial<ClusterSettings> | undefined): KindlabError {
    const name = settingsFrom(settings, this.ctx.defaults).name;
    // The command to type names the cluster whenever it is not the one a bare `kindlab up` makes.
    const flag = name === settingsFrom(undefined, {}).name ? '' : ` --name ${name}`;
    return new KindlabError({
      code: 'cluster-missing',
      message: { en: `the cluster ${name} is not there yet, or does not answer`, zh: `集群 ${name} 还不存在，或没有响应` },
      hint: {
        en: `Build it (${APP_LABELS.buildCluster.en} on the ${APP_LABELS.clusterScreen.en} screen, or \`kindlab up${flag}\` in a terminal), then run the lab again.`,
        zh: `请先创建它（在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.buildCluster.zh}”，或在终端运行 \`kindlab up${flag}\`），然后重新运行实验。`,
      },
      appHint: {
        en: `Build it (${APP_LABELS.buildCluster.en} on the ${APP_LABELS.clusterScreen.en} screen), then run the lab again.`,
        zh: `请先创建它（在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.buildCluster.zh}”），然后重新运行实验。`,
      },
    });
  }

  /**
   * The cluster the request names (its settings' name, as `cluster:*` requests do; else
   * $KINDLAB_CLUSTER, else cluster01), its kubeconfig and its lab variables — or null when there
   * is no answering cluster.
   */
  private async live(partial?: Partial<ClusterSettings>, signal?: AbortSignal): Promise<LiveCluster | null> {
    // An invalid name is the learner's mistake, not a missing cluster: it throws.
    const settings = requestSettings(this.ctx, partial);
    try {
      const cluster = this.cluster();
      const status = await cluster.status(settings);
      if (!status.exists || !status.apiReachable) return null;
      const plan = await cluster.poolPlan(signal);
      const ipOf = (role: 'worker' | 'control-plane') => status.nodes.find((n) => n.role === role)?.internalIP ?? null;
      // KINDLAB_INGRESS_HTTP_PORT: the host port mapped to the ingress's port 80, when it is not 80.
      const vars = computeLabVars({ plan, ingressAddress: status.ingressAddress, ingressHttpPort: this.ctx.ingressHttpPort, workerIP: ipOf('worker'), controlPlaneIP: ipOf('control-plane'), clusterName: settings.name, cni: status.cni, ingress: status.ingress });
      return { client: this.makeClient(status.kubeconfig), kubeconfig: status.kubeconfig, vars };
    } catch (err) {
      if (signal?.aborted) throw err;
      return null;
    }
  }

  private runState(): Promise<RunState> {
    this.state ??= FileRunState.open(this.ctx.dataDir);
    return this.state;
  }
}

