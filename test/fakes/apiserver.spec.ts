// The fake API server speaks the API the way RestKubeClient expects: discovery, CRUD with
// server-side apply, selectors, watches, errors and cascades.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiError, type KubeObject, type WatchEventType } from '../../electron/engine/kube/client.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { clientFor, fixtureObjects, until } from './testkit.ts';

let api: FakeApiServer;

beforeEach(async () => {
  if (!api) api = await startFakeApiServer({});
  api.seed({ name: 'cluster01' });
  api.resetCounters();
});

afterAll(async () => {
  await api?.close();
});

const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

async function rawGet(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.url}${path}`, { headers: { Authorization: `Bearer ${api.cluster()?.token}` } });
  return { status: res.status, body: await res.json() };
}

describe('discovery and version', () => {
  it('serves the core and group resource lists, with subresources', async () => {
    const core = await rawGet('/api/v1');
    expect(core.body.kind).toBe('APIResourceList');
    expect(core.body.groupVersion).toBe('v1');
    const pods = core.body.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod' });
    expect(pods.verbs).toContain('watch');
    expect(core.body.resources.map((r: any) => r.name)).toContain('pods/log');
    const apps = await rawGet('/apis/apps/v1');
    expect(apps.body.resources.map((r: any) => r.name)).toEqual(expect.arrayContaining(['deployments', 'daemonsets', 'statefulsets', 'replicasets']));
    const missing = await rawGet('/apis/metallb.io/v1beta1');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('reports v1.35.8 and refuses requests without the token', async () => {
    const client = clientFor(api);
    expect((await client.version()).gitVersion).toBe('v1.35.8');
    const res = await fetch(`${api.url}/api/v1/namespaces`);
    expect(res.status).toBe(401);
  });

  it('serves custom kinds only after their CRD, in every served version', async () => {
    const client = clientFor(api);
    expect(await client.served('metallb.io/v1beta1', 'IPAddressPool')).toBe(false);
    for (const o of fixtureObjects('metallb-native.yaml').filter((o) => o.kind === 'CustomResourceDefinition')) await client.apply(o);
    expect(await client.served('metallb.io/v1beta1', 'IPAddressPool')).toBe(true);
    expect(await client.served('metallb.io/v1beta2', 'BGPPeer')).toBe(true);
    expect(await client.served('metallb.io/v1beta1', 'BGPPeer')).toBe(true);
    const crd = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ipaddresspools.metallb.io');
    expect((crd?.status as any).conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]));
    // Deleting the CRD stops serving the kind.
    await client.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ipaddresspools.metallb.io');
    expect(await client.served('metallb.io/v1beta1', 'IPAddressPool')).toBe(false);
  });
});

describe('CRUD and server-side apply', () => {
  it('creates with apply, merges a re-apply, and changes nothing on an identical one', async () => {
    const client = clientFor(api);
    const first = await client.apply(cm('cfg', { a: '1' }, { app: 'x', tier: 'web' }));
    expect(first.metadata.uid).toBeTruthy();
    expect(first.metadata.creationTimestamp).toMatch(/Z$/);
    const again = await client.apply(cm('cfg', { a: '1' }, { app: 'x', tier: 'web' }));
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(api.writes()).toBe(2);
    expect(api.changes()).toBe(1);
    // Another writer adds a key; the next apply by kindlab keeps it (not its field) but drops its own removed label.
    const res = await fetch(`${api.url}/api/v1/namespaces/default/configmaps/cfg`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${api.cluster()?.token}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { other: 'kept' } }),
    });
    expect(res.status).toBe(200);
    const merged = await client.apply(cm('cfg', { a: '2' }, { app: 'x' }));
    expect(merged.data).toEqual({ a: '2', other: 'kept' });
    expect(merged.metadata.labels).toEqual({ app: 'x' });
    expect(Number(merged.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
  });

  it('bumps generation on spec changes only', async () => {
    const client = clientFor(api);
    const dep = (replicas: number, labels: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.30.4-alpine' }] } } },
    });
    const a = await client.apply(dep(1));
    expect(a.metadata.generation).toBe(1);
    const b = await client.apply(dep(1, { team: 'a' }));
    expect(b.metadata.generation).toBe(1);
    const c = await client.apply(dep(2, { team: 'a' }));
    expect(c.metadata.generation).toBe(2);
  });

  it('answers with real Status errors', async () => {
    const client = clientFor(api);
    await client.create(cm('dup', { a: '1' }));
    const err = await client.create(cm('dup', { a: '1' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(409);
    expect((err as KubeApiError).message).toBe('configmaps "dup" already exists');
    expect(await client.get('v1', 'Pod', 'nope', 'default')).toBeNull();
    const missing = await rawGet('/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
    const inMissingNs = await client.create({ ...cm('x', {}), metadata: { name: 'x', namespace: 'ghost' } }).catch((e: unknown) => e);
    expect((inMissingNs as KubeApiError).message).toBe('namespaces "ghost" not found');
    expect(await client.delete('v1', 'ConfigMap', 'dup', 'default')).toBe(true);
    expect(await client.delete('v1', 'ConfigMap', 'dup', 'default')).toBe(false);
  });

  it('rejects unknown Service fields like the real server', async () => {
    const client = clientFor(api);
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'typo', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ port: 80, targtPort: 8080 }], foo: 1 } };
    const created = await client.create(svc).catch((e: unknown) => e as KubeApiError);
    expect(created.status).toBe(400);
    expect(created.message).toBe('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].targtPort", unknown field "spec.foo"');
    const applied = await client.apply(svc).catch((e: unknown) => e as KubeApiError);
    expect(applied.status).toBe(500);
    expect(applied.message).toMatch(/^failed to create typed patch object \(default\/typo; \/v1, Kind=Service\): /);
    expect(applied.message).toContain('.spec.foo: field not declared in schema');
    expect(applied.message).toContain('.spec.ports[port=80,protocol="TCP"].targtPort: field not declared in schema');
  });

  it('allocates cluster IPs and node ports, keeping them across re-applies', async () => {
    const client = clientFor(api);
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'fixed', port: 81, nodePort: 30081 }] } };
    const a = await client.apply(svc);
    const spec = a.spec as any;
    expect(spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(spec.clusterIP).not.toMatch(/^10\.96\.0\.(1|10)$/);
    expect(spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(spec.ports[1].nodePort).toBe(30081);
    const b = await client.apply(svc);
    expect((b.spec as any).ports[0].nodePort).toBe(spec.ports[0].nodePort);
    expect(b.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    const clash = await client.create({ ...svc, metadata: { name: 'np2', namespace: 'default' } }).catch((e: unknown) => e as KubeApiError);
    expect(clash.status).toBe(422);
    expect(clash.message).toBe('Service "np2" is invalid: spec.ports[1].nodePort: Invalid value: 30081: provided port is already allocated');
  });
});

describe('lists with selectors', () => {
  it('honours label and field selectors, including cluster-wide lists', async () => {
    const client = clientFor(api);
    await client.apply(cm('a', {}, { app: 'web', tier: 'front' }));
    await client.apply(cm('b', {}, { app: 'db' }));
    await client.apply(cm('c', {}, { app: 'cache', tier: 'back' }));
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await client.list('v1', 'ConfigMap', { namespace: 'default', ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })).items
        .map((i) => i.metadata.name)
        .filter((n) => n.length === 1);
    expect(await names('app=web')).toEqual(['a']);
    expect(await names('app in (web,db)')).toEqual(['a', 'b']);
    expect(await names('app notin (web,db)')).toEqual(['c']);
    expect(await names('!tier')).toEqual(['b']);
    expect(await names('tier')).toEqual(['a', 'c']);
    expect(await names('app!=web,tier')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    const all = await client.list('v1', 'Pod');
    expect(new Set(all.items.map((p) => p.metadata.namespace))).toContain('kube-system');
    const cp = await client.list('v1', 'Pod', { fieldSelector: 'spec.nodeName=cluster01-control-plane' });
    expect(cp.items.length).toBeGreaterThan(0);
    expect(cp.items.every((p) => (p.spec as any).nodeName === 'cluster01-control-plane')).toBe(true);
    const pending = await client.list('v1', 'Pod', { namespace: 'kube-system', fieldSelector: 'status.phase=Pending' });
    expect(pending.items.map((p) => p.metadata.name).some((n) => n.startsWith('coredns-'))).toBe(true);
  });
});

describe('watches', () => {
  it('replays what happened after a resourceVersion and streams what follows', async () => {
    const client = clientFor(api);
    const { resourceVersion } = await client.list('v1', 'ConfigMap', { namespace: 'default' });
    await client.apply(cm('w1', { a: '1' }, { watch: 'me' }));
    await client.apply(cm('w2', { a: '1' }));
    const seen: [WatchEventType, string][] = [];
    // Ended by the server (timeoutSeconds; the fake accepts fractions), not by aborting: see the README.
    const done = client.watch('v1', 'ConfigMap', { namespace: 'default', labelSelector: 'watch=me', resourceVersion, timeoutSeconds: 0.4 }, (t, o) => {
      if (t !== 'BOOKMARK') seen.push([t, o.metadata.name]);
    }, new AbortController().signal);
    await until(() => seen.length >= 1, 'replayed ADDED');
    await client.apply(cm('w1', { a: '2' }, { watch: 'me' }));
    await client.apply(cm('w1', { a: '2' }, { other: 'label' }));
    await client.apply(cm('w3', { a: '1' }, { watch: 'me' }));
    await done;
    expect(seen).toEqual([
      ['ADDED', 'w1'],
      ['MODIFIED', 'w1'],
      ['DELETED', 'w1'],
      ['ADDED', 'w3'],
    ]);
  });

  it('starts with ADDED for existing objects, sends bookmarks and ends at timeoutSeconds', async () => {
    const client = clientFor(api);
    await client.apply(cm('x1', {}, { set: 'x' }));
    const seen: string[] = [];
    const t0 = Date.now();
    api.setScenario({ timings: { bookmarkMs: 100 } });
    await client.watch('v1', 'ConfigMap', { namespace: 'default', labelSelector: 'set=x', timeoutSeconds: 0.4 }, (t, o) => seen.push(t === 'BOOKMARK' ? t : `${t} ${o.metadata.name}`), new AbortController().signal);
    api.setScenario({});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(seen[0]).toBe('ADDED x1');
    expect(seen.slice(1).every((s) => s === 'BOOKMARK')).toBe(true);
    expect(seen).toContain('BOOKMARK');
  });

  it('answers a watch from an expired resourceVersion with a 410 ERROR event', async () => {
    const client = clientFor(api);
    api.state.historyLimit = 3;
    for (let i = 0; i < 6; i++) await client.apply(cm(`fill${i}`, {}));
    api.state.historyLimit = 50_000;
    const res = await fetch(`${api.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1001`, { headers: { Authorization: `Bearer ${api.cluster()?.token}` } });
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].type).toBe('ERROR');
    expect(lines[0].object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(lines[0].object.message).toMatch(/^too old resource version: 1001 \(\d+\)$/);
  });
});

describe('deletion', () => {
  it('deletes a namespace with everything in it, refusing new content meanwhile', async () => {
    const client = clientFor(api);
    api.setScenario({ timings: { namespaceDeleteMs: 300 } });
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } });
    await client.apply({ ...cm('in-lab', {}), metadata: { name: 'in-lab', namespace: 'lab' } });
    const ns = await client.get('v1', 'Namespace', 'lab');
    expect(ns?.metadata.labels?.['kubernetes.io/metadata.name']).toBe('lab');
    await client.delete('v1', 'Namespace', 'lab');
    const terminating = await client.get('v1', 'Namespace', 'lab');
    expect((terminating?.status as any)?.phase).toBe('Terminating');
    const refused = await client.create({ ...cm('late', {}), metadata: { name: 'late', namespace: 'lab' } }).catch((e: unknown) => e as KubeApiError);
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('configmaps "late" is forbidden: unable to create new content in namespace lab because it is being terminated');
    expect(await client.get('v1', 'ConfigMap', 'in-lab', 'lab')).toBeNull();
    await until(async () => (await client.get('v1', 'Namespace', 'lab')) === null, 'namespace gone');
    api.setScenario({});
  });

  it('garbage-collects what a Deployment owns', async () => {
    const client = clientFor(api);
    await client.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gc', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'gc' } }, template: { metadata: { labels: { app: 'gc' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await until(async () => (await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=gc' })).items.length === 2, 'pods created');
    const pod = (await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=gc' })).items[0];
    expect(pod?.metadata.name).toMatch(/^gc-[a-z0-9]{10}-[a-z0-9]{5}$/);
    await client.delete('apps/v1', 'Deployment', 'gc', 'default');
    expect((await client.list('apps/v1', 'ReplicaSet', { namespace: 'default' })).items).toHaveLength(0);
    expect((await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=gc' })).items).toHaveLength(0);
  });

  it('drops the connection when no cluster exists, like a stopped API server', async () => {
    const client = clientFor(api);
    api.wipe();
    const err = (await client.version().catch((e: unknown) => e)) as KubeApiError;
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/cannot reach the Kubernetes API/);
  });
});
