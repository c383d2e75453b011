// What every simulated controller gets: the store, the scenario's timings, one-shot timers that
// re-run the reconcile loop when they fire, and helpers for events and conditions.
import type { Scenario, Timings } from '../../scenario.ts';
import type { Admission, ClusterInfo } from '../admission.ts';
import type { FakeStore } from '../store.ts';
import { type Json, type KObj, clone, hexId, nowIso } from '../util.ts';

export interface PodRuntime {
  ip?: string;
  /** Result of a probe pod's command, computed when it starts. */
  result?: { exitCode: number; log: string; durationMs: number; longRunning: boolean };
}

export class SimContext {
  private readonly deadlines = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The pending wake-up timer of each deadline not yet reached. */
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  private readonly emitted = new Set<string>();
  readonly pods = new Map<string, PodRuntime>();
  readonly logs = new Map<string, string>();
  /** Node containers stopped with `docker stop`. */
  readonly nodesDown = new Set<string>();
  private readonly nextHost = new Map<string, number>();
  /** Round-robin position per Service, for load-balanced connections. */
  readonly rr = new Map<string, number>();
  /** Event name per involved object, reason and message (the recorder's aggregation key). */
  private readonly eventNames = new Map<string, string>();

  constructor(
    readonly store: FakeStore,
    readonly admission: Admission,
    readonly scenario: () => Scenario,
    readonly timings: () => Timings,
    readonly cluster: () => ClusterInfo | null,
    private readonly kick: () => void,
  ) {}

  /** True once `ms` have passed since the first call with this key; schedules a re-run until then. */
  after(key: string, ms: number): boolean {
    const now = Date.now();
    let due = this.deadlines.get(key);
    if (due === undefined) {
      due = now + Math.max(0, ms);
      this.deadlines.set(key, due);
      if (ms <= 0) return true;
    }
    if (now >= due) return true;
    // A timer may fire a millisecond before Date.now() reaches the deadline (timers run on a
    // monotonic clock): then this pass is still early, and without a new timer nothing would
    // ever wake the loop again. So every early look makes sure a wake-up is pending.
    if (!this.wakeups.has(key)) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.wakeups.delete(key);
        this.kick();
      }, due - now + 1);
      t.unref?.();
      this.timers.add(t);
      this.wakeups.set(key, t);
    }
    return false;
  }

  forget(prefix: string): void {
    for (const k of this.deadlines.keys()) if (k.startsWith(prefix)) this.deadlines.delete(k);
    for (const [k, t] of this.wakeups) {
      if (!k.startsWith(prefix)) continue;
      clearTimeout(t);
      this.timers.delete(t);
      this.wakeups.delete(k);
    }
  }

  /** True the first time a key is seen (for one-off events and side effects). */
  once(key: string): boolean {
    if (this.emitted.has(key)) return false;
    this.emitted.add(key);
    return true;
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wakeups.clear();
    this.deadlines.clear();
    this.emitted.clear();
    this.pods.clear();
    this.logs.clear();
    this.nodesDown.clear();
    this.nextHost.clear();
    this.rr.clear();
    this.eventNames.clear();
  }

  runtime(pod: KObj): PodRuntime {
    const uid = pod.metadata.uid ?? '';
    let r = this.pods.get(uid);
    if (!r) {
      r = {};
      this.pods.set(uid, r);
    }
    return r;
  }

  /** Next pod IP on a node: <podSubnet a.b>.<node index>.<n>. */
  allocatePodIP(nodeIndex: number): string {
    const base = (this.cluster()?.podSubnet ?? '10.240.0.0/16').split('.').slice(0, 2).join('.');
    const used = new Set(this.store.list('v1', 'Pod').map((p) => p.status?.podIP));
    for (let i = 0; i < 250; i++) {
      const n = ((this.nextHost.get(String(nodeIndex)) ?? 1) % 253) + 1;
      this.nextHost.set(String(nodeIndex), n);
      const ip = `${base}.${nodeIndex}.${n + 1}`;
      if (!used.has(ip)) return ip;
    }
    return `${base}.${nodeIndex}.254`;
  }

  /** Creates an object the way a controller would: through defaulting, without webhooks. */
  create(obj: KObj): KObj {
    const t = this.store.type(obj.apiVersion, obj.kind);
    if (!t) throw new Error(`fake sim: ${obj.apiVersion} ${obj.kind} not served`);
    const draft = clone(obj);
    this.admission.prepare(t, draft, undefined);
    return this.store.insert(t, draft);
  }

  /** Records a core v1 Event; repeats of the same one raise its count, like the real recorder. */
  event(involved: KObj, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void {
    const ns = involved.metadata.namespace ?? 'default';
    const key = `${involved.metadata.uid}|${reason}|${message}`;
    const known = this.eventNames.get(key);
    const now = nowIso();
    if (known && this.store.get('v1', 'Event', known, ns)) {
      this.store.update('v1', 'Event', known, ns, (e) => {
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
      });
      return;
    }
    const name = `${involved.metadata.name}.${hexId(8)}`;
    this.eventNames.set(key, name);
    this.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(involved.kind === 'Pod' && involved.spec?.containers?.[0] && reason !== 'Scheduled' && reason !== 'FailedScheduling'
          ? { fieldPath: `spec.containers{${involved.spec.containers[0].name}}` }
          : {}),
      },
      reason,
      message,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
  }
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** Merges new conditions over old ones, keeping transition times when the status did not change. */
export function conditions(prev: Json[] | undefined, next: Condition[], times: ('lastTransitionTime' | 'lastUpdateTime' | 'lastProbeTime' | 'lastHeartbeatTime')[] = ['lastTransitionTime']): Json[] {
  const now = nowIso();
  return next.map((c) => {
    const old = (prev ?? []).find((p: Json) => p.type === c.type);
    const out: Json = { ...c };
    for (const t of times) {
      if (t === 'lastProbeTime') out[t] = old?.[t] ?? null;
      else out[t] = old && old.status === c.status && (t === 'lastTransitionTime' || old.reason === c.reason) ? old[t] : now;
    }
    return out;
  });
}

export function ownerRef(owner: KObj): Json {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function ownedBy(obj: KObj, owner: KObj): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

export function isReady(obj: KObj | undefined): boolean {
  return !!obj && (obj.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminal(pod: KObj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** docker.io/library/nginx:1.30 for "nginx:1.30", the way containerd reports images. */
export function fullImage(image: string): string {
  let ref = image;
  if (!/[:@]/.test(ref.split('/').pop() ?? '')) ref += ':latest';
  const first = ref.split('/')[0] ?? '';
  if (!ref.includes('/')) return `docker.io/library/${ref}`;
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return `docker.io/${ref}`;
  return ref;
}

/** Labels of the add-on namespaces a HangFault freezes. */
export const HANG_NAMESPACES: Record<string, string[]> = {
  calico: ['calico-system', 'calico-apiserver'],
  ingress: ['ingress-nginx', 'traefik'],
  metallb: ['metallb-system'],
};
