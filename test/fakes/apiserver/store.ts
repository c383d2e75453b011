// The fake cluster's etcd: every object by type and namespace/name, one global resourceVersion
// counter, an event history for watches, garbage collection by ownerReferences, and CRDs that
// turn into served kinds. Stored objects are never mutated in place: writers hand in new
// objects (update() clones for them), so the history can keep references.
import { Registry, type ResourceType, joinApiVersion, typeKey } from './registry.ts';
import { type Json, type KObj, clone, deepEqual, newUid, nowIso } from './util.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  key: string;
  type: ChangeType;
  obj: KObj;
  prev?: KObj;
}

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** Kinds whose objects carry metadata.generation (spec changes bump it). */
function hasGeneration(t: ResourceType): boolean {
  if (t.custom) return true;
  if (t.group === '') return t.plural === 'pods';
  return !['events', 'endpointslices', 'leases', 'controllerrevisions'].includes(t.plural);
}

function specPart(obj: KObj): Json {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export class FakeStore {
  readonly registry = new Registry();
  private rv = 1000;
  private readonly data = new Map<string, Map<string, KObj>>();
  private history: Change[] = [];
  private historyFloor = 1000;
  private readonly listeners = new Set<(c: Change) => void>();
  historyLimit = 50_000;

  resourceVersion(): string {
    return String(this.rv);
  }

  /** Watches from a resourceVersion older than this get 410 Gone. */
  oldestWatchable(): number {
    return this.historyFloor;
  }

  subscribe(fn: (c: Change) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Changes after `rv`, or null when the history no longer reaches back that far. */
  since(rv: number): Change[] | null {
    if (rv < this.historyFloor) return null;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  // ── reads ──

  type(apiVersion: string, kind: string): ResourceType | undefined {
    return this.registry.forApiVersion(apiVersion, kind);
  }

  private bucket(t: ResourceType): Map<string, KObj> {
    const k = typeKey(t);
    let b = this.data.get(k);
    if (!b) {
      b = new Map();
      this.data.set(k, b);
    }
    return b;
  }

  getT(t: ResourceType, ns: string | undefined, name: string): KObj | undefined {
    return this.data.get(typeKey(t))?.get(`${t.namespaced ? (ns ?? '') : ''}/${name}`);
  }

  listT(t: ResourceType, ns?: string): KObj[] {
    const b = this.data.get(typeKey(t));
    if (!b) return [];
    // Bucket keys are "namespace/name", the order etcd lists in.
    const keys = [...b.keys()].sort();
    const prefix = ns && t.namespaced ? `${ns}/` : '';
    const out: KObj[] = [];
    for (const k of keys) if (!prefix || k.startsWith(prefix)) out.push(b.get(k) as KObj);
    return out;
  }

  /** Reads by apiVersion and kind; undefined when the kind is not served or the object is absent. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): KObj | undefined {
    const t = this.type(apiVersion, kind);
    return t ? this.getT(t, namespace, name) : undefined;
  }

  list(apiVersion: string, kind: string, namespace?: string): KObj[] {
    const t = this.type(apiVersion, kind);
    return t ? this.listT(t, namespace) : [];
  }

  /** Every object, for the debug dump. */
  dump(): Record<string, KObj[]> {
    const out: Record<string, KObj[]> = {};
    for (const [k, b] of this.data) if (b.size) out[k] = [...b.values()];
    return out;
  }

  // ── writes ──

  private emit(t: ResourceType, type: ChangeType, obj: KObj, prev?: KObj): void {
    const change: Change = { rv: this.rv, key: typeKey(t), type, obj, ...(prev ? { prev } : {}) };
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const drop = this.history.length - this.historyLimit;
      this.historyFloor = this.history[drop - 1]?.rv ?? this.historyFloor;
      this.history = this.history.slice(drop);
    }
    for (const l of this.listeners) l(change);
  }

  private storageApiVersion(t: ResourceType): string {
    return joinApiVersion(t.group, t.versions[0] ?? 'v1');
  }

  /** Stores a new object. Fills uid, creationTimestamp, resourceVersion and generation. */
  insert(t: ResourceType, input: KObj): KObj {
    const obj = clone(input);
    obj.apiVersion = this.storageApiVersion(t);
    obj.kind = t.kind;
    const key = `${t.namespaced ? (obj.metadata.namespace ?? '') : ''}/${obj.metadata.name}`;
    if (!t.namespaced) delete obj.metadata.namespace;
    const b = this.bucket(t);
    if (b.has(key)) throw new Error(`fake store: ${key} exists`);
    this.rv++;
    obj.metadata.uid = obj.metadata.uid ?? newUid();
    obj.metadata.creationTimestamp = obj.metadata.creationTimestamp ?? nowIso();
    obj.metadata.resourceVersion = String(this.rv);
    if (hasGeneration(t)) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    b.set(key, obj);
    this.emit(t, 'ADDED', obj);
    if (typeKey(t) === CRD_KEY) this.crdChanged(obj);
    return obj;
  }

  /** Replaces a stored object. A no-op write (nothing but resourceVersion differs) changes nothing. */
  replace(t: ResourceType, input: KObj): KObj {
    const key = `${t.namespaced ? (input.metadata.namespace ?? '') : ''}/${input.metadata.name}`;
    const b = this.bucket(t);
    const prev = b.get(key);
    if (!prev) throw new Error(`fake store: ${key} missing`);
    const obj = clone(input);
    obj.apiVersion = this.storageApiVersion(t);
    obj.kind = t.kind;
    obj.metadata.uid = prev.metadata.uid;
    obj.metadata.creationTimestamp = prev.metadata.creationTimestamp;
    if (!t.namespaced) delete obj.metadata.namespace;
    obj.metadata.resourceVersion = prev.metadata.resourceVersion;
    if (hasGeneration(t)) obj.metadata.generation = prev.metadata.generation ?? 1;
    if (deepEqual(obj, prev)) return prev;
    if (hasGeneration(t) && !deepEqual(specPart(obj), specPart(prev))) obj.metadata.generation = (prev.metadata.generation ?? 1) + 1;
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    b.set(key, obj);
    this.emit(t, 'MODIFIED', obj, prev);
    if (typeKey(t) === CRD_KEY) this.crdChanged(obj);
    return obj;
  }

  /** Clones the stored object, lets `fn` edit it, and writes it back when anything changed. */
  update(apiVersion: string, kind: string, name: string, namespace: string | undefined, fn: (draft: KObj) => void): KObj | undefined {
    const t = this.type(apiVersion, kind);
    if (!t) return undefined;
    const cur = this.getT(t, namespace, name);
    if (!cur) return undefined;
    const draft = clone(cur);
    fn(draft);
    return this.replace(t, draft);
  }

  /** Writes `status` unless it equals the stored one (no clone on the common no-op path). */
  setStatus(apiVersion: string, kind: string, name: string, namespace: string | undefined, status: Json): KObj | undefined {
    const t = this.type(apiVersion, kind);
    const cur = t ? this.getT(t, namespace, name) : undefined;
    if (!t || !cur) return undefined;
    if (deepEqual(cur.status, status)) return cur;
    return this.replace(t, { ...cur, status });
  }

  /** Inserts or replaces (for the simulation and the seed). */
  upsert(obj: KObj): KObj {
    const t = this.type(obj.apiVersion, obj.kind);
    if (!t) throw new Error(`fake store: ${obj.apiVersion} ${obj.kind} is not served`);
    const cur = this.getT(t, obj.metadata.namespace, obj.metadata.name);
    return cur ? this.replace(t, { ...obj, metadata: { ...obj.metadata, uid: cur.metadata.uid } }) : this.insert(t, obj);
  }

  /** Removes an object and, like the garbage collector, everything it owns. */
  remove(t: ResourceType, ns: string | undefined, name: string): KObj | undefined {
    const key = `${t.namespaced ? (ns ?? '') : ''}/${name}`;
    const b = this.bucket(t);
    const prev = b.get(key);
    if (!prev) return undefined;
    b.delete(key);
    this.rv++;
    const gone = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.rv) } };
    this.emit(t, 'DELETED', gone, prev);
    if (typeKey(t) === CRD_KEY) this.crdRemoved(prev);
    this.collectDependents(prev.metadata.uid ?? '');
    return gone;
  }

  private collectDependents(uid: string): void {
    if (!uid) return;
    for (const t of this.registry.all()) {
      for (const o of this.listT(t)) {
        if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) this.remove(t, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  /** Deletes every namespaced object in `ns` (the namespace controller's job). */
  purgeNamespace(ns: string): void {
    for (const t of this.registry.all()) {
      if (!t.namespaced) continue;
      for (const o of this.listT(t, ns)) this.remove(t, ns, o.metadata.name);
    }
  }

  /** Forgets everything: objects, custom kinds and history (a deleted cluster). */
  clear(): void {
    for (const t of this.registry.all()) if (t.custom) this.registry.unregister(t.group, t.plural);
    this.data.clear();
    this.rv += 1;
    this.history = [];
    this.historyFloor = this.rv;
  }

  // ── CRDs ──

  private crdChanged(crd: KObj): void {
    const t = this.registry.registerCrd(crd);
    if (!t) return;
    const names = crd.spec?.names ?? {};
    const conds = [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ];
    const status = {
      conditions: (crd.status?.conditions as Json[] | undefined)?.length ? crd.status.conditions : conds.map((c) => ({ ...c, lastTransitionTime: nowIso() })),
      acceptedNames: { plural: names.plural, singular: names.singular ?? t.singular, kind: names.kind, listKind: names.listKind ?? `${names.kind}List`, ...(names.shortNames ? { shortNames: names.shortNames } : {}) },
      storedVersions: [t.versions[0]],
    };
    if (!deepEqual(crd.status, status)) {
      const crdType = this.registry.byKind('apiextensions.k8s.io', 'CustomResourceDefinition');
      if (crdType) this.replace(crdType, { ...crd, status });
    }
  }

  private crdRemoved(crd: KObj): void {
    const group = crd.spec?.group as string | undefined;
    const plural = crd.spec?.names?.plural as string | undefined;
    if (!group || !plural) return;
    const t = this.registry.all().find((x) => x.custom && x.group === group && x.plural === plural);
    if (t) for (const o of this.listT(t)) this.remove(t, o.metadata.namespace, o.metadata.name);
    this.registry.unregister(group, plural);
  }
}
