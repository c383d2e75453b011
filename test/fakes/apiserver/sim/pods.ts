// The scheduler and the kubelets: pods get a node, wait for the network (unless hostNetwork),
// mount their Secrets/ConfigMaps, pull their images (or fail to, per the scenario), start,
// and — for Job pods and probe pods — finish.
import { type ImagePullFault, asList } from '../../scenario.ts';
import { runPodCommand } from '../dataplane/commands.ts';
import { pullMessage } from './pull-messages.ts';
import { type Json, type KObj, hexId, nowIso } from '../util.ts';
import { type Condition, HANG_NAMESPACES, type SimContext, conditions, fullImage, isTerminal } from './context.ts';
import { NOT_READY_MSG, cniReady, nodeIP, nodeIndex, nodes, unfit } from './nodes.ts';

const PROBE_LABEL = 'kindlab.io/probe';

function containerNames(pod: KObj): string[] {
  return (pod.spec?.containers ?? []).map((c: Json) => c.name as string);
}

function schedule(ctx: SimContext, pod: KObj): void {
  const all = nodes(ctx);
  const reasons = new Map<string, number>();
  const feasible = all.filter((n) => {
    const r = unfit(ctx, pod.spec ?? {}, n);
    if (r) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    return !r;
  });
  const ns = pod.metadata.namespace ?? 'default';
  if (feasible.length === 0) {
    const parts = [...reasons.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${n} node(s) ${r}`);
    const msg = `0/${all.length} nodes are available: ${parts.join(', ')}. preemption: 0/${all.length} nodes are available: ${all.length} Preemption is not helpful for scheduling.`;
    ctx.store.update('v1', 'Pod', pod.metadata.name, ns, (p) => {
      p.status = { ...p.status, phase: 'Pending', conditions: conditions(p.status?.conditions, [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg }], ['lastProbeTime', 'lastTransitionTime']) };
    });
    if (all.length && ctx.once(`failed-scheduling:${pod.metadata.uid}:${msg}`)) ctx.event(pod, 'Warning', 'FailedScheduling', msg, 'default-scheduler');
    return;
  }
  const load = (n: KObj) => ctx.store.list('v1', 'Pod').filter((p) => p.spec?.nodeName === n.metadata.name && !isTerminal(p)).length;
  const chosen = [...feasible].sort((a, b) => load(a) - load(b) || nodeIndex(b) - nodeIndex(a))[0];
  if (!chosen) return;
  ctx.store.update('v1', 'Pod', pod.metadata.name, ns, (p) => {
    p.spec.nodeName = chosen.metadata.name;
  });
  ctx.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${pod.metadata.name} to ${chosen.metadata.name}`, 'default-scheduler');
}

function baseConditions(ready: boolean, started: boolean, pod: KObj, reason = 'ContainersNotReady'): Condition[] {
  const names = containerNames(pod).join(' ');
  const notReady = reason === 'PodCompleted' ? undefined : `containers with unready status: [${names}]`;
  return [
    { type: 'PodReadyToStartContainers', status: started ? 'True' : 'False' },
    { type: 'Initialized', status: 'True' },
    ready ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason, ...(notReady ? { message: notReady } : {}) },
    ready ? { type: 'ContainersReady', status: 'True' } : { type: 'ContainersReady', status: 'False', reason, ...(notReady ? { message: notReady } : {}) },
    { type: 'PodScheduled', status: 'True' },
  ];
}

function setStatus(ctx: SimContext, pod: KObj, fn: (status: Json) => Json): void {
  const cur = ctx.store.get('v1', 'Pod', pod.metadata.name, pod.metadata.namespace);
  if (cur) ctx.store.setStatus('v1', 'Pod', pod.metadata.name, pod.metadata.namespace, fn(cur.status ?? {}));
}

/**
 * A pod whose containers do not run yet. With `sandbox` its network namespace is up (the CNI gave
 * it an address), as while a real kubelet pulls the images or backs off pulling them: the pod has
 * its podIP and PodReadyToStartContainers is True (seen on a real kind node: an ImagePullBackOff
 * pod with 10.240.1.10, and its Service's EndpointSlice lists the address as not ready). Without
 * it (CNI not ready, a volume that cannot be mounted, a hang before the sandbox) it has neither.
 */
