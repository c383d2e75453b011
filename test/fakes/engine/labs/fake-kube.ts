// An in-memory KubeClient for the lab tests: objects by apiVersion/kind/namespace/name, lists
// with label and field selectors, watches that replay what exists and then push every change,
// pod logs from a map, and scripts that play a pod's life (complete a probe pod with a phase and
// a log, make a server pod Ready, leave a pod in ImagePullBackOff). No timers beyond one tick.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DeleteOptions, KubeApiError, type KubeClient, type KubeObject, type ListOptions, type ListResult, type WatchEventType } from '../../../../electron/engine/kube/client.ts';
import { matchesSelectorString } from '../../../../electron/engine/kube/labels.ts';
import { isClusterScoped } from '../../../../electron/engine/labs/manifest.ts';

export type PodScript =
  /** The pod ran its command and ended. */
  | { phase: 'Succeeded' | 'Failed'; log?: string; exitCode?: number }
  /** The pod runs and is Ready. */
  | { ready: true; podIP?: string }
  /** The pod's container waits, e.g. ImagePullBackOff. */
  | { waiting: string; message?: string };

interface Watcher {
  apiVersion: string;
  kind: string;
  opts: ListOptions;
  onEvent: (type: WatchEventType, obj: KubeObject) => void;
}

const FIXTURES = fileURLToPath(new URL('../../../fixtures/api/', import.meta.url));

