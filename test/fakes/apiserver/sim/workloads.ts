// The workload controllers: Deployment → ReplicaSet → Pods, DaemonSet → a pod per node,
// StatefulSet → ordinal pods, Job → a pod that completes; each keeps its status current.
import { type Json, type KObj, clone, nowIso, randomSuffix, stableHash } from '../util.ts';
import { type Condition, type SimContext, conditions, isReady, isTerminal, ownedBy, ownerRef } from './context.ts';
import { nodes, unfit } from './nodes.ts';

function podsOf(ctx: SimContext, owner: KObj): KObj[] {
  return ctx.store.list('v1', 'Pod', owner.metadata.namespace).filter((p) => ownedBy(p, owner));
}

function live(pods: KObj[]): KObj[] {
  return pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
}

function newPod(ctx: SimContext, owner: KObj, template: Json, name: string, extraLabels: Record<string, string>, spec: Json = {}): KObj {
  return ctx.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
      ...(template?.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...clone(template?.spec ?? {}), ...spec },
  });
}

function deletePod(ctx: SimContext, pod: KObj): void {
  const t = ctx.store.type('v1', 'Pod');
  if (t) ctx.store.remove(t, pod.metadata.namespace, pod.metadata.name);
}

function setStatus(ctx: SimContext, obj: KObj, status: Json): void {
  ctx.store.setStatus(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, status);
}

/** Parses "25%" or 1 against a replica count, rounding down like maxUnavailable. */
function scaled(v: Json, replicas: number): number {
  if (typeof v === 'string' && v.endsWith('%')) return Math.floor((replicas * Number(v.slice(0, -1))) / 100);
  return Number(v ?? 0) || 0;
}

// ── ReplicaSets ──

function reconcileReplicaSet(ctx: SimContext, rs: KObj): void {
  const want = rs.spec?.replicas ?? 1;
  const pods = live(podsOf(ctx, rs));
  for (let i = pods.length; i < want; i++) newPod(ctx, rs, rs.spec.template, `${rs.metadata.name}-${randomSuffix()}`, {});
  if (pods.length > want) {
    const extra = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b))).slice(0, pods.length - want);
    for (const p of extra) deletePod(ctx, p);
  }
  const now = live(podsOf(ctx, rs));
  const ready = now.filter(isReady).length;
  setStatus(ctx, rs, {
    replicas: now.length,
    fullyLabeledReplicas: now.length,
    readyReplicas: ready,
    availableReplicas: ready,
    terminatingReplicas: 0,
    observedGeneration: rs.metadata.generation ?? 1,
  });
}

// ── Deployments ──

