// The engine's door to the Kubernetes API. @kubernetes/client-node loads the kubeconfig and
// applies its credentials (client certs, tokens, exec plugins); the requests themselves are
// plain REST so that objects come back exactly as the server sent them (no typed models
// dropping fields), CRDs installed a moment ago are found by refreshing discovery, and
// watches stream line by line with an AbortSignal.
import http from 'node:http';
import https from 'node:https';
import { KindlabError, cancelled } from '../errors.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid: string }[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface DeleteOptions {
  propagation?: 'Foreground' | 'Background';
  /** How long the kubelet lets the containers stop; 0 removes a pod at once (what the learner threw away). */
  gracePeriodSeconds?: number;
}

export interface KubeClient {
  /** Server-side apply (force), so re-applying is idempotent and never hits annotation size limits. */
  apply(obj: KubeObject, opts?: { fieldManager?: string; signal?: AbortSignal }): Promise<KubeObject>;
  create(obj: KubeObject, opts?: { signal?: AbortSignal }): Promise<KubeObject>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | null>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<ListResult>;
  /** Returns false when the object did not exist. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts?: DeleteOptions): Promise<boolean>;
  /** Streams events until the server closes the watch or the signal fires. */
  watch(
    apiVersion: string,
    kind: string,
    opts: ListOptions & { resourceVersion?: string; timeoutSeconds?: number },
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    signal: AbortSignal,
  ): Promise<void>;
  podLogs(namespace: string, name: string, opts?: { container?: string; tailLines?: number }): Promise<string>;
  /** Whether the kind is served (CRD installed and discovered). */
  served(apiVersion: string, kind: string): Promise<boolean>;
  version(): Promise<{ gitVersion: string }>;
}

