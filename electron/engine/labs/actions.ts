// Executing one lab action. Each is safe to repeat: server-side apply is idempotent, deleting a
// missing object is fine, a create-style command that meets its own earlier result counts as
// done, and a `kubectl run --rm` pod left over from an interrupted run is removed first.
// Waits watch the API (waitFor), never sleep. A `get` whose output does not show what the lab
// expects yet is run again, after growing pauses, within the checks' settle window.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyWithWebhookRetry, orderForApply } from '../addons/apply.ts';
import { KindlabError, cancelled, isCancellation } from '../errors.ts';
import { fromText } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { waitFor } from '../kube/wait.ts';
import { execArgs, kubectlShape, leftoverRunPod, ownTimeoutMs, splitCommand } from './argv.ts';
import { SETTLE_MS, settleWithBackoff } from './checks/settle.ts';
import { outputExcerpt, rerunReason, unmetExpectations } from './command-outcome.ts';
import { selectorFromLabels } from '../kube/labels.ts';
import type { LoadedLab } from './loader.ts';
import { namespaceFor, prepareObjects } from './manifest.ts';
import type { ProbeRunner, ToolExec } from './probes.ts';
import { type PullWatchScope, withPullWatch } from './pull-watch.ts';
import { waitForClusterDns, waitForDataPlane } from './recovery.ts';
import type { Say } from './say.ts';
import type { LabAction } from './schema.ts';
import type { RunState } from './state.ts';
import { renderDeep } from './render.ts';
import { type LabVars, renderTemplate } from './vars.ts';
import { type WaitCondition, loadBalancerAddress, waitJudge } from './wait-judge.ts';

export const LAB_FIELD_MANAGER = 'kindlab-labs';
/** Bound for one lab command (kubectl run of a probe image included)... */
const COMMAND_TIMEOUT_MS = 60_000;
/** ...unless it carries its own --timeout, which then gets this much room on top. */
const OWN_TIMEOUT_MARGIN_MS = 15_000;
/** Bound for an object to disappear after a delete (LoadBalancer Services carry a finalizer). */
const DELETE_TIMEOUT_MS = 120_000;

/** Which shown commands a run executes: all, none, or only the docker ones. */
export type CommandPolicy = boolean | 'docker';

export interface ActionDeps {
  lab: LoadedLab;
  client: KubeClient;
  tools: ToolExec;
  kubeconfig: string;
  vars: LabVars;
  say: Say;
  signal: AbortSignal;
  dataPlane: boolean;
  commands: CommandPolicy;
  state: RunState;
  /** For the data-plane gates, which ask a node port or a DNS server the way the checks do. */
  probes: ProbeRunner;
  timeoutScale: number;
  log(line: string): void;
  progress(fraction: number, message: string): void;
}

export interface ActionOutcome {
  status: 'done' | 'failed' | 'skipped';
  output?: string;
}

type Ref = { apiVersion: string; kind: string; name: string; namespace?: string | undefined };

async function manifestText(lab: LoadedLab, path: string): Promise<string> {
  return lab.manifests.get(path) ?? readFile(join(lab.dir, path), 'utf8');
}

/** The label selector of a workload or Service, for diagnostics when a wait runs out. */
function selectorOf(obj: KubeObject | null): string | undefined {
  const sel = (obj?.spec as { selector?: unknown } | undefined)?.selector;
  if (!sel || typeof sel !== 'object') return undefined;
  // Workloads carry a LabelSelector; a Service carries the labels themselves.
  const labels = ('matchLabels' in sel ? (sel as { matchLabels?: Record<string, string> }).matchLabels : sel) as Record<string, string> | undefined;
  return labels && Object.keys(labels).length ? selectorFromLabels(labels) : undefined;
}

