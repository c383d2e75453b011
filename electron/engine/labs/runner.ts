// Running one step of a lab: its actions in order, then its checks. Pure-ish — everything it
// touches comes in through RunnerDeps, so the engine, the control-plane tier and the tests run
// the same code against a real cluster, a KWOK cluster or an in-memory API.
import type { Lang, StepRunResult } from '../../api.ts';
import { toText } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { type ActionOutcome, type CommandPolicy, runAction } from './actions.ts';
import { type CheckVerdict, runCheck, skippedResult, toCheckResult } from './checks/registry.ts';
import type { CheckContext } from './checks/types.ts';
import { describeAction, missingVarsNote } from './describe.ts';
import type { LoadedLab } from './loader.ts';
import type { ProbeRunner, ToolExec } from './probes.ts';
import { missingVars } from './render.ts';
import { sayBoth } from './say.ts';
import type { LabCheck } from './schema.ts';
import type { RunState } from './state.ts';
import type { LabVars } from './vars.ts';


export interface RunnerDeps {
  client: KubeClient;
  tools: ToolExec;
  /** The lab cluster's own kubeconfig, passed to every kubectl command. */
  kubeconfig: string;
  vars: LabVars;
  /** The language of the checks' plain words in the result (`localized` has both); the run itself speaks both. */
  lang: Lang;
  signal: AbortSignal;
  /**
   * false in the control-plane tier (pods never really run): http/tcp/dns/policyCanary checks and
   * commands that need a data plane or Docker are skipped with a reason.
   */
  dataPlane: boolean;
  /**
   * Which shown commands run: all (default), none, or only docker's (the engine tests' fake docker
   * simulates stopping and starting nodes, while their fake kubectl only replays recordings).
   */
  commands?: CommandPolicy;
  probes: ProbeRunner;
  state: RunState;
  /** Lines and messages in both languages (i18n/text.ts): the host shows the learner's. */
  log(line: string): void;
  progress(fraction: number, message: string): void;
  timeoutScale: number;
}

/** Checks that grade NetworkPolicies; meaningless once the enforcement canary has failed. */
export function gradesPolicy(check: LabCheck): boolean {
  return check.type === 'tcp';
}

/** Where a passed canary is remembered (per lab; the lab's cleanup forgets it with the rest). */
export const CANARY_STATE_KEY = 'policyCanary';

/**
 * The cluster a result belongs to: kube-system's uid changes whenever the cluster is recreated
 * (down/up, reset --full, another --name), and a canary that passed on another cluster proves
 * nothing about this one.
 */
async function clusterIdentity(client: KubeClient): Promise<string> {
  const ns = await client.get('v1', 'Namespace', 'kube-system').catch(() => null);
  return ns?.metadata.uid ?? 'unknown';
}

/** The lab's enforcement canary, if it has one: a lab that declares one grades no policy without it. */
function labCanary(lab: LoadedLab): LabCheck | undefined {
  for (const s of lab.spec.steps) for (const c of s.checks) if (c.type === 'policyCanary') return c;
  return undefined;
}

function stepStatus(actions: ActionOutcome[], checks: CheckVerdict[]): StepRunResult['status'] {
  if (actions.some((a) => a.status === 'failed') || checks.some((c) => c.status === 'fail')) return 'fail';
  if (actions.every((a) => a.status === 'skipped') && checks.every((c) => c.status === 'skipped')) return 'skipped';
  return 'pass';
}