function reconcileDeployment(ctx: SimContext, d: KObj): void {
  const ns = d.metadata.namespace;
  const want = d.spec?.replicas ?? 1;
  const template = d.spec?.template ?? {};
  const hash = stableHash(template);
  const sets = ctx.store.list('apps/v1', 'ReplicaSet', ns).filter((rs) => ownedBy(rs, d));
  let current = sets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const revision = Math.max(0, ...sets.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
  if (!current) {
    const tpl = clone(template);
    tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash } };
    current = ctx.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: ns,
        labels: tpl.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(want),
          'deployment.kubernetes.io/max-replicas': String(want + Math.ceil(want * 0.25)),
          'deployment.kubernetes.io/revision': String(revision + 1),
        },
        ownerReferences: [ownerRef(d)],
      },
      spec: {
        replicas: want,
        selector: { ...(d.spec?.selector ?? {}), matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
        template: tpl,
      },
    });
  } else if (current.spec?.replicas !== want) {
    current = ctx.store.update('apps/v1', 'ReplicaSet', current.metadata.name, ns, (rs) => {
      rs.spec.replicas = want;
      rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(want) };
    });
  }
  for (const old of sets) {
    if (old.metadata.uid !== current?.metadata.uid && (old.spec?.replicas ?? 0) !== 0) {
      ctx.store.update('apps/v1', 'ReplicaSet', old.metadata.name, ns, (rs) => {
        rs.spec.replicas = 0;
      });
    }
  }
  for (const rs of ctx.store.list('apps/v1', 'ReplicaSet', ns).filter((x) => ownedBy(x, d))) reconcileReplicaSet(ctx, rs);

  const all = live(ctx.store.list('v1', 'Pod', ns).filter((p) => sets.some((rs) => ownedBy(p, rs)) || (current && ownedBy(p, current))));
  const fresh = current ? live(podsOf(ctx, current)) : [];
  const ready = all.filter(isReady).length;
  const updated = fresh.length;
  const available = ready;
  const minAvailable = want - scaled(d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%', want);
  const rsName = current?.metadata.name ?? d.metadata.name;
  const complete = updated === want && fresh.filter(isReady).length === want && all.length === want;
  const conds: Condition[] = [
    available >= minAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
    complete
      ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }
      : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` },
  ];
  setStatus(ctx, d, {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: all.length,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    ...(all.length - available > 0 ? { unavailableReplicas: all.length - available } : {}),
    terminatingReplicas: 0,
    conditions: conditions(d.status?.conditions, conds, ['lastUpdateTime', 'lastTransitionTime']),
  });
  if (current && ctx.store.get('apps/v1', 'Deployment', d.metadata.name, ns)?.metadata.annotations?.['deployment.kubernetes.io/revision'] !== current.metadata.annotations?.['deployment.kubernetes.io/revision']) {
    ctx.store.update('apps/v1', 'Deployment', d.metadata.name, ns, (x) => {
      x.metadata.annotations = { ...(x.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': current?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1' };
    });
  }
  if (current && ctx.once(`scaled:${current.metadata.uid}`)) {
    ctx.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${current.metadata.name} from 0 to ${want}`, 'deployment-controller');
  }
}

// ── DaemonSets ──