/** The pods a wait on `ref` depends on, when it waits for them to run (a pod itself, or a workload's selector). */
async function podsOf(ref: Ref, condition: WaitCondition, ns: string | undefined, client: KubeClient): Promise<PullWatchScope | null> {
  if (condition === 'deleted' || condition === 'exists' || condition === 'loadBalancerIP' || !ns) return null;
  if (ref.kind === 'Pod') return { namespace: ns, fieldSelector: `metadata.name=${ref.name}` };
  const labelSelector = selectorOf(await client.get(ref.apiVersion, ref.kind, ref.name, ns).catch(() => null));
  return labelSelector ? { namespace: ns, labelSelector } : null;
}

async function waitForRef(ref: Ref, condition: WaitCondition, timeoutMs: number, deps: ActionDeps): Promise<void> {
  const ns = namespaceFor(ref.kind, ref.namespace);
  const what = `${ref.kind} ${ns ? `${ns}/` : ''}${ref.name}`;
  // A pod that cannot pull its image for good fails the wait within seconds, with the pull's fix.
  const pods = await podsOf(ref, condition, ns, deps.client);
  const wait = waitFor(
    deps.client,
    { apiVersion: ref.apiVersion, kind: ref.kind, ...(ns ? { namespace: ns } : {}), fieldSelector: `metadata.name=${ref.name}` },
    waitJudge(condition, ref.kind, ref.name, deps.say),
    {
      timeoutMs,
      signal: deps.signal,
      what,
      onProgress: (v) => deps.progress(v.fraction ?? 0, v.message ?? what),
      diagnose: async () => {
        const obj = await deps.client.get(ref.apiVersion, ref.kind, ref.name, ns).catch(() => null);
        const labelSelector = selectorOf(obj);
        return diagnose(deps.client, { namespace: ns ?? 'default', ...(labelSelector ? { labelSelector } : {}) });
      },
      hint: deps.say(`Look at the diagnostics: the first pod that is not Ready says why (kubectl describe ${ref.kind.toLowerCase()} ${ref.name}${ns ? ` -n ${ns}` : ''}).`, `请查看诊断信息：第一个未 Ready 的 Pod 会说明原因（kubectl describe ${ref.kind.toLowerCase()} ${ref.name}${ns ? ` -n ${ns}` : ''}）。`),
    },
  );
  await (pods ? withPullWatch({ ...deps, labId: deps.lab.id }, pods, timeoutMs, wait) : wait);
}

async function deleteAndWait(ref: Ref, deps: ActionDeps): Promise<boolean> {
  const ns = namespaceFor(ref.kind, ref.namespace);
  const existed = await deps.client.delete(ref.apiVersion, ref.kind, ref.name, ns);
  // An object being deleted cannot be applied again; wait until it is really gone.
  if (existed) await waitForRef(ref, 'deleted', DELETE_TIMEOUT_MS * deps.timeoutScale, deps);
  return existed;
}

async function applyManifest(path: string, deps: ActionDeps): Promise<ActionOutcome> {
  const objs = orderForApply(prepareObjects(await manifestText(deps.lab, path), deps.vars, deps.lab.id, path));
  const lines: string[] = [];
  for (const [i, o] of objs.entries()) {
    deps.progress(i / objs.length, `${o.kind} ${o.metadata.name}`);
    await applyWithWebhookRetry(deps.client, o, { signal: deps.signal, log: deps.log, fieldManager: LAB_FIELD_MANAGER, webhookRetryMs: 90_000 * deps.timeoutScale });
    lines.push(`${o.kind.toLowerCase()}/${o.metadata.name}${o.metadata.namespace ? ` -n ${o.metadata.namespace}` : ''} ${deps.say('applied', '已应用')}`);
  }
  return { status: 'done', output: lines.join('\n') };
}

async function deleteManifest(path: string, deps: ActionDeps): Promise<ActionOutcome> {
  const objs = orderForApply(prepareObjects(await manifestText(deps.lab, path), deps.vars, deps.lab.id, path)).reverse();
  const lines: string[] = [];
  for (const o of objs) {
    const existed = await deleteAndWait({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }, deps);
    lines.push(`${o.kind.toLowerCase()}/${o.metadata.name} ${existed ? deps.say('deleted', '已删除') : deps.say('was already gone', '本来就不存在')}`);
  }
  return { status: 'done', output: lines.join('\n') };
}