/** A recorded API object (or a List of them) from test/fixtures/api. */
export function fixture(name: string): KubeObject[] {
  const parsed = JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as KubeObject & { items?: KubeObject[] };
  if (Array.isArray(parsed.items)) {
    const itemKind = parsed.kind.replace(/List$/, '');
    return parsed.items.map((i) => ({ ...i, apiVersion: i.apiVersion ?? parsed.apiVersion, kind: i.kind ?? itemKind }));
  }
  return [parsed];
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function clone<T>(o: T): T {
  return structuredClone(o);
}

export class FakeKubeClient implements KubeClient {
  readonly server = 'https://127.0.0.1:6443';
  private readonly objects = new Map<string, KubeObject>();
  private readonly watchers = new Set<Watcher>();
  private readonly podScripts: ((pod: KubeObject) => PodScript | undefined)[] = [];
  private rv = 100;
  /** Pod logs by "namespace/name". */
  readonly logs = new Map<string, string>();
  /** Every mutating call, for assertions. */
  readonly calls: { verb: 'apply' | 'create' | 'delete'; kind: string; name: string; namespace?: string; gracePeriodSeconds?: number }[] = [];
  /**
   * Deletes as a real API server does: a pod stays Terminating for its grace period (here: until
   * it is deleted again with gracePeriodSeconds 0), and a namespace stays Terminating until no pod
   * is left in it. Off by default: most tests want objects gone at once.
   */
  gracefulDeletion = false;
  /** Every list asked, as "kind selector", in order. */
  readonly listed: string[] = [];
  get listCalls(): number {
    return this.listed.length;
  }
  /** "apiVersion/kind" that the server does not serve (a CRD not installed). */
  readonly unserved = new Set<string>();
  /** Makes apply fail, e.g. with a webhook refusal. */
  applyError: ((obj: KubeObject) => Error | undefined) | undefined;

  constructor(objects: KubeObject[] = []) {
    for (const o of objects) this.put(o, false);
  }

  // ── test controls ──

  add(...objs: KubeObject[]): this {
    for (const o of objs) this.put(o, true);
    return this;
  }

  /** Replaces an object as a controller would (status updates), notifying watchers. */
  update(obj: KubeObject): void {
    this.put(obj, true);
  }

  /** The first script that answers for a created pod decides what happens to it. */
  scriptPods(script: (pod: KubeObject) => PodScript | undefined): this {
    this.podScripts.push(script);
    return this;
  }

  all(kind?: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => !kind || o.kind === kind).map(clone);
  }

  // ── KubeClient ──

  async apply(obj: KubeObject): Promise<KubeObject> {
    const err = this.applyError?.(obj);
    if (err) throw err;
    this.calls.push({ verb: 'apply', kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
    const existing = this.objects.get(this.key(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace));
    // Server-side apply leaves the status to controllers.
    const merged: KubeObject = existing ? { ...clone(obj), metadata: { ...existing.metadata, ...clone(obj.metadata) }, ...(existing.status ? { status: existing.status } : {}) } : clone(obj);
    return clone(this.put(merged, true));
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const o = clone(obj);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${randomBytes(3).toString('hex')}`;
    const ns = this.nsOf(o.kind, o.metadata.namespace);
    if (ns && !isClusterScoped(o.kind) && !this.objects.has(this.key('v1', 'Namespace', ns)) && ns !== 'default') {
      throw new KubeApiError(404, 'NotFound', `namespaces "${ns}" not found`, 'POST', `/api/v1/namespaces/${ns}`);
    }
    if (this.objects.has(this.key(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace))) {
      throw new KubeApiError(409, 'AlreadyExists', `${o.kind.toLowerCase()}s "${o.metadata.name}" already exists`, 'POST', o.kind);
    }
    this.calls.push({ verb: 'create', kind: o.kind, name: o.metadata.name, ...(ns ? { namespace: ns } : {}) });
    const stored = this.put(o, true);
    if (o.kind === 'Pod') this.playPodScript(stored);
    return clone(stored);
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | null> {
    const o = this.objects.get(this.key(apiVersion, kind, name, namespace));
    return o ? clone(o) : null;
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<ListResult> {
    this.listed.push(`${kind} ${opts.labelSelector ?? ''}`);
    const items = [...this.objects.values()].filter((o) => this.matches(o, apiVersion, kind, opts)).map(clone);
    return { items, resourceVersion: String(this.rv) };
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string, opts: DeleteOptions = {}): Promise<boolean> {
    const k = this.key(apiVersion, kind, name, namespace);
    const o = this.objects.get(k);
    if (!o) return false;
    this.calls.push({ verb: 'delete', kind, name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}) });
    if (this.gracefulDeletion) {
      this.deleteGracefully(o, k, opts.gracePeriodSeconds ?? 30);
      return true;
    }
    this.objects.delete(k);
    this.notify('DELETED', o);
    if (kind === 'Namespace') {
      for (const [key, x] of this.objects) {
        if (x.metadata.namespace === name) {
          this.objects.delete(key);
          this.notify('DELETED', x);
        }
      }
    }
    return true;
  }

  async watch(
    apiVersion: string,
    kind: string,
    opts: ListOptions & { resourceVersion?: string; timeoutSeconds?: number },
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return;
    const w: Watcher = { apiVersion, kind, opts, onEvent };
    // Replaying what exists closes the gap between the caller's list and this watch.
    for (const o of [...this.objects.values()]) if (this.matches(o, apiVersion, kind, opts)) onEvent('ADDED', clone(o));
    if (signal.aborted) return;
    this.watchers.add(w);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.watchers.delete(w);
  }

  async podLogs(namespace: string, name: string): Promise<string> {
    if (!this.objects.has(this.key('v1', 'Pod', name, namespace))) throw new KubeApiError(404, 'NotFound', `pods "${name}" not found`, 'GET', 'log');
    return this.logs.get(`${namespace}/${name}`) ?? '';
  }

  async served(apiVersion: string, kind: string): Promise<boolean> {
    return !this.unserved.has(`${apiVersion}/${kind}`);
  }

  async version(): Promise<{ gitVersion: string }> {
    return { gitVersion: 'v1.35.0' };
  }

  // ── internals ──

  private deleteGracefully(o: KubeObject, key: string, grace: number): void {
    if (o.kind === 'Pod' && grace > 0) {
      this.put({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2026-01-01T00:00:01Z' } }, true);
      return;
    }
    if (o.kind === 'Namespace') {
      this.put({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2026-01-01T00:00:01Z' } }, true);
      // The namespace controller removes the rest at once and deletes the pods with their own grace.
      for (const [k, x] of [...this.objects]) {
        if (x.metadata.namespace !== o.metadata.name) continue;
        if (x.kind === 'Pod') this.deleteGracefully(x, k, 30);
        else {
          this.objects.delete(k);
          this.notify('DELETED', x);
        }
      }
      this.finishNamespace(o.metadata.name);
      return;
    }
    this.objects.delete(key);
    this.notify('DELETED', o);
    if (o.metadata.namespace) this.finishNamespace(o.metadata.namespace);
  }

  /** A terminating namespace goes once nothing is left in it. */
  private finishNamespace(name: string): void {
    const nsKey = this.key('v1', 'Namespace', name);
    const ns = this.objects.get(nsKey);
    if (!ns?.metadata.deletionTimestamp) return;
    if ([...this.objects.values()].some((x) => x.metadata.namespace === name)) return;
    this.objects.delete(nsKey);
    this.notify('DELETED', ns);
  }

  private nsOf(kind: string, namespace: string | undefined): string | undefined {
    return isClusterScoped(kind) ? undefined : (namespace ?? 'default');
  }

  private key(apiVersion: string, kind: string, name: string, namespace?: string): string {
    return `${apiVersion}|${kind}|${this.nsOf(kind, namespace) ?? ''}|${name}`;
  }

  private put(obj: KubeObject, notify: boolean): KubeObject {
    const o = clone(obj);
    const ns = this.nsOf(o.kind, o.metadata.namespace);
    if (ns) o.metadata.namespace = ns;
    const k = this.key(o.apiVersion, o.kind, o.metadata.name, ns);
    const existed = this.objects.has(k);
    o.metadata.uid ??= randomBytes(8).toString('hex');
    o.metadata.creationTimestamp ??= '2026-01-01T00:00:00Z';
    o.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, o);
    if (notify) this.notify(existed ? 'MODIFIED' : 'ADDED', o);
    return o;
  }

  private matches(o: KubeObject, apiVersion: string, kind: string, opts: ListOptions): boolean {
    if (o.apiVersion !== apiVersion || o.kind !== kind) return false;
    if (opts.namespace && !isClusterScoped(kind) && o.metadata.namespace !== opts.namespace) return false;
    if (opts.labelSelector && !matchesSelectorString(o.metadata.labels, opts.labelSelector)) return false;
    for (const part of (opts.fieldSelector ?? '').split(',').filter(Boolean)) {
      const [path, value] = part.split('=');
      if (String(get(o, path ?? '') ?? '') !== (value ?? '')) return false;
    }
    return true;
  }

  private notify(type: WatchEventType, o: KubeObject): void {
    for (const w of [...this.watchers]) if (this.matches(o, w.apiVersion, w.kind, w.opts)) w.onEvent(type, clone(o));
  }

  private playPodScript(pod: KubeObject): void {
    const script = this.podScripts.map((s) => s(clone(pod))).find((s) => s !== undefined);
    if (!script) return;
    // One tick later, as a kubelet would report it.
    setImmediate(() => {
      const current = this.objects.get(this.key('v1', 'Pod', pod.metadata.name, pod.metadata.namespace));
      if (!current) return;
      const container = ((current.spec as { containers?: { name: string; image?: string }[] } | undefined)?.containers ?? [])[0];
      const cs = { name: container?.name ?? 'c', image: container?.image ?? '' };
      let status: Record<string, unknown>;
      if ('phase' in script) {
        if (script.log !== undefined) this.logs.set(`${current.metadata.namespace}/${current.metadata.name}`, script.log);
        const exitCode = script.exitCode ?? (script.phase === 'Succeeded' ? 0 : 1);
        status = { phase: script.phase, containerStatuses: [{ ...cs, ready: false, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } } }] };
      } else if ('ready' in script) {
        status = {
          phase: 'Running',
          podIP: script.podIP ?? '10.240.1.99',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ ...cs, ready: true, state: { running: {} } }],
        };
      } else {
        status = { phase: 'Pending', containerStatuses: [{ ...cs, ready: false, state: { waiting: { reason: script.waiting, message: script.message ?? '' } } }] };
      }
      this.put({ ...current, status }, true);
    });
  }
}