const DS_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function reconcileDaemonSet(ctx: SimContext, ds: KObj): void {
  const template = ds.spec?.template ?? {};
  const spec = template.spec ?? {};
  const tolerations = [...(spec.tolerations ?? []), ...DS_TOLERATIONS, ...(spec.hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : [])];
  const hash = stableHash(template);
  const eligible = nodes(ctx).filter((n) => !unfit(ctx, { ...spec, tolerations }, n, { ports: true }));
  const pods = live(podsOf(ctx, ds));
  for (const n of eligible) {
    if (pods.some((p) => p.spec?.nodeName === n.metadata.name)) continue;
    newPod(ctx, ds, template, `${ds.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, { nodeName: n.metadata.name, tolerations });
  }
  for (const p of pods) if (!eligible.some((n) => n.metadata.name === p.spec?.nodeName)) deletePod(ctx, p);
  const now = live(podsOf(ctx, ds));
  const ready = now.filter(isReady).length;
  setStatus(ctx, ds, {
    currentNumberScheduled: now.length,
    desiredNumberScheduled: eligible.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    ...(eligible.length - ready > 0 ? { numberUnavailable: eligible.length - ready } : {}),
    updatedNumberScheduled: now.length,
    observedGeneration: ds.metadata.generation ?? 1,
  });
}

// ── StatefulSets ──

function reconcileStatefulSet(ctx: SimContext, sts: KObj): void {
  const want = sts.spec?.replicas ?? 1;
  const name = sts.metadata.name;
  const hash = `${name}-${stableHash(sts.spec?.template ?? {}, 10)}`;
  const parallel = sts.spec?.podManagementPolicy === 'Parallel';
  const pods = live(podsOf(ctx, sts));
  for (let i = 0; i < want; i++) {
    const podName = `${name}-${i}`;
    if (pods.some((p) => p.metadata.name === podName)) continue;
    if (ctx.store.get('v1', 'Pod', podName, sts.metadata.namespace)) break;
    if (!parallel && i > 0 && !isReady(pods.find((p) => p.metadata.name === `${name}-${i - 1}`))) break;
    newPod(
      ctx,
      sts,
      sts.spec?.template,
      podName,
      { 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': hash, 'statefulset.kubernetes.io/pod-name': podName },
      { hostname: podName, ...(sts.spec?.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
    );
    if (!parallel) break;
  }
  for (const p of pods) {
    const idx = Number(p.metadata.name.slice(name.length + 1));
    if (idx >= want) deletePod(ctx, p);
  }
  const now = live(podsOf(ctx, sts));
  const ready = now.filter(isReady).length;
  setStatus(ctx, sts, {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: now.length,
    readyReplicas: ready,
    currentReplicas: now.length,
    updatedReplicas: now.length,
    availableReplicas: ready,
    currentRevision: hash,
    updateRevision: hash,
    collisionCount: 0,
  });
}

// ── Jobs ──

function reconcileJob(ctx: SimContext, job: KObj): void {
  const pods = podsOf(ctx, job);
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  const active = live(pods);
  const completions = job.spec?.completions ?? 1;
  const done = succeeded >= completions;
  const gaveUp = failed > (job.spec?.backoffLimit ?? 6);
  if (!done && !gaveUp && active.length === 0 && !job.spec?.suspend) {
    newPod(ctx, job, job.spec?.template, `${job.metadata.name}-${randomSuffix()}`, {});
  }
  const prev = job.status ?? {};
  const conds: Condition[] = done
    ? [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
      ]
    : gaveUp
      ? [
          { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
        ]
      : [];
  const nowActive = live(podsOf(ctx, job));
  setStatus(ctx, job, {
    ...(conds.length ? { conditions: conditions(prev.conditions, conds, ['lastProbeTime', 'lastTransitionTime']) } : {}),
    startTime: prev.startTime ?? job.metadata.creationTimestamp,
    ...(done ? { completionTime: prev.completionTime ?? nowIso() } : {}),
    ...(nowActive.length ? { active: nowActive.length } : {}),
    ...(succeeded ? { succeeded } : {}),
    ...(failed ? { failed } : {}),
    ready: nowActive.filter(isReady).length,
    terminating: 0,
    uncountedTerminatedPods: {},
  });
  if (done && ctx.once(`job-done:${job.metadata.uid}`)) ctx.event(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
  // On every pass, not once: the real patch job fails and is retried until the webhook
  // configuration exists, and a manifest applied object by object may create it after the job ran.
  if (done) jobSideEffects(ctx, job);
}

/** What the ingress-nginx certgen jobs leave behind: the admission Secret and the webhook's CA bundle. */
function jobSideEffects(ctx: SimContext, job: KObj): void {
  const ns = job.metadata.namespace;
  if (job.metadata.name === 'ingress-nginx-admission-create' && !ctx.store.get('v1', 'Secret', 'ingress-nginx-admission', ns)) {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    ctx.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ingress-nginx-admission', namespace: ns }, type: 'Opaque', data: { ca: b64('fake-ca'), cert: b64('fake-cert'), key: b64('fake-key') } });
  }
  if (job.metadata.name === 'ingress-nginx-admission-patch') {
    const vwc = ctx.store.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'ingress-nginx-admission');
    const caBundle = Buffer.from('fake-ca').toString('base64');
    // Only while a webhook still lacks it: an unchanged object is not written again (no new resourceVersion).
    if (!vwc || (vwc.webhooks ?? []).every((wh: { clientConfig?: { caBundle?: string } }) => wh.clientConfig?.caBundle === caBundle)) return;
    ctx.store.update('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'ingress-nginx-admission', undefined, (v) => {
      for (const wh of v.webhooks ?? []) wh.clientConfig = { ...wh.clientConfig, caBundle };
    });
  }
}

export function reconcileWorkloads(ctx: SimContext): void {
  for (const d of ctx.store.list('apps/v1', 'Deployment')) reconcileDeployment(ctx, d);
  for (const rs of ctx.store.list('apps/v1', 'ReplicaSet')) if (!(rs.metadata.ownerReferences ?? []).length) reconcileReplicaSet(ctx, rs);
  for (const ds of ctx.store.list('apps/v1', 'DaemonSet')) reconcileDaemonSet(ctx, ds);
  for (const sts of ctx.store.list('apps/v1', 'StatefulSet')) reconcileStatefulSet(ctx, sts);
  for (const job of ctx.store.list('batch/v1', 'Job')) reconcileJob(ctx, job);
}