async function runCommand(action: Extract<LabAction, { run: string }>, deps: ActionDeps): Promise<ActionOutcome> {
  const { say } = deps;
  if (action.needs !== 'api' && !deps.dataPlane) {
    return { status: 'skipped', output: say(`skipped: needs a ${action.needs === 'docker' ? 'Docker engine' : 'data plane'}, which this run does not have`, `已跳过：需要${action.needs === 'docker' ? ' Docker 引擎' : '数据平面'}，本次运行没有`) };
  }
  const cmd = splitCommand(renderTemplate(action.run, deps.vars));
  if (deps.commands === false || (deps.commands === 'docker' && cmd.tool !== 'docker')) {
    return { status: 'skipped', output: say('skipped: command execution is turned off for this run', '已跳过：本次运行关闭了命令执行') };
  }
  const leftover = leftoverRunPod(cmd);
  if (leftover) await deleteAndWait({ apiVersion: 'v1', kind: 'Pod', ...leftover }, deps);
  const exec = () => {
    deps.log(`$ ${cmd.tool} ${cmd.args.join(' ')}`);
    return deps.tools.run(cmd.tool, execArgs(cmd, deps.kubeconfig, deps.lab.dir), {
      allowFailure: true,
      timeoutMs: Math.max(COMMAND_TIMEOUT_MS * deps.timeoutScale, (ownTimeoutMs(cmd) ?? 0) + OWN_TIMEOUT_MARGIN_MS),
      signal: deps.signal,
      onLine: (line) => deps.log(line),
    });
  };
  let out = await exec();
  const rerun = rerunReason(cmd, out, say);
  if (rerun) return { status: 'done', output: `${outputExcerpt(out)}\n(${rerun})` };
  // What the output must show may name this cluster's values ({{ingressDeployment}}).
  const expect = action.expect ? renderDeep(action.expect, deps.vars) : undefined;
  // A `get` can look a moment before the cluster has converged (a Service's status, an
  // EndpointSlice), and a one-off client pod (`kubectl run --rm … -- curl`) may start a moment
  // before kube-proxy or the CNI has programmed its path; like a check, each gets the settle
  // window before its expectation fails. The client pod is removed before each new attempt.
  const holds = (o: typeof out) => unmetExpectations(expect, o, say).length === 0;
  const verb = cmd.tool === 'kubectl' ? kubectlShape(cmd.args).verb : '';
  const again = verb === 'run' && leftover ? async () => (await deleteAndWait({ apiVersion: 'v1', kind: 'Pod', ...leftover }, deps), exec()) : exec;
  if (expect && (verb === 'get' || (verb === 'run' && leftover)) && !holds(out)) {
    out = await settleWithBackoff(out, holds, again, { timeoutMs: SETTLE_MS * deps.timeoutScale, signal: deps.signal });
    if (deps.signal.aborted) throw cancelled(); // cut short by Cancel: not a failed expectation
  }
  const excerpt = outputExcerpt(out);
  const unmet = unmetExpectations(expect, out, say);
  if (unmet.length === 0) return { status: 'done', output: excerpt };
  return { status: 'failed', output: `${unmet.join('; ')}\n${excerpt}` };
}

async function record(r: Extract<LabAction, { record: unknown }>['record'], deps: ActionDeps): Promise<ActionOutcome> {
  const { say } = deps;
  const svc = await deps.client.get('v1', 'Service', r.service.name, r.service.namespace);
  if (!svc) return { status: 'failed', output: say(`Service ${r.service.namespace}/${r.service.name} does not exist`, `Service ${r.service.namespace}/${r.service.name} 不存在`) };
  const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: { port: number; nodePort?: number }[] };
  const value =
    r.field === 'nodePort' ? spec.ports?.find((p) => p.port === r.service.port)?.nodePort : r.field === 'clusterIP' ? spec.clusterIP : loadBalancerAddress(svc);
  if (value === undefined || value === null || value === '') {
    return { status: 'failed', output: say(`Service ${r.service.name} has no ${r.field} for port ${r.service.port} yet`, `Service ${r.service.name} 的端口 ${r.service.port} 还没有 ${r.field}`) };
  }
  await deps.state.set(deps.lab.id, r.key, String(value));
  return { status: 'done', output: `${r.key} = ${String(value)}` };
}