function waiting(ctx: SimContext, pod: KObj, node: KObj, reason: string, message?: string, sandbox = false): void {
  let ip: string | undefined;
  if (sandbox) {
    const rt = ctx.runtime(pod);
    rt.ip = pod.spec?.hostNetwork ? nodeIP(node) : (rt.ip ?? ctx.allocatePodIP(nodeIndex(node)));
    ip = rt.ip;
  }
  setStatus(ctx, pod, (s) => ({
    ...s,
    phase: 'Pending',
    conditions: conditions(s.conditions, baseConditions(false, sandbox, pod), ['lastProbeTime', 'lastTransitionTime']),
    hostIP: nodeIP(node),
    hostIPs: [{ ip: nodeIP(node) }],
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    startTime: s.startTime ?? nowIso(),
    containerStatuses: (pod.spec?.containers ?? []).map((c: Json) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason, ...(message ? { message } : {}) } },
      lastState: {},
      volumeMounts: c.volumeMounts ?? [],
    })),
  }));
}

function missingVolume(ctx: SimContext, pod: KObj): string | null {
  const ns = pod.metadata.namespace;
  for (const v of pod.spec?.volumes ?? []) {
    if (v.secret && !v.secret.optional && !ctx.store.get('v1', 'Secret', v.secret.secretName, ns)) return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
    if (v.configMap && !v.configMap.optional && !ctx.store.get('v1', 'ConfigMap', v.configMap.name, ns)) return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
  }
  return null;
}

function hung(ctx: SimContext, pod: KObj): boolean {
  const phase = ctx.scenario().faults?.hang?.phase;
  return !!phase && (HANG_NAMESPACES[phase] ?? []).includes(pod.metadata.namespace ?? '');
}

function pullFault(ctx: SimContext, pod: KObj): { fault: ImagePullFault; image: string; message: string } | null {
  for (const f of asList(ctx.scenario().faults?.imagePullBackOff)) {
    if (f.namespace !== pod.metadata.namespace) continue;
    if (f.podPrefix && !pod.metadata.name.startsWith(f.podPrefix)) continue;
    const c = (pod.spec?.containers ?? []).find((x: Json) => !f.image || String(x.image).includes(f.image));
    if (c) return { fault: f, image: String(c.image), message: f.message ?? pullMessage(f.kind ?? 'network', String(c.image)) };
  }
  return null;
}

