// The fake kube-apiserver: plain HTTP on 127.0.0.1, bearer-token auth, discovery, CRUD with
// server-side apply, watches with history, pod logs, admission (defaulting, validation,
// webhooks), and a `/__fake/*` control surface for the fake tools and the tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { type Scenario, asList, timingsOf } from '../scenario.ts';
import { Admission, type ClusterInfo } from './admission.ts';
import { runExternalCommand } from './dataplane/commands.ts';
import { applyMerge, jsonPatch, mergePatch, strategicMergePatch, strictDecodingError, typedPatchError, unknownFields } from './patch.ts';
import { type ResourceType, joinApiVersion, typeKey } from './registry.ts';
import { type Selection, selectionFrom, selects } from './selectors.ts';
import { Sim } from './sim/sim.ts';
import type { SeedRequest } from './sim/seed.ts';
import { type Change, FakeStore } from './store.ts';
import { ApiError, type Json, type KObj, alreadyExists, badRequest, clone, hexId, isMap, newUid, notFound, nowIso, qualified, randomSuffix } from './util.ts';

export interface FakeApiServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The cluster's objects; read freely, write through `state.upsert`/`state.update` if a test must. */
  state: FakeStore;
  setScenario(s: Scenario): void;
  scenario(): Scenario;
  /** Count of POST/PUT/PATCH/DELETE API requests since start (or since resetCounters). */
  writes(): number;
  /** Count of those requests that actually changed a stored object. */
  changes(): number;
  resetCounters(): void;
  requestLog: { method: string; path: string }[];
  cluster(): ClusterInfo | null;
  /** Same as POST /__fake/cluster. */
  seed(req: SeedRequest): ClusterInfo;
  /** Same as DELETE /__fake/cluster. */
  wipe(): void;
  setNodeRunning(node: string, running: boolean): void;
  /** Runs a command as a container on the kind network would (`docker run --network kind …`). */
  exec(argv: string[], network?: 'kind' | 'none'): { exitCode: number; stdout: string; stderr: string; durationMs: number };
  /** A kubeconfig (YAML) for the current cluster: context kind-<name>, token user. */
  kubeconfig(): string;
  /** Watch streams currently open (to prove a client closed its watches). */
  openWatches(): number;
  /** Resolves once nothing changed for `quietMs`. */
  idle(quietMs?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Route {
  t: ResourceType;
  version: string;
  ns?: string;
  name?: string;
  sub?: string;
}

const CONTROL_PREFIX = '/__fake/';

function send(res: ServerResponse, code: number, body: Json, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus());
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string): Json {
  if (!text.trim()) return {};
  try {
    return /yaml/.test(contentType) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding ${/yaml/.test(contentType) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public'];

function defaultLog(pod: KObj): string {
  const image = String(pod.spec?.containers?.[0]?.image ?? '');
  if (/ingress-nginx\/controller/.test(image)) {
    return '-------------------------------------------------------------------------------\nNGINX Ingress controller\n  Release:       v1.15.1\n  Build:         fake\n  Repository:    https://github.com/kubernetes/ingress-nginx\n-------------------------------------------------------------------------------\n\nI1125 10:00:00.000000       7 main.go:205] "Creating API client" host="https://10.96.0.1:443"\nI1125 10:00:01.000000       7 controller.go:213] "Backend successfully reloaded"\n';
  }
  if (/nginx/.test(image)) {
    return '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Configuration complete; ready for start up\n2025/11/25 10:00:00 [notice] 1#1: nginx/1.30.4\n2025/11/25 10:00:00 [notice] 1#1: start worker processes\n';
  }
  if (/postgres/.test(image)) return '2025-11-25 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections\n';
  if (/coredns/.test(image)) return '.:53\n[INFO] plugin/reload: Running configuration SHA512 = fake\nCoreDNS-1.12.4\nlinux/amd64, go1.24.6, fake\n';
  if (/metallb\/controller/.test(image)) return '{"caller":"main.go:161","level":"info","msg":"starting up webhook server","op":"startup"}\n';
  return '';
}

export async function startFakeApiServer(opts: { scenario?: Scenario; port?: number } = {}): Promise<FakeApiServer> {
  const store = new FakeStore();
  let scenario: Scenario = opts.scenario ?? {};
  let info: ClusterInfo | null = null;
  let apiDown = false;
  let writes = 0;
  let changes = 0;
  const requestLog: { method: string; path: string }[] = [];
  const lastApplied = new Map<string, Json>();
  const watches = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let refusals = new Map<string, number>();
  const loadRefusals = () => {
    refusals = new Map(asList(scenario.faults?.webhookRefusals).map((r) => [r.webhookNamePrefix, r.count]));
  };
  loadRefusals();

  const admission = new Admission(store, () => info, {
    take(name: string): boolean {
      for (const [prefix, left] of refusals) {
        if (name.startsWith(prefix) && left > 0) {
          refusals.set(prefix, left - 1);
          return true;
        }
      }
      return false;
    },
  });
  const sim = new Sim(store, admission, () => scenario, () => timingsOf(scenario), () => info);

  // ── routing ──

  function route(pathname: string): Route | 'discovery' | null {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group = '';
    let version = '';
    let rest: string[];
    if (parts[0] === 'api' && parts[1]) {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts[1] && parts[2]) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else return null;
    if (rest.length === 0) return 'discovery';
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const inner = store.registry.byPlural(group, version, rest[2] ?? '');
      if (inner?.namespaced) {
        ns = rest[1];
        rest = rest.slice(2);
      }
    }
    const t = store.registry.byPlural(group, version, rest[0] ?? '');
    if (!t) return null;
    if (ns !== undefined && !t.namespaced) return null;
    return { t, version, ...(ns !== undefined ? { ns } : {}), ...(rest[1] ? { name: rest[1] } : {}), ...(rest[2] ? { sub: rest[2] } : {}) };
  }

  function present(t: ResourceType, version: string, obj: KObj): KObj {
    return { ...obj, apiVersion: joinApiVersion(t.group, version) };
  }

  function listBody(t: ResourceType, version: string, items: KObj[]): Json {
    return {
      kind: `${t.kind}List`,
      apiVersion: joinApiVersion(t.group, version),
      metadata: { resourceVersion: store.resourceVersion() },
      items: items.map((i) => {
        if (t.custom) return present(t, version, i);
        const { apiVersion: _a, kind: _k, ...rest } = i;
        return rest;
      }),
    };
  }

  function keyOf(t: ResourceType, ns: string | undefined, name: string): string {
    return `${typeKey(t)}/${t.namespaced ? (ns ?? '') : ''}/${name}`;
  }

  // ── admission helpers ──

  function checkNamespace(t: ResourceType, ns: string | undefined, name: string): void {
    if (!t.namespaced || !ns) return;
    const nsObj = store.get('v1', 'Namespace', ns);
    if (!nsObj) throw notFound('namespaces', '', ns);
    if (nsObj.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${qualified(t.plural, t.group)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
        name,
        kind: t.plural,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  function checkIdentity(t: ResourceType, version: string, body: Json, r: Route): void {
    if (!isMap(body)) throw badRequest('the body of the request was in an unknown format');
    const gv = joinApiVersion(t.group, version);
    if (body.apiVersion && body.apiVersion !== gv) throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`);
    if (body.kind && body.kind !== t.kind) throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`);
    body.metadata ??= {};
    if (t.namespaced) {
      if (body.metadata.namespace && r.ns && body.metadata.namespace !== r.ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      body.metadata.namespace = r.ns;
    }
    if (r.name && body.metadata.name && body.metadata.name !== r.name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`);
    if (r.name) body.metadata.name ??= r.name;
  }

  function validation(t: ResourceType, version: string, obj: KObj, q: URLSearchParams, warnings: string[]): void {
    const mode = q.get('fieldValidation') ?? 'Warn';
    if (mode === 'Ignore') return;
    const unknown = unknownFields(t, version, obj);
    if (!unknown.length) return;
    if (mode === 'Strict') throw strictDecodingError(t, version, unknown);
    for (const u of unknown) warnings.push(`unknown field "${u.plain}"`);
  }

  const SERVER_META = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'deletionTimestamp', 'selfLink'];

  function stripServerFields(obj: KObj): void {
    for (const k of SERVER_META) delete obj.metadata[k];
  }

  function doCreate(r: Route, body: KObj, q: URLSearchParams): KObj {
    const { t, version } = r;
    stripServerFields(body);
    if (!body.metadata.name && body.metadata.generateName) body.metadata.name = `${body.metadata.generateName}${randomSuffix()}`;
    if (!body.metadata.name) {
      throw new ApiError(422, 'Invalid', `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: t.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] });
    }
    checkNamespace(t, body.metadata.namespace, body.metadata.name);
    if (store.getT(t, body.metadata.namespace, body.metadata.name)) throw alreadyExists(t.plural, t.group, body.metadata.name);
    if (t.subresources.includes('status') && !(t.group === '' && t.plural === 'namespaces')) delete body.status;
    body.metadata.uid = newUid();
    admission.prepare(t, body, undefined);
    admission.webhooks(t, version, 'CREATE', body);
    if (q.get('dryRun') === 'All') return { ...body, metadata: { ...body.metadata, creationTimestamp: nowIso(), resourceVersion: '' } };
    return store.insert(t, body);
  }

  function doReplace(r: Route, cur: KObj, next: KObj, q: URLSearchParams): KObj {
    const { t, version } = r;
    next.metadata.uid = cur.metadata.uid;
    next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    if (cur.metadata.deletionTimestamp) next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    if (r.sub !== 'status') {
      if (t.subresources.includes('status')) next.status = clone(cur.status);
      admission.prepare(t, next, cur);
      admission.webhooks(t, version, 'UPDATE', next);
    }
    if (q.get('dryRun') === 'All') return next;
    return store.replace(t, next);
  }

  function doDelete(r: Route, cur: KObj): KObj {
    const { t } = r;
    const name = cur.metadata.name;
    for (const k of [...lastApplied.keys()]) if (k.startsWith(`${keyOf(t, cur.metadata.namespace, name)}|`)) lastApplied.delete(k);
    if (t.group === '' && t.plural === 'namespaces') {
      if (SYSTEM_NAMESPACES.includes(name)) throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
      if (cur.metadata.deletionTimestamp) return cur;
      return store.replace(t, {
        ...clone(cur),
        metadata: { ...clone(cur.metadata), deletionTimestamp: nowIso() },
        status: {
          phase: 'Terminating',
          conditions: [
            { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered', lastTransitionTime: nowIso() },
            { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization', lastTransitionTime: nowIso() },
          ],
        },
      });
    }
    return store.remove(t, cur.metadata.namespace, name) ?? cur;
  }

  function doPatch(r: Route, body: string, contentType: string, q: URLSearchParams, warnings: string[]): { obj: KObj; created: boolean } {
    const { t, version } = r;
    const name = r.name ?? '';
    const cur = store.getT(t, r.ns, name);
    if (contentType.includes('apply-patch')) {
      const manager = q.get('fieldManager');
      if (!manager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const applied = parseBody(body, 'yaml') as KObj;
      checkIdentity(t, version, applied, r);
      const unknown = unknownFields(t, version, applied);
      if (unknown.length) throw typedPatchError(t, joinApiVersion(t.group, version), applied, unknown);
      stripServerFields(applied);
      const key = `${keyOf(t, r.ns, name)}|${manager}`;
      if (!cur) {
        if (r.sub) throw notFound(t.plural, t.group, name);
        const created = doCreate(r, clone(applied), q);
        if (q.get('dryRun') !== 'All') lastApplied.set(key, applied);
        return { obj: created, created: true };
      }
      const merged = applyMerge(cur, r.sub === 'status' ? { status: applied.status } : applied, lastApplied.get(key)) as KObj;
      const next = r.sub === 'status' ? { ...clone(cur), status: merged.status } : merged;
      const out = doReplace(r, cur, next, q);
      if (q.get('dryRun') !== 'All') lastApplied.set(key, applied);
      return { obj: out, created: false };
    }
    if (!cur) throw notFound(t.plural, t.group, name);
    const patch = parseBody(body, contentType);
    let next: KObj;
    if (contentType.includes('json-patch')) next = jsonPatch(cur, patch);
    else if (contentType.includes('strategic-merge-patch')) next = strategicMergePatch(cur, patch);
    else next = mergePatch(cur, patch);
    if (r.sub === 'status') next = { ...clone(cur), status: next.status };
    validation(t, version, next, q, warnings);
    return { obj: doReplace(r, cur, next, q), created: false };
  }

  // ── watch ──

  function watchEvent(c: Change, match: (o: KObj) => boolean): { type: string; obj: KObj } | null {
    if (c.type === 'DELETED') return match(c.prev ?? c.obj) ? { type: 'DELETED', obj: c.obj } : null;
    const now = match(c.obj);
    if (c.type === 'ADDED') return now ? { type: 'ADDED', obj: c.obj } : null;
    const before = c.prev ? match(c.prev) : false;
    if (before && now) return { type: 'MODIFIED', obj: c.obj };
    if (!before && now) return { type: 'ADDED', obj: c.obj };
    if (before && !now) return { type: 'DELETED', obj: c.obj };
    return null;
  }

  function startWatch(req: IncomingMessage, res: ServerResponse, r: Route, sel: Selection, q: URLSearchParams): void {
    const { t, version } = r;
    const key = typeKey(t);
    const match = (o: KObj) => (!r.ns || o.metadata.namespace === r.ns) && selects(sel, o);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    watches.add(res);
    const write = (type: string, obj: Json) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object: obj })}\n`);
    };
    const rvText = q.get('resourceVersion');
    let backlog: { type: string; obj: KObj }[] = [];
    if (rvText && rvText !== '0') {
      const changes = store.since(Number(rvText));
      if (changes === null) {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rvText} (${store.oldestWatchable()})`,
          reason: 'Expired',
          code: 410,
        });
        res.end();
        watches.delete(res);
        return;
      }
      backlog = changes.filter((c) => c.key === key).map((c) => watchEvent(c, match)).filter((x): x is { type: string; obj: KObj } => x !== null);
    } else {
      backlog = store.listT(t, r.ns).filter(match).map((obj) => ({ type: 'ADDED', obj }));
    }
    for (const ev of backlog) write(ev.type, present(t, version, ev.obj));
    const unsubscribe = store.subscribe((c) => {
      if (c.key !== key) return;
      const ev = watchEvent(c, match);
      if (ev) write(ev.type, present(t, version, ev.obj));
    });
    const timers: NodeJS.Timeout[] = [];
    if (q.get('allowWatchBookmarks') === 'true') {
      timers.push(
        setInterval(() => write('BOOKMARK', { kind: t.kind, apiVersion: joinApiVersion(t.group, version), metadata: { resourceVersion: store.resourceVersion() } }), timingsOf(scenario).bookmarkMs),
      );
    }
    // Real servers take whole seconds; the fake also takes fractions so tests can be quick.
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
    const cleanup = () => {
      unsubscribe();
      for (const tm of timers) clearTimeout(tm);
      watches.delete(res);
    };
    res.on('close', cleanup);
    res.on('finish', cleanup);
    req.on('close', cleanup);
  }

  // ── pod logs ──

  function podLog(r: Route, q: URLSearchParams): string {
    const pod = store.getT(r.t, r.ns, r.name ?? '');
    if (!pod) throw notFound('pods', '', r.name ?? '');
    const names: string[] = (pod.spec?.containers ?? []).map((c: Json) => c.name);
    const container = q.get('container') ?? (names.length === 1 ? names[0] : undefined);
    if (!container) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
    if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
    if (pod.status?.phase === 'Pending' || !pod.status?.phase) {
      const waiting = (pod.status?.containerStatuses ?? []).find((c: Json) => c.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
      const why = waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting;
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
    }
    let text = sim.ctx.logs.get(pod.metadata.uid ?? '') ?? defaultLog(pod);
    const tailLines = Number(q.get('tailLines') ?? 0);
    if (tailLines > 0) {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      text = lines.slice(-tailLines).map((l) => `${l}\n`).join('');
    }
    return text;
  }

  // ── the API ──

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (info) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${info.token}`) return send(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    if (path === '/version') {
      return send(res, 200, { major: '1', minor: '35', emulationMajor: '1', emulationMinor: '35', minCompatibilityMajor: '1', minCompatibilityMinor: '34', gitVersion: 'v1.35.8', gitCommit: 'fake0000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-08-12T00:00:00Z', goVersion: 'go1.25.5', compiler: 'gc', platform: 'linux/amd64' });
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return send(res, 200, 'ok');
    if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }] });
    if (path === '/apis') return send(res, 200, store.registry.groupList());
    const r = route(path);
    if (r === 'discovery') {
      const parts = path.split('/').filter(Boolean);
      const list = parts[0] === 'api' ? store.registry.resourceList('', parts[1] ?? '') : store.registry.resourceList(parts[1] ?? '', parts[2] ?? '');
      if (!list || method !== 'GET') return sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
      return send(res, 200, list);
    }
    if (!r) return sendError(res, new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
    const mutating = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
    const bodyText = mutating ? await readBody(req) : '';
    // Everything below runs without yielding, so the simulation cannot move the counter meanwhile.
    const rvBefore = store.resourceVersion();
    const warnings: string[] = [];
    const finish = (code: number, body: Json) => {
      if (mutating && store.resourceVersion() !== rvBefore) changes++;
      send(res, code, body, warnings.length ? { Warning: warnings.map((w) => `299 - "${w.replace(/"/g, '\\"')}"`).join(', ') } : {});
    };
    const { t, version } = r;
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    try {
      if (method === 'GET') {
        if (!r.name) {
          const sel = selectionFrom(q);
          if (q.get('watch') === 'true' || q.get('watch') === '1') return startWatch(req, res, r, sel, q);
          return finish(200, listBody(t, version, store.listT(t, r.ns).filter((o) => selects(sel, o))));
        }
        if (r.sub === 'log' && t.plural === 'pods') return finish(200, podLog(r, q));
        const obj = store.getT(t, r.ns, r.name);
        if (!obj) throw notFound(t.plural, t.group, r.name);
        if (r.sub === 'scale') return finish(200, scaleOf(obj));
        return finish(200, present(t, version, obj));
      }
      if (method === 'POST') {
        if (r.name) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
        if (t.namespaced && !r.ns) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        const body = parseBody(bodyText, contentType) as KObj;
        checkIdentity(t, version, body, r);
        validation(t, version, body, q, warnings);
        return finish(201, present(t, version, doCreate(r, body, q)));
      }
      if (method === 'PUT') {
        if (!r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const cur = store.getT(t, r.ns, r.name);
        if (!cur) throw notFound(t.plural, t.group, r.name);
        const body = parseBody(bodyText, contentType) as KObj;
        if (r.sub === 'scale') return finish(200, scaleOf(doReplace({ ...r, sub: undefined }, cur, { ...clone(cur), spec: { ...cur.spec, replicas: body.spec?.replicas } }, q)));
        checkIdentity(t, version, body, r);
        if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata.resourceVersion) {
          throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t.plural, t.group)} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: r.name, kind: t.plural });
        }
        validation(t, version, body, q, warnings);
        const next = r.sub === 'status' ? { ...clone(cur), status: body.status } : body;
        return finish(200, present(t, version, doReplace(r, cur, next, q)));
      }
      if (method === 'PATCH') {
        if (!r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        if (r.sub === 'scale') {
          const cur = store.getT(t, r.ns, r.name);
          if (!cur) throw notFound(t.plural, t.group, r.name);
          const patch = parseBody(bodyText, contentType);
          const replicas = patch.spec?.replicas ?? cur.spec?.replicas;
          return finish(200, scaleOf(doReplace({ ...r, sub: undefined }, cur, { ...clone(cur), spec: { ...cur.spec, replicas } }, q)));
        }
        const { obj, created } = doPatch(r, bodyText, contentType, q, warnings);
        return finish(created ? 201 : 200, present(t, version, obj));
      }
      if (method === 'DELETE') {
        if (!r.name) {
          const sel = selectionFrom(q);
          const gone = store
            .listT(t, r.ns)
            .filter((o) => selects(sel, o))
            .map((o) => doDelete({ ...r, name: o.metadata.name }, o));
          return finish(200, listBody(t, version, gone));
        }
        const cur = store.getT(t, r.ns, r.name);
        if (!cur) throw notFound(t.plural, t.group, r.name);
        return finish(200, present(t, version, doDelete(r, cur)));
      }
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    } catch (err) {
      if (err instanceof ApiError) {
        if (mutating && store.resourceVersion() !== rvBefore) changes++;
        return sendError(res, err);
      }
      throw err;
    }
  }

  function scaleOf(obj: KObj): Json {
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: { replicas: obj.status?.replicas ?? 0, selector: Object.entries(obj.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',') },
    };
  }

  // ── control surface ──

  function seed(req: SeedRequest): ClusterInfo {
    wipe();
    info = {
      name: req.name,
      token: req.token ?? `kindlab-fake-${req.name}-${hexId(8)}`,
      podSubnet: req.podSubnet ?? '10.240.0.0/16',
      serviceSubnet: req.serviceSubnet ?? '10.96.0.0/16',
    };
    sim.seed(req, info);
    return info;
  }

  function wipe(): void {
    for (const w of watches) w.destroy();
    watches.clear();
    info = null;
    apiDown = false;
    sim.reset();
    store.clear();
    lastApplied.clear();
  }

  function exec(argv: string[], network: 'kind' | 'none' = 'kind') {
    const nodes = store.list('v1', 'Node').length;
    return runExternalCommand(sim.ctx, argv, { network, ip: `172.18.0.${nodes + 2}` });
  }

  function setNodeRunning(node: string, running: boolean): void {
    sim.setNodeRunning(node, running);
    const n = store.get('v1', 'Node', node);
    if (n?.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined) {
      apiDown = !running;
      if (apiDown) for (const w of watches) w.destroy();
    }
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const what = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'DELETE' ? {} : parseBody(await readBody(req), 'application/json');
    if (what === 'cluster' && method === 'POST') {
      const i = seed(body as SeedRequest);
      return send(res, 200, { ...i, server: serverUrl });
    }
    if (what === 'cluster' && method === 'DELETE') {
      wipe();
      return send(res, 200, { ok: true });
    }
    if (what === 'cluster' && method === 'GET') return send(res, 200, { cluster: info, apiDown });
    if (what === 'state') return send(res, 200, { cluster: info, apiDown, scenario, writes, changes, resourceVersion: store.resourceVersion(), objects: store.dump() });
    if (what === 'scenario' && method === 'GET') return send(res, 200, scenario);
    if (what === 'scenario') {
      setScenario(body as Scenario);
      return send(res, 200, { ok: true });
    }
    if (what === 'node' && method === 'POST') {
      setNodeRunning(String(body.name), body.running !== false);
      return send(res, 200, { ok: true });
    }
    if (what === 'exec' && method === 'POST') return send(res, 200, await delayed(exec((body.argv ?? []).map(String), body.network === 'none' ? 'none' : 'kind')));
    if (what === 'http' && method === 'POST') return send(res, 200, await delayed(exec(['curl', ...(body.args ?? []).map(String)], body.network === 'none' ? 'none' : 'kind')));
    return send(res, 404, { error: `unknown control endpoint ${method} ${url.pathname}` });
  }

  async function delayed<T extends { durationMs: number }>(r: T): Promise<T> {
    if (r.durationMs > 2) await new Promise((res) => setTimeout(res, r.durationMs));
    return r;
  }

  function setScenario(s: Scenario): void {
    scenario = s ?? {};
    loadRefusals();
    sim.kick();
  }

  // ── the server ──

  let serverUrl = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      control(req, res, url).catch((err: unknown) => send(res, 500, { error: String((err as Error)?.message ?? err) }));
      return;
    }
    requestLog.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}` });
    if (!info || apiDown) {
      // No API server listens: the client sees the connection drop.
      req.socket.destroy();
      return;
    }
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '')) writes++;
    api(req, res, url).catch((err: unknown) => {
      if (err instanceof ApiError) sendError(res, err);
      else {
        console.error('fake apiserver: internal error', err);
        sendError(res, new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serverUrl = `http://127.0.0.1:${port}`;

  return {
    url: serverUrl,
    port,
    state: store,
    setScenario,
    scenario: () => scenario,
    writes: () => writes,
    changes: () => changes,
    resetCounters() {
      writes = 0;
      changes = 0;
      requestLog.length = 0;
    },
    requestLog,
    cluster: () => info,
    openWatches: () => watches.size,
    seed,
    wipe,
    setNodeRunning,
    exec,
    kubeconfig() {
      const name = info?.name ?? 'kind';
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- cluster:',
        '    insecure-skip-tls-verify: true',
        `    server: ${serverUrl}`,
        `  name: kind-${name}`,
        'contexts:',
        '- context:',
        `    cluster: kind-${name}`,
        `    user: kind-${name}`,
        `  name: kind-${name}`,
        `current-context: kind-${name}`,
        'preferences: {}',
        'users:',
        `- name: kind-${name}`,
        '  user:',
        `    token: ${info?.token ?? ''}`,
        '',
      ].join('\n');
    },
    async idle(quietMs = 50, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      let last = store.resourceVersion();
      let since = Date.now();
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        const now = store.resourceVersion();
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) return;
      }
    },
    async close() {
      sim.stop();
      for (const w of watches) w.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