/**
 * LoadBalancer addresses come from MetalLB's controller, which is a pod: without a data plane
 * (the control-plane tier runs no containers) nothing ever assigns one.
 */
function needsLoadBalancerController(action: LabAction): boolean {
  return ('wait' in action && action.wait.condition === 'loadBalancerIP') || ('record' in action && action.record.field === 'loadBalancerIP');
}

async function execute(action: LabAction, deps: ActionDeps): Promise<ActionOutcome> {
  if (!deps.dataPlane && needsLoadBalancerController(action)) {
    return { status: 'skipped', output: deps.say("skipped: LoadBalancer addresses come from MetalLB's controller, a pod, and this run has no running pods", '已跳过：LoadBalancer 地址由 MetalLB 控制器（一个 Pod）分配，而本次运行没有真正运行的 Pod') };
  }
  if ('apply' in action) return applyManifest(action.apply, deps);
  if ('run' in action) return runCommand(action, deps);
  if ('wait' in action) {
    const w = action.wait;
    await waitForRef(w, w.condition, w.timeoutSeconds * 1000 * deps.timeoutScale, deps);
    return { status: 'done', output: deps.say(`${w.kind} ${w.name}: ${w.condition}`, `${w.kind} ${w.name}：${w.condition}`) };
  }
  if ('delete' in action) {
    const existed = await deleteAndWait(action.delete, deps);
    return { status: 'done', output: existed ? deps.say('deleted', '已删除') : deps.say('was already gone', '本来就不存在') };
  }
  if ('deleteManifest' in action) return deleteManifest(action.deleteManifest, deps);
  if ('waitDataPlane' in action || 'waitClusterDns' in action) return recoveryGate(action, deps);
  return record(action.record, deps);
}

/** The waits for a node (and DNS) to come back after a stop; they need Docker and pods that really run. */
async function recoveryGate(action: Extract<LabAction, { waitDataPlane: unknown } | { waitClusterDns: unknown }>, deps: ActionDeps): Promise<ActionOutcome> {
  const { say } = deps;
  if (!deps.dataPlane) {
    return {
      status: 'skipped',
      output: say('skipped: this waits for a restarted node and its pods to really run again, and this run has no data plane', '已跳过：此操作等待重启的节点及其 Pod 真正恢复运行，而本次运行没有数据平面'),
    };
  }
  const rdeps = {
    client: deps.client,
    tools: deps.tools,
    probes: deps.probes,
    vars: deps.vars,
    say,
    state: deps.state,
    labId: deps.lab.id,
    signal: deps.signal,
    timeoutScale: deps.timeoutScale,
    log: deps.log,
    progress: deps.progress,
  };
  if ('waitDataPlane' in action) return { status: 'done', output: await waitForDataPlane(action.waitDataPlane, rdeps) };
  return { status: 'done', output: await waitForClusterDns(action.waitClusterDns.timeoutSeconds, rdeps) };
}

/** Runs one action; failures become an outcome with the reason, cancellation propagates. */
export async function runAction(action: LabAction, deps: ActionDeps): Promise<ActionOutcome> {
  try {
    return await execute(action, deps);
  } catch (err) {
    if (isCancellation(err) || deps.signal.aborted) throw err;
    if (err instanceof KindlabError) {
      const f = err.failure;
      return { status: 'failed', output: [f.message, f.hint, ...(f.diagnostics ?? [])].map(fromText).filter(Boolean).join('\n') };
    }
    return { status: 'failed', output: err instanceof Error ? err.message : String(err) };
  }
}