function start(ctx: SimContext, pod: KObj, node: KObj): void {
  const rt = ctx.runtime(pod);
  const hostNet = !!pod.spec?.hostNetwork;
  rt.ip = hostNet ? nodeIP(node) : (rt.ip ?? ctx.allocatePodIP(nodeIndex(node)));
  const startedAt = nowIso();
  setStatus(ctx, pod, (s) => ({
    ...s,
    phase: 'Running',
    conditions: conditions(s.conditions, baseConditions(!ctx.nodesDown.has(node.metadata.name), true, pod), ['lastProbeTime', 'lastTransitionTime']),
    hostIP: nodeIP(node),
    hostIPs: [{ ip: nodeIP(node) }],
    podIP: rt.ip,
    podIPs: [{ ip: rt.ip }],
    startTime: s.startTime ?? startedAt,
    containerStatuses: (pod.spec?.containers ?? []).map((c: Json) => ({
      name: c.name,
      image: fullImage(String(c.image)),
      imageID: `${fullImage(String(c.image)).replace(/:[^:/@]+$/, '')}@sha256:${hexId(32)}`,
      containerID: `containerd://${hexId(32)}`,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt } },
      lastState: {},
      volumeMounts: c.volumeMounts ?? [],
    })),
  }));
  const host = node.metadata.name;
  for (const c of pod.spec?.containers ?? []) {
    ctx.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in 1.204s (1.204s including waiting). Image size: 27153283 bytes.`, 'kubelet', host);
    // kubelet v1.35's wording (recorded on a real kind node).
    ctx.event(pod, 'Normal', 'Created', 'Container created', 'kubelet', host);
    ctx.event(pod, 'Normal', 'Started', 'Container started', 'kubelet', host);
  }
  if (pod.metadata.labels?.[PROBE_LABEL] !== undefined) {
    const fresh = ctx.store.get('v1', 'Pod', pod.metadata.name, pod.metadata.namespace) ?? pod;
    rt.result = runPodCommand(ctx, fresh);
  }
}

function terminate(ctx: SimContext, pod: KObj, exitCode: number): void {
  const finishedAt = nowIso();
  setStatus(ctx, pod, (s) => ({
    ...s,
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: conditions(s.conditions, baseConditions(false, false, pod, 'PodCompleted'), ['lastProbeTime', 'lastTransitionTime']),
    containerStatuses: (s.containerStatuses ?? []).map((cs: Json) => ({
      ...cs,
      ready: false,
      started: false,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: cs.state?.running?.startedAt ?? finishedAt, finishedAt, containerID: cs.containerID } },
    })),
  }));
}

function setReady(ctx: SimContext, pod: KObj, ready: boolean): void {
  setStatus(ctx, pod, (s) => ({
    ...s,
    conditions: conditions(s.conditions, baseConditions(ready, true, pod), ['lastProbeTime', 'lastTransitionTime']),
    containerStatuses: (s.containerStatuses ?? []).map((cs: Json) => ({ ...cs, ready })),
  }));
}

function running(ctx: SimContext, pod: KObj, node: KObj): void {
  const uid = pod.metadata.uid ?? '';
  const down = ctx.nodesDown.has(node.metadata.name);
  const wasReady = (pod.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
  if (down === wasReady) setReady(ctx, pod, !down);
  if (down) return;
  const isJob = (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'Job');
  const rt = ctx.runtime(pod);
  if (isJob && !rt.result) {
    if (ctx.after(`finish:${uid}`, ctx.timings().jobMs)) {
      ctx.logs.set(uid, jobLog(pod));
      terminate(ctx, pod, 0);
    }
    return;
  }
  if (rt.result && !rt.result.longRunning && ctx.after(`finish:${uid}`, rt.result.durationMs)) {
    ctx.logs.set(uid, rt.result.log);
    terminate(ctx, pod, rt.result.exitCode);
  }
}

function jobLog(pod: KObj): string {
  const image = String(pod.spec?.containers?.[0]?.image ?? '');
  if (image.includes('kube-webhook-certgen')) {
    const args = (pod.spec?.containers?.[0]?.args ?? []).join(' ');
    return args.includes('patch')
      ? '{"level":"info","msg":"patching webhook configurations \'ingress-nginx-admission\' mutating=false, validating=true, failurePolicy=Fail","source":"k8s/k8s.go:118"}\n{"level":"info","msg":"Patched hook(s)","source":"k8s/k8s.go:138"}\n'
      : '{"level":"info","msg":"creating new secret","source":"cmd/create.go:28"}\n';
  }
  return '';
}

/** Runs the scheduler and every kubelet once over all pods. */
export function reconcilePods(ctx: SimContext): void {
  const t = ctx.timings();
  for (const pod of ctx.store.list('v1', 'Pod')) {
    if (isTerminal(pod) || pod.metadata.deletionTimestamp) continue;
    const uid = pod.metadata.uid ?? '';
    if (!pod.spec?.nodeName) {
      schedule(ctx, pod);
      continue;
    }
    const node = ctx.store.get('v1', 'Node', pod.spec.nodeName);
    if (!node) continue;
    const host = node.metadata.name;
    if (pod.status?.phase === 'Running') {
      running(ctx, pod, node);
      continue;
    }
    if (ctx.nodesDown.has(host)) continue;
    if (!pod.spec.hostNetwork && !cniReady(ctx, host)) {
      waiting(ctx, pod, node, 'ContainerCreating');
      if (ctx.once(`netnotready:${uid}`)) ctx.event(pod, 'Warning', 'NetworkNotReady', `network is not ready: ${NOT_READY_MSG}`, 'kubelet', host);
      continue;
    }
    if (hung(ctx, pod)) {
      waiting(ctx, pod, node, 'ContainerCreating');
      continue;
    }
    const mount = missingVolume(ctx, pod);
    if (mount) {
      waiting(ctx, pod, node, 'ContainerCreating');
      if (ctx.once(`mount:${uid}:${mount}`)) ctx.event(pod, 'Warning', 'FailedMount', mount, 'kubelet', host);
      continue;
    }
    const pf = pullFault(ctx, pod);
    if (ctx.once(`pulling:${uid}`)) for (const c of pod.spec.containers ?? []) ctx.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, 'kubelet', host);
    if (pf) {
      const { fault, image, message } = pf;
      const backoff = fault.reason === 'ImagePullBackOff' && ctx.after(`backoff:${uid}`, t.imagePullMs);
      if (ctx.once(`pullfail:${uid}`)) {
        ctx.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`, 'kubelet', host);
        ctx.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', host);
      }
      if (backoff) {
        if (ctx.once(`backoff-ev:${uid}`)) {
          ctx.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, 'kubelet', host);
          ctx.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', host);
        }
        waiting(ctx, pod, node, 'ImagePullBackOff', `Back-off pulling image "${image}": ErrImagePull: ${message}`, true);
      } else waiting(ctx, pod, node, 'ErrImagePull', message, true);
      continue;
    }
    waiting(ctx, pod, node, 'ContainerCreating', undefined, true);
    if (ctx.after(`start:${uid}`, t.podStartMs)) start(ctx, pod, node);
  }
}