/** The part of client-node's KubeConfig this client needs. */
export interface KubeConfigLike {
  getCurrentCluster(): { server: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

interface ResourceInfo {
  name: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export class KubeApiError extends KindlabError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super({
      code: 'kube-api',
      message,
      hint:
        status === 0
          ? 'The cluster API does not answer. Is the cluster running? Check with `kindlab status`.'
          : 'The Kubernetes API refused the request; the message above comes from the API server.',
      diagnostics: [`${method} ${path} → ${status} ${reason}`],
    });
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

function apiBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class RestKubeClient implements KubeClient {
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();
  private loaded: Promise<{ kc: KubeConfigLike; server: string }> | null = null;

  /**
   * `source` is a kubeconfig path or a loaded config. @kubernetes/client-node is imported on the
   * first request only: it takes over a second to load, and most CLI commands never talk to a cluster.
   */
  constructor(
    private readonly source: string | KubeConfigLike,
    private readonly requestTimeoutMs = 30_000,
  ) {}

  static fromFile(path: string): RestKubeClient {
    return new RestKubeClient(path);
  }

  private config(): Promise<{ kc: KubeConfigLike; server: string }> {
    this.loaded ??= (async () => {
      let kc: KubeConfigLike;
      if (typeof this.source === 'string') {
        const { KubeConfig } = await import('@kubernetes/client-node');
        const full = new KubeConfig();
        try {
          full.loadFromFile(this.source);
        } catch (err) {
          const why = (err as Error).message.split('\n')[0] ?? '';
          throw new KindlabError({
            code: 'cluster-missing',
            message: { en: `cannot read the cluster kubeconfig ${this.source}: ${why}`, zh: `无法读取集群的 kubeconfig ${this.source}：${why}` },
            hint: { en: 'Run `kindlab up` to create the cluster (or rewrite its kubeconfig).', zh: '运行 `kindlab up` 创建集群（或重新写出它的 kubeconfig）。' },
          });
        }
        kc = full as unknown as KubeConfigLike;
      } else {
        kc = this.source;
      }
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new KindlabError({ code: 'bad-input', message: 'the kubeconfig has no current cluster', hint: 'Run `kindlab up` to recreate the cluster kubeconfig.' });
      return { kc, server: cluster.server.replace(/\/$/, '') };
    })();
    this.loaded.catch(() => {
      this.loaded = null;
    });
    return this.loaded;
  }

  // ── low level ──

  private async requestOptions(method: string, path: string, headers: Record<string, string>): Promise<https.RequestOptions> {
    const { kc, server } = await this.config();
    const url = new URL(server + path);
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { Accept: 'application/json', ...headers },
    };
    await kc.applyToHTTPSOptions(opts);
    return opts;
  }

  private async send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = payload === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(payload)) };
    const opts = await this.requestOptions(method, path, headers);
    const mod = opts.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = mod.request({ ...opts, timeout: this.requestTimeoutMs, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`request timed out after ${this.requestTimeoutMs} ms`)));
      req.on('error', (err) => {
        if (signal?.aborted) reject(cancelled());
        else reject(new KubeApiError(0, 'Unreachable', `cannot reach the Kubernetes API at ${opts.hostname}:${opts.port}: ${err.message}`, method, path));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async json<T>(method: string, path: string, body?: unknown, contentType?: string, signal?: AbortSignal): Promise<T> {
    const { status, text } = await this.send(method, path, body, contentType, signal);
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as T;
    let parsed: StatusBody = {};
    try {
      parsed = JSON.parse(text) as StatusBody;
    } catch {
      parsed = { message: text.trim() };
    }
    throw new KubeApiError(status, parsed.reason ?? String(status), parsed.message || `HTTP ${status}`, method, path);
  }

  // ── discovery ──

  private async resources(apiVersion: string, refresh = false): Promise<Map<string, ResourceInfo>> {
    const cached = this.discovery.get(apiVersion);
    if (cached && !refresh) return cached;
    const map = new Map<string, ResourceInfo>();
    try {
      const list = await this.json<ApiResourceList>('GET', apiBase(apiVersion));
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        map.set(r.kind, { name: r.name, namespaced: r.namespaced });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.discovery.set(apiVersion, map);
    return map;
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let info = (await this.resources(apiVersion)).get(kind);
    if (!info) info = (await this.resources(apiVersion, true)).get(kind);
    if (!info) {
      throw new KubeApiError(404, 'NotFound', `the server does not serve ${kind} in ${apiVersion} (is its CRD installed?)`, 'GET', apiBase(apiVersion));
    }
    return info;
  }

  async served(apiVersion: string, kind: string): Promise<boolean> {
    const map = await this.resources(apiVersion, true);
    return map.has(kind);
  }

  private async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${apiBase(apiVersion)}${ns}/${r.name}`;
  }

  private async allNamespacesPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${apiBase(apiVersion)}${ns}/${r.name}`;
  }

  // ── verbs ──

  async apply(obj: KubeObject, opts: { fieldManager?: string; signal?: AbortSignal } = {}): Promise<KubeObject> {
    const base = await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace);
    const q = new URLSearchParams({ fieldManager: opts.fieldManager ?? 'kindlab', force: 'true', fieldValidation: 'Strict' });
    return this.json<KubeObject>('PATCH', `${base}/${encodeURIComponent(obj.metadata.name)}?${q.toString()}`, obj, 'application/apply-patch+yaml', opts.signal);
  }

  async create(obj: KubeObject, opts: { signal?: AbortSignal } = {}): Promise<KubeObject> {
    const base = await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return this.json<KubeObject>('POST', `${base}?fieldValidation=Strict`, obj, 'application/json', opts.signal);
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | null> {
    const base = await this.collectionPath(apiVersion, kind, namespace);
    try {
      return await this.json<KubeObject>('GET', `${base}/${encodeURIComponent(name)}`);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<ListResult> {
    const base = await this.allNamespacesPath(apiVersion, kind, opts.namespace);
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const qs = q.toString();
    const res = await this.json<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>('GET', qs ? `${base}?${qs}` : base);
    const items = (res.items ?? []).map((i) => ({ ...i, apiVersion, kind }));
    return { items, resourceVersion: res.metadata?.resourceVersion ?? '' };
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string, opts: DeleteOptions = {}): Promise<boolean> {
    const base = await this.collectionPath(apiVersion, kind, namespace);
    try {
      await this.json('DELETE', `${base}/${encodeURIComponent(name)}`, {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: opts.propagation ?? 'Background',
        ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async watch(
    apiVersion: string,
    kind: string,
    opts: ListOptions & { resourceVersion?: string; timeoutSeconds?: number },
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const base = await this.allNamespacesPath(apiVersion, kind, opts.namespace);
    const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(opts.timeoutSeconds ?? 240) });
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    if (opts.resourceVersion) q.set('resourceVersion', opts.resourceVersion);
    const path = `${base}?${q.toString()}`;
    const reqOpts = await this.requestOptions('GET', path, {});
    const mod = reqOpts.protocol === 'http:' ? http : https;
    if (signal.aborted) return;
    await new Promise<void>((resolve, reject) => {
      // A watch holds its connection for minutes: give it its own socket, outside the pool.
      const req = mod.request({ ...reqOpts, signal, agent: false }, (res) => {
        res.on('error', () => resolve());
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let msg = Buffer.concat(chunks).toString('utf8');
            try {
              msg = (JSON.parse(msg) as StatusBody).message ?? msg;
            } catch {
              // keep raw text
            }
            reject(new KubeApiError(res.statusCode ?? 0, 'WatchFailed', msg, 'GET', path));
          });
          return;
        }
        // Line splitting by hand: readline re-emits a stream error on its interface, where an
        // aborted watch would surface as an uncaught exception.
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            nl = buffered.indexOf('\n');
            if (!line.trim()) continue;
            let ev: { type: WatchEventType; object: KubeObject };
            try {
              ev = JSON.parse(line) as { type: WatchEventType; object: KubeObject };
            } catch {
              continue; // a torn line at shutdown; the caller re-lists after the watch ends
            }
            if (ev.type === 'ERROR') {
              const st = ev.object as unknown as StatusBody;
              reject(new KubeApiError(st.code ?? 500, st.reason ?? 'WatchError', st.message ?? 'watch error', 'GET', path));
              req.destroy();
              return;
            }
            onEvent(ev.type, ev.type === 'BOOKMARK' ? ev.object : { ...ev.object, apiVersion, kind });
          }
        });
        res.on('end', () => resolve());
      });
      req.on('error', (err) => {
        if (signal.aborted) resolve();
        else reject(new KubeApiError(0, 'Unreachable', `watch on ${kind} broke: ${err.message}`, 'GET', path));
      });
      req.end();
    });
  }

  async podLogs(namespace: string, name: string, opts: { container?: string; tailLines?: number } = {}): Promise<string> {
    const q = new URLSearchParams();
    if (opts.container) q.set('container', opts.container);
    if (opts.tailLines) q.set('tailLines', String(opts.tailLines));
    const qs = q.toString();
    const { status, text } = await this.send('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log${qs ? `?${qs}` : ''}`);
    if (status >= 300) {
      let message = text;
      try {
        message = (JSON.parse(text) as StatusBody).message ?? text;
      } catch {
        // plain text
      }
      throw new KubeApiError(status, 'LogsFailed', message, 'GET', `pods/${name}/log`);
    }
    return text;
  }

  async version(): Promise<{ gitVersion: string }> {
    return this.json<{ gitVersion: string }>('GET', '/version');
  }
}
