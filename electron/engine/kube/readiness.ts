// What "ready" means for each kind of object, as pure functions over API objects, plus the
// pod problems worth naming early (image pulls, crash loops, unschedulable pods).
import type { LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeObject } from './client.ts';
import type { Verdict } from './wait.ts';

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditions(o: KubeObject): Condition[] {
  const c = (o as Obj).status?.conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function hasCondition(o: KubeObject, type: string, status = 'True'): boolean {
  return conditions(o).some((c) => c.type === type && c.status === status);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function deploymentReady(o: KubeObject): boolean {
  const spec = (o as Obj).spec ?? {};
  const st = (o as Obj).status ?? {};
  const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const gen = num(o.metadata.generation as number);
  return num(st.observedGeneration) >= gen && num(st.updatedReplicas) >= want && num(st.availableReplicas) >= want && num(st.readyReplicas) >= want;
}

export function daemonSetReady(o: KubeObject): boolean {
  const st = (o as Obj).status ?? {};
  const want = num(st.desiredNumberScheduled);
  return want > 0 && num(st.numberReady) >= want && num(st.updatedNumberScheduled) >= want;
}

export function statefulSetReady(o: KubeObject): boolean {
  const want = typeof (o as Obj).spec?.replicas === 'number' ? ((o as Obj).spec?.replicas as number) : 1;
  return num((o as Obj).status?.readyReplicas) >= want;
}

export function jobComplete(o: KubeObject): boolean {
  return hasCondition(o, 'Complete') || num((o as Obj).status?.succeeded) > 0;
}

export function podReady(o: KubeObject): boolean {
  return (o as Obj).status?.phase === 'Running' && hasCondition(o, 'Ready');
}

export function nodeReady(o: KubeObject): boolean {
  return hasCondition(o, 'Ready');
}

export function crdEstablished(o: KubeObject): boolean {
  return hasCondition(o, 'Established');
}

export function tigeraAvailable(o: KubeObject): boolean {
  return hasCondition(o, 'Available') && !hasCondition(o, 'Degraded');
}

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
}

export function sliceEndpoints(slice: KubeObject): SliceEndpoint[] {
  const e = (slice as unknown as { endpoints?: SliceEndpoint[] }).endpoints;
  return Array.isArray(e) ? e : [];
}

export function slicePorts(slice: KubeObject): SlicePort[] {
  const p = (slice as unknown as { ports?: SlicePort[] }).ports;
  return Array.isArray(p) ? p : [];
}

/** Ready addresses across all EndpointSlices of one Service (a ready endpoint's ready is true or absent). */
export function readyAddresses(slices: KubeObject[]): string[] {
  const out = new Set<string>();
  for (const s of slices) for (const e of sliceEndpoints(s)) if (e.conditions?.ready !== false) e.addresses.forEach((a) => out.add(a));
  return [...out].sort();
}

// ── judges for waitFor ──

/**
 * All objects satisfy `pred` (and there are at least `minCount`). `noun` names them in the
 * progress line, in both languages when given as a LocalizedText ({ en: 'nodes', zh: '节点' }).
 */
export function allOf(pred: (o: KubeObject) => boolean, noun: string | LocalizedText, minCount = 1): (objs: KubeObject[]) => Verdict {
  const n = typeof noun === 'string' ? { en: noun, zh: noun } : noun;
  // Chinese puts no space between characters, but one around a Latin word such as "Pod".
  const zhNoun = /^[A-Za-z0-9]/.test(n.zh) ? ` ${n.zh} ` : n.zh;
  return (objs) => {
    const ready = objs.filter(pred).length;
    const total = Math.max(objs.length, minCount);
    return {
      done: objs.length >= minCount && ready === objs.length,
      fraction: total ? ready / total : 0,
      message: both({ en: `${ready}/${total} ${n.en} ready`, zh: `${ready}/${total} 个${zhNoun}已就绪` }),
    };
  };
}

/** The object `name` satisfies `pred`; `noun` is its kind as shown (deployment, job, …). */
export function named(name: string, pred: (o: KubeObject) => boolean, noun: string): (objs: KubeObject[]) => Verdict {
  return (objs) => {
    const o = objs.find((x) => x.metadata.name === name);
    if (!o) return { done: false, fraction: 0, message: both({ en: `${noun} ${name} not created yet`, zh: `${noun} ${name} 尚未创建` }) };
    const ok = pred(o);
    return { done: ok, fraction: ok ? 1 : 0.5, message: ok ? both({ en: `${noun} ${name} ready`, zh: `${noun} ${name} 已就绪` }) : both({ en: `${noun} ${name} not ready yet`, zh: `${noun} ${name} 尚未就绪` }) };
  };
}

// ── pod problems ──

export interface PodProblem {
  pod: string;
  container: string;
  reason: string;
  message: string;
  image?: string;
}

const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CRASH_REASONS = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function podProblems(pod: KubeObject): PodProblem[] {
  const st = (pod as Obj).status ?? {};
  const out: PodProblem[] = [];
  for (const key of ['initContainerStatuses', 'containerStatuses']) {
    const list = st[key];
    if (!Array.isArray(list)) continue;
    for (const cs of list as { name: string; image?: string; state?: { waiting?: { reason?: string; message?: string } } }[]) {
      const w = cs.state?.waiting;
      if (w?.reason && (PULL_REASONS.has(w.reason) || CRASH_REASONS.has(w.reason))) {
        out.push({ pod: pod.metadata.name, container: cs.name, reason: w.reason, message: w.message ?? '', ...(cs.image ? { image: cs.image } : {}) });
      }
    }
  }
  const sched = conditions(pod).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (sched?.reason === 'Unschedulable') out.push({ pod: pod.metadata.name, container: '', reason: 'Unschedulable', message: sched.message ?? '' });
  return out;
}

export function isPullProblem(p: PodProblem): boolean {
  return PULL_REASONS.has(p.reason);
}

/** A one-line state of a pod: Running/Ready, Pending (reason), Waiting: ImagePullBackOff … */
export function podStateLine(pod: KubeObject): string {
  const st = (pod as Obj).status ?? {};
  const problems = podProblems(pod);
  const node = ((pod as Obj).spec?.nodeName as string | undefined) ?? 'unscheduled';
  if (problems.length > 0) {
    const p = problems[0] as PodProblem;
    return `${pod.metadata.namespace}/${pod.metadata.name} on ${node}: ${p.reason}${p.message ? ` — ${p.message.split('\n')[0]}` : ''}`;
  }
  const ready = podReady(pod) ? 'Ready' : 'not ready';
  return `${pod.metadata.namespace}/${pod.metadata.name} on ${node}: ${String(st.phase ?? 'Unknown')}, ${ready}`;
}