export async function runStep(lab: LoadedLab, index: number, deps: RunnerDeps): Promise<StepRunResult> {
  const say = sayBoth;
  const step = lab.spec.steps[index];
  if (!step) throw new RangeError(`lab ${lab.id} has no step ${index + 1}`);
  const views = step.actions.map((a) => describeAction(a, deps.vars, say));
  const missing = missingVars(step.requiresVar, deps.vars);
  if (missing.length) {
    const reason = missingVarsNote(missing, say);
    deps.log(reason);
    return {
      index,
      id: step.id,
      status: 'skipped',
      actions: views.map((v) => ({ description: toText(v.description), status: 'skipped', output: toText(reason) })),
      checks: step.checks.map((c) => toCheckResult(skippedResult(c, say, reason), deps.lang)),
    };
  }

  const total = step.actions.length + step.checks.length || 1;
  const actions: (ActionOutcome & { description: string })[] = [];
  let broken = false;
  for (const [i, action] of step.actions.entries()) {
    const description = views[i]?.description ?? '';
    if (broken) {
      actions.push({ description, status: 'skipped', output: say('skipped: an earlier action of this step failed', '已跳过：本步骤中较早的操作失败了') });
      continue;
    }
    deps.progress(i / total, description);
    deps.log(`▶ ${description}`);
    const outcome = await runAction(action, {
      lab,
      client: deps.client,
      tools: deps.tools,
      kubeconfig: deps.kubeconfig,
      vars: deps.vars,
      say,
      signal: deps.signal,
      dataPlane: deps.dataPlane,
      commands: deps.commands ?? true,
      state: deps.state,
      probes: deps.probes,
      timeoutScale: deps.timeoutScale,
      log: deps.log,
      progress: (f, m) => deps.progress((i + Math.max(0, Math.min(1, f))) / total, m),
    });
    if (outcome.status === 'failed') {
      broken = true;
      deps.log(`✗ ${outcome.output ?? ''}`);
    }
    actions.push({ description, ...outcome });
  }

  // Checks run even after a failed action: their layer and hint explain what went wrong.
  const ctx: CheckContext = {
    client: deps.client,
    probes: deps.probes,
    vars: deps.vars,
    say,
    state: deps.state,
    labId: lab.id,
    signal: deps.signal,
    timeoutScale: deps.timeoutScale,
    log: deps.log,
  };
  const checks: CheckVerdict[] = [];
  let canaryFailed = false;
  let canaryReason = say('skipped: the NetworkPolicy canary failed, so grading policies would be meaningless', '已跳过：NetworkPolicy 金丝雀测试失败，评判策略已没有意义');
  const canary = labCanary(lab);
  const stepHasCanary = step.checks.some((c) => c.type === 'policyCanary');
  const gradesPolicies = step.checks.some(gradesPolicy);
  // One GET, and only for the steps the canary concerns (not for every step of the lab).
  const clusterId = canary && deps.dataPlane && (stepHasCanary || gradesPolicies) ? await clusterIdentity(deps.client) : '';
  const recordCanary = async (result: CheckVerdict) => {
    if (result.status === 'pass') await deps.state.set(lab.id, CANARY_STATE_KEY, `passed:${clusterId}`);
    if (result.status === 'fail') {
      canaryFailed = true;
      await deps.state.set(lab.id, CANARY_STATE_KEY, `failed:${clusterId}`);
    }
  };
  // A step run on its own (`lab run netpol --step 4`, or a learner jumping ahead) must not grade
  // policies on a cluster whose canary has not passed: run the lab's canary first.
  if (canary && !stepHasCanary && deps.dataPlane && gradesPolicies && deps.state.get(lab.id, CANARY_STATE_KEY) !== `passed:${clusterId}`) {
    deps.log(say('▶ the NetworkPolicy canary has not passed on this cluster yet: running it before grading', '▶ NetworkPolicy 金丝雀测试尚未在此集群上通过：评判之前先运行它'));
    const result = await runCheck(canary, ctx, deps.dataPlane);
    deps.log(`${result.status === 'pass' ? '✓' : '✗'} ${result.description}: ${result.observed}`);
    await recordCanary(result);
    // Shown with the step's own checks: a failed canary fails the step, with its CNI hint.
    checks.push(result);
    if (canaryFailed) canaryReason = say(`skipped: the NetworkPolicy canary failed (${result.observed}), so grading policies would be meaningless`, `已跳过：NetworkPolicy 金丝雀测试失败（${result.observed}），评判策略已没有意义`);
  }
  for (const [j, check] of step.checks.entries()) {
    deps.progress((step.actions.length + j) / total, check.id);
    if (canaryFailed && gradesPolicy(check)) {
      checks.push(skippedResult(check, say, canaryReason));
      continue;
    }
    const result = await runCheck(check, ctx, deps.dataPlane);
    if (check.type === 'policyCanary') await recordCanary(result);
    deps.log(`${result.status === 'pass' ? '✓' : result.status === 'fail' ? '✗' : '–'} ${result.description}: ${result.observed}`);
    checks.push(result);
  }
  deps.progress(1, '');
  return {
    index,
    id: step.id,
    status: stepStatus(actions, checks),
    actions: actions.map((a) => ({ description: toText(a.description), status: a.status, ...(a.output !== undefined ? { output: toText(a.output) } : {}) })),
    checks: checks.map((c) => toCheckResult(c, deps.lang)),
  };
}
