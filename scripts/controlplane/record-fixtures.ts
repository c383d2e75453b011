// Records test/fixtures/api/*.json — the API objects the lab checks' unit tests read — from a
// real kube-apiserver v1.35.8 with KWOK nodes (the tier-3 control plane), so those tests run
// against what a server really returns rather than hand-written JSON.
//
//   npx tsx scripts/controlplane/record-fixtures.ts [--kubeconfig FILE] [--out DIR]
//
// Without --kubeconfig it starts its own control plane with start.sh and stops it at the end.
// The lab manifests are applied the way the labs apply them (rendered with the lab variables,
// labelled with the lab, server-side apply under the labs' field manager). Every wait watches
// the API. What a controller that tier 3 does not run would write (MetalLB's addresses, pool
// counts and events, ingress-nginx's Ingress status, a kubelet's ImagePullBackOff) is written
// through the real API — status subresource or events API — so the server still validates it.
// Only metadata.managedFields is dropped from what the server returned. The README beside the
// fixtures is generated here too, one row per file with its provenance.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { applyAll, applyWithWebhookRetry, orderForApply } from '../../electron/engine/addons/apply.ts';
import { parseManifest } from '../../electron/engine/addons/manifests.ts';
import { METALLB_NS, poolObjects } from '../../electron/engine/addons/metallb.ts';
import { RestKubeClient, type KubeObject } from '../../electron/engine/kube/client.ts';
import type { Verdict } from '../../electron/engine/kube/wait.ts';
import { waitFor } from '../../electron/engine/kube/wait.ts';
import { LAB_FIELD_MANAGER } from '../../electron/engine/labs/actions.ts';
import { prepareObjects } from '../../electron/engine/labs/manifest.ts';
import { computeLabVars, type LabVars } from '../../electron/engine/labs/vars.ts';
import { fetchPinnedMetallb, poolPlan } from '../../test/controlplane/world.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HERE = join(REPO, 'scripts', 'controlplane');
const SERVER = 'kube-apiserver v1.35.8 + KWOK';
const RERECORD = 'npx tsx scripts/controlplane/record-fixtures.ts';
const WAIT_MS = 120_000;
/** The book's image for nginx-lb: gone from Docker Hub, so a real kubelet backs off pulling it. */
const BOOK_NGINX_IMAGE = 'bitnami/nginx:1.29.1';

// ── command line ──

interface Options {
  kubeconfig?: string;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { out: join(REPO, 'test', 'fixtures', 'api') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--kubeconfig') opts.kubeconfig = value();
    else if (a === '--out') opts.out = value();
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 15).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

// ── the control plane this run owns (if any) ──

interface OwnedPlane {
  state: string;
  kubeconfig: string;
  stop(): void;
}

function startPlane(): OwnedPlane {
  const state = join(mkdtempSync(join(tmpdir(), 'kindlab-rec-')), 'state');
  const r = spawnSync('bash', [join(HERE, 'start.sh'), state], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const kubeconfig = /KUBECONFIG=(\S+)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !kubeconfig) throw new Error(`start.sh failed (exit ${r.status})`);
  let stopped = false;
  return {
    state,
    kubeconfig,
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync('bash', [join(HERE, 'stop.sh'), state], { stdio: 'inherit' });
    },
  };
}

/**
 * Stops the KWOK controller of a control plane this run started: after this no one plays a
 * kubelet, so a pod keeps the status we write. start.sh runs each component as its own process
 * group, recorded in pids/<name>.pid.
 */
async function stopKwok(plane: OwnedPlane): Promise<void> {
  const pid = Number(readFileSync(join(plane.state, 'pids', 'kwok.pid'), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error('no kwok pid in the state dir');
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}

// ── raw API access: the fixtures keep the server's JSON as it came ──

class RawApi {
  private kc: import('@kubernetes/client-node').KubeConfig | null = null;
  constructor(private readonly kubeconfig: string) {}

  private async config() {
    if (!this.kc) {
      const { KubeConfig } = await import('@kubernetes/client-node');
      this.kc = new KubeConfig();
      this.kc.loadFromFile(this.kubeconfig);
    }
    return this.kc;
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Record<string, unknown>> {
    const kc = await this.config();
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(server.replace(/\/$/, '') + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const opts: https.RequestOptions = {
      method,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(payload)) } : {}) },
    };
    await kc.applyToHTTPSOptions(opts);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
    if (status < 200 || status >= 300) throw new Error(`${method} ${path} → ${status}: ${text.trim()}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** A merge patch, as a controller's status update would change the same fields. */
  patch(path: string, body: unknown, fieldManager: string) {
    return this.request('PATCH', `${path}?fieldManager=${encodeURIComponent(fieldManager)}`, body, 'application/merge-patch+json');
  }
}

// ── fixtures and their provenance ──

interface Provenance {
  file: string;
  request: string;
  source: string;
  /** What a controller that does not run in tier 3 would have written, and we wrote for it. */
  played?: string;
}

const recorded: Provenance[] = [];
const skipped: { file: string; why: string }[] = [];

function withoutManagedFields(o: Record<string, unknown>): Record<string, unknown> {
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (meta && 'managedFields' in meta) {
    const { managedFields: _drop, ...rest } = meta;
    o = { ...o, metadata: rest };
  }
  if (Array.isArray(o.items)) o = { ...o, items: (o.items as Record<string, unknown>[]).map(withoutManagedFields) };
  return o;
}

async function record(api: RawApi, out: string, p: Omit<Provenance, 'request'> & { path: string }): Promise<Record<string, unknown>> {
  const body = await api.get(p.path);
  writeFileSync(join(out, `${p.file}.json`), `${JSON.stringify(withoutManagedFields(body), null, 2)}\n`);
  recorded.push({ file: `${p.file}.json`, request: `GET ${decodeURIComponent(p.path)}`, source: p.source, ...(p.played ? { played: p.played } : {}) });
  console.error(`[rec] ${p.file}.json ← GET ${decodeURIComponent(p.path)}`);
  return body;
}

/** The README's row of a file, from the README as it stands. */
function previousRow(out: string, file: string): string | undefined {
  let text = '';
  try {
    text = readFileSync(join(out, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
  return text.split('\n').find((l) => l.startsWith(`| \`${file}\` |`));
}

function writeReadme(out: string): void {
  // A skipped file keeps its earlier recording, so it keeps its earlier row too.
  const kept = skipped.map((s) => ({ file: s.file, row: previousRow(out, s.file) })).filter((k): k is { file: string; row: string } => k.row !== undefined);
  const rows = [...recorded.map((r) => ({ file: r.file, row: `| \`${r.file}\` | \`${r.request}\` | ${r.source} | ${r.played ?? '—'} |` })), ...kept]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((r) => r.row);
  const text = [
    '# test/fixtures/api — recorded API responses',
    '',
    `Every file here is recorded from ${SERVER} by scripts/controlplane/record-fixtures.ts:`,
    'the tier-3 control plane (scripts/controlplane/start.sh), the lab manifests applied the way the',
    'labs apply them, each wait done by watching the API until the objects are steady, then one GET',
    'or LIST per file. The JSON is the server\'s answer with only `metadata.managedFields` removed.',
    'This README is generated by the same script; do not edit the files by hand.',
    '',
    'Re-record (builds the control plane if needed, about a minute warm):',
    '',
    '```',
    RERECORD,
    '```',
    '',
    'Where a controller that tier 3 does not run (MetalLB, ingress-nginx, a kubelet pulling images)',
    'would write something, the script writes exactly that through the real API — the status',
    'subresource or the events API — so the server still validates, defaults and returns it. The',
    'last column says what was written that way.',
    '',
    '| file | request | what was applied | written for a controller that does not run here |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  writeFileSync(join(out, 'README.md'), text.join('\n'));
}

// ── applying lab manifests, as the labs do ──

async function applyLabManifest(client: RestKubeClient, vars: LabVars, labId: string, file: string, edit?: (o: KubeObject) => KubeObject | null): Promise<KubeObject[]> {
  const path = join('manifests', file);
  const text = readFileSync(join(REPO, 'labs', labId, path), 'utf8');
  const objs = orderForApply(prepareObjects(text, vars, labId, path))
    .map((o) => (edit ? edit(o) : o))
    .filter((o): o is KubeObject => o !== null);
  for (const o of objs) await applyWithWebhookRetry(client, o, { fieldManager: LAB_FIELD_MANAGER });
  return objs;
}

// ── steady states, judged on watch events ──

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const podReady = (p: Obj) =>
  p.status?.phase === 'Running' && !!p.status?.podIP && ((p.status?.conditions as { type: string; status: string }[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function until(client: RestKubeClient, what: string, target: { apiVersion: string; kind: string; namespace?: string; labelSelector?: string; fieldSelector?: string }, done: (objs: Obj[]) => boolean): Promise<Obj[]> {
  const judge = (objs: KubeObject[]): Verdict => ({ done: done(objs as Obj[]), message: what });
  const objs = (await waitFor(client, target, judge, { timeoutMs: WAIT_MS, what })) as Obj[];
  console.error(`[rec] steady: ${what}`);
  return objs;
}

async function podsReady(client: RestKubeClient, namespace: string, labelSelector: string, count: number): Promise<Obj[]> {
  return until(client, `${count} pod(s) ${labelSelector} Running and Ready in ${namespace}`, { apiVersion: 'v1', kind: 'Pod', namespace, labelSelector }, (ps) => ps.length === count && ps.every(podReady));
}

/** The Service's one EndpointSlice lists exactly these pods' IPs, all ready. */
async function sliceSteady(client: RestKubeClient, namespace: string, service: string, pods: Obj[]): Promise<Obj> {
  const want = pods.map((p) => String(p.status?.podIP)).sort();
  const [slice] = await until(client, `EndpointSlice of ${namespace}/${service} lists ${want.join(', ')}`, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace, labelSelector: `kubernetes.io/service-name=${service}` }, (slices) => {
    if (slices.length !== 1) return false;
    const eps = ((slices[0] as { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] }).endpoints ?? []);
    const got = eps.flatMap((e) => e.addresses).sort();
    return eps.every((e) => e.conditions?.ready === true) && JSON.stringify(got) === JSON.stringify(want);
  });
  if (!slice) throw new Error('no EndpointSlice');
  return slice;
}

// ── what MetalLB's controller writes (go.universe.tf/metallb v0.16.1, controller/service.go) ──

/** client-go's event recorder: "<object name>.<unix nanoseconds in hex>", Count 1, both timestamps now. */
async function emitServiceEvent(api: RawApi, svc: Record<string, unknown>, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  const meta = svc.metadata as { name: string; namespace: string; uid: string; resourceVersion: string };
  const now = new Date();
  const stamp = `${now.toISOString().replace(/\.\d+Z$/, 'Z')}`;
  const nanos = BigInt(now.getTime()) * 1_000_000n;
  await api.request('POST', `/api/v1/namespaces/${meta.namespace}/events`, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${meta.name}.${nanos.toString(16)}`, namespace: meta.namespace },
    involvedObject: { kind: 'Service', namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: 'v1', resourceVersion: meta.resourceVersion },
    reason,
    message,
    source: { component: 'metallb-controller' },
    firstTimestamp: stamp,
    lastTimestamp: stamp,
    count: 1,
    type,
    reportingComponent: 'metallb-controller',
    reportingInstance: '',
  });
}

/** An allocation as convergeService does it: the event, the pool annotation, then the status. */
async function metallbAssign(api: RawApi, namespace: string, name: string, pool: string, ip: string): Promise<void> {
  const path = `/api/v1/namespaces/${namespace}/services/${name}`;
  const svc = await api.get(path);
  await emitServiceEvent(api, svc, 'Normal', 'IPAllocated', `Assigned IP ["${ip}"]`);
  await api.patch(path, { metadata: { annotations: { 'metallb.io/ip-allocated-from-pool': pool } } }, 'metallb-controller');
  await api.patch(`${path}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } }, 'metallb-controller');
}

function rangeAddresses(range: string): { first: string; size: number; contains(ip: string): boolean } {
  const [a, b] = range.includes('-') ? range.split('-') : [];
  if (a && b) {
    const lo = ipaddr.IPv4.parse(a).toByteArray().reduce((n, x) => n * 256 + x, 0);
    const hi = ipaddr.IPv4.parse(b).toByteArray().reduce((n, x) => n * 256 + x, 0);
    const num = (ip: string) => ipaddr.IPv4.parse(ip).toByteArray().reduce((n, x) => n * 256 + x, 0);
    return { first: a, size: hi - lo + 1, contains: (ip) => ipaddr.IPv4.isValid(ip) && num(ip) >= lo && num(ip) <= hi };
  }
  const cidr = ipaddr.IPv4.parseCIDR(range);
  return { first: cidr[0].toString(), size: 2 ** (32 - cidr[1]), contains: (ip) => ipaddr.IPv4.isValid(ip) && ipaddr.IPv4.parse(ip).match(cidr) };
}

/** PoolStatusReconciler's counters: addresses in use by LoadBalancer Services, and the rest. */
async function metallbPoolStatus(api: RawApi, pools: KubeObject[]): Promise<void> {
  const svcs = (await api.get('/api/v1/services')).items as Obj[];
  const inUse = svcs.flatMap((s) => ((s.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? []).map((i) => i.ip ?? ''));
  for (const p of pools) {
    const ranges = ((p.spec as { addresses: string[] }).addresses ?? []).map(rangeAddresses);
    const size = ranges.reduce((n, r) => n + r.size, 0);
    const assigned = inUse.filter((ip) => ranges.some((r) => r.contains(ip))).length;
    await api.patch(`/apis/metallb.io/v1beta1/namespaces/${METALLB_NS}/ipaddresspools/${p.metadata.name}/status`, { status: { assignedIPv4: assigned, assignedIPv6: 0, availableIPv4: size - assigned, availableIPv6: 0 } }, 'metallb-controller');
  }
}

async function installMetallbCrds(client: RestKubeClient): Promise<void> {
  const { text } = await fetchPinnedMetallb();
  // The CRDs and their namespace only: the controller and speakers would not run here anyway.
  // MetalLB converts BGPPeer versions through its webhook, which does not run either.
  const objs = parseManifest(text, 'metallb-native.yaml').filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
  for (const o of objs) if (o.kind === 'CustomResourceDefinition') delete (o.spec as { conversion?: unknown }).conversion;
  await applyAll(client, objs, { crdTimeoutMs: 60_000 });
}

// ── what a kubelet writes for a container whose image cannot be pulled ──

async function kubeletImagePullBackOff(api: RawApi, namespace: string, name: string, podIP: string, hostIP: string): Promise<void> {
  const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
  const pod = (await api.get(path)) as Obj;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const containers = (pod.spec?.containers as { name: string; image: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[]) ?? [];
  const names = containers.map((c) => c.name).join(' ');
  const scheduled = ((pod.status?.conditions as Record<string, unknown>[] | undefined) ?? []).filter((c) => c.type === 'PodScheduled');
  const cond = (type: string, status: string, extra: Record<string, unknown> = {}) => ({ type, status, lastProbeTime: null, lastTransitionTime: now, ...extra });
  const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` };
  await api.patch(
    `${path}/status`,
    {
      status: {
        phase: 'Pending',
        conditions: [cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', 'False', notReady), cond('ContainersReady', 'False', notReady), ...scheduled],
        hostIP,
        hostIPs: [{ ip: hostIP }],
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: now,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          ready: false,
          restartCount: 0,
          started: false,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${c.image}": ErrImagePull: failed to pull and unpack image "docker.io/${c.image}": failed to resolve reference "docker.io/${c.image}": docker.io/${c.image}: not found`,
            },
          },
          volumeMounts: (c.volumeMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) })),
        })),
      },
    },
    'kubelet',
  );
}

/** The first address of the node's podCIDR that no pod holds: what the CNI would hand out next. */
async function nextPodIP(api: RawApi, node: Obj): Promise<string> {
  const cidr = ipaddr.IPv4.parseCIDR(String(node.spec?.podCIDR));
  const taken = new Set(((await api.get('/api/v1/pods')).items as Obj[]).map((p) => String(p.status?.podIP ?? '')));
  const base = cidr[0].toByteArray();
  for (let i = 1; i < 2 ** (32 - cidr[1]) - 1; i++) {
    const ip = ipaddr.fromByteArray([base[0] ?? 0, base[1] ?? 0, (base[2] ?? 0) + Math.floor(i / 256), i % 256]).toString();
    if (!taken.has(ip)) return ip;
  }
  throw new Error(`no free address in ${String(node.spec?.podCIDR)}`);
}

// ── the recording ──

async function recordAll(kubeconfig: string, out: string, plane: OwnedPlane | null): Promise<void> {
  const client = RestKubeClient.fromFile(kubeconfig);
  const api = new RawApi(kubeconfig);
  const at = (file: string) => `labs/${file}`;

  await until(client, 'both nodes Ready', { apiVersion: 'v1', kind: 'Node' }, (ns) => ns.length === 2 && ns.every((n) => ((n.status?.conditions as { type: string; status: string }[]) ?? []).some((c) => c.type === 'Ready' && c.status === 'True')));
  const nodes = (await record(api, out, { file: 'nodes', path: '/api/v1/nodes', source: 'the two KWOK nodes start.sh creates, shaped like a 2-node kind cluster' })).items as Obj[];
  const nodeIP = (name: string) => ((nodes.find((n) => n.metadata.name === name)?.status?.addresses as { type: string; address: string }[] | undefined) ?? []).find((a) => a.type === 'InternalIP')?.address ?? null;
  const vars = computeLabVars({ plan: poolPlan(), ingressAddress: '127.0.0.1', workerIP: nodeIP('cluster01-worker'), controlPlaneIP: nodeIP('cluster01-control-plane'), clusterName: 'cluster01' });

  // services lab: the Deployment and the two-port ClusterIP Service.
  await applyLabManifest(client, vars, 'services', 'nginx-frontend-deployment.yaml');
  await applyLabManifest(client, vars, 'services', 'nginx-frontend-service.yaml');
  const frontend = await podsReady(client, 'default', 'run=nginx-frontend', 3);
  const frontendSlice = await sliceSteady(client, 'default', 'nginx-frontend', frontend);
  const servicesSrc = `${at('services/manifests/nginx-frontend-deployment.yaml')} + ${at('services/manifests/nginx-frontend-service.yaml')}`;
  await record(api, out, { file: 'pods-nginx-frontend', path: '/api/v1/namespaces/default/pods?labelSelector=run%3Dnginx-frontend', source: servicesSrc });
  await record(api, out, { file: 'service-nginx-frontend', path: '/api/v1/namespaces/default/services/nginx-frontend', source: servicesSrc });
  await record(api, out, { file: 'endpointslice-nginx-frontend', path: `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${frontendSlice.metadata.name}`, source: `${servicesSrc} (the EndpointSlice controller's slice)` });

  // ingress lab: nginx-web behind a Service, and the Ingress for webserver.<dashed address>.nip.io.
  await applyLabManifest(client, vars, 'ingress', 'nginx-web.yaml');
  await applyLabManifest(client, vars, 'ingress', 'nginx-ingress.yaml');
  const web = await podsReady(client, 'default', 'app=nginx-web', 1);
  const webSlice = await sliceSteady(client, 'default', 'nginx-web', web);
  // ingress-nginx runs with --publish-status-address=localhost in kind (see addons/ingress.ts).
  await api.patch('/apis/networking.k8s.io/v1/namespaces/default/ingresses/nginx-ingress/status', { status: { loadBalancer: { ingress: [{ hostname: 'localhost' }] } } }, 'nginx-ingress-controller');
  const ingressSrc = at('ingress/manifests/nginx-web.yaml');
  await record(api, out, { file: 'pod-nginx-web', path: `/api/v1/namespaces/default/pods/${web[0]?.metadata.name}`, source: ingressSrc });
  await record(api, out, { file: 'service-nginx-web', path: '/api/v1/namespaces/default/services/nginx-web', source: ingressSrc });
  await record(api, out, { file: 'endpointslice-nginx-web', path: `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${webSlice.metadata.name}`, source: `${ingressSrc} (the EndpointSlice controller's slice)` });
  await record(api, out, {
    file: 'ingress-nginx-ingress',
    path: '/apis/networking.k8s.io/v1/namespaces/default/ingresses/nginx-ingress',
    source: `${at('ingress/manifests/nginx-ingress.yaml')} with ingressAddress 127.0.0.1`,
    played: 'ingress-nginx\'s status update: `status.loadBalancer.ingress[0].hostname: localhost` (kind\'s `--publish-status-address=localhost`), through the status subresource',
  });

  // netpol lab: the StatefulSet's pod and the book's policy.
  await applyLabManifest(client, vars, 'netpol', 'db-postgresql.yaml');
  await applyLabManifest(client, vars, 'netpol', 'backend-netpol.yaml');
  await podsReady(client, 'sales', 'app.kubernetes.io/name=postgresql', 1);
  await record(api, out, { file: 'pod-db-postgresql-0', path: '/api/v1/namespaces/sales/pods/db-postgresql-0', source: `${at('netpol/manifests/db-postgresql.yaml')} (StatefulSet db-postgresql)` });
  await record(api, out, { file: 'networkpolicy-backend-netpol', path: '/apis/networking.k8s.io/v1/namespaces/sales/networkpolicies/backend-netpol', source: at('netpol/manifests/backend-netpol.yaml') });

  // externalname lab, phase 1: the DNS alias.
  await applyLabManifest(client, vars, 'externalname', 'finance-namespace.yaml');
  await applyLabManifest(client, vars, 'externalname', 'sql-db-externalname.yaml');
  await record(api, out, { file: 'service-sql-db-externalname', path: '/api/v1/namespaces/finance/services/sql-db', source: `${at('externalname/manifests/finance-namespace.yaml')} + ${at('externalname/manifests/sql-db-externalname.yaml')}` });

  // loadbalancer lab. As in the book, nginx-lb-pool02 is created while pool-02 does not exist
  // yet, so MetalLB cannot serve it; kindlab's pool-02 is applied afterwards.
  await installMetallbCrds(client);
  const [pool01, pool02, l2] = poolObjects(poolPlan());
  if (!pool01 || !pool02 || !l2) throw new Error('poolObjects changed shape');
  await applyAll(client, [pool01, l2]);
  await applyLabManifest(client, vars, 'loadbalancer', 'nginx-lb.yaml');
  await podsReady(client, 'default', 'run=nginx-lb', 1);
  const pool01First = rangeAddresses((pool01.spec as { addresses: string[] }).addresses[0] ?? '').first;
  await metallbAssign(api, 'default', 'nginx-lb', 'pool-01', pool01First);
  await applyLabManifest(client, vars, 'loadbalancer', 'nginx-lb-pool02.yaml');
  const pending = await api.get('/api/v1/namespaces/default/services/nginx-lb-pool02');
  await emitServiceEvent(api, pending, 'Warning', 'AllocationFailed', `Failed to allocate IP for "default/nginx-lb-pool02": unknown pool "pool-02"`);
  const lbSrc = at('loadbalancer/manifests/nginx-lb.yaml');
  await record(api, out, {
    file: 'service-nginx-lb',
    path: '/api/v1/namespaces/default/services/nginx-lb',
    source: lbSrc,
    played: `MetalLB's allocation of pool-01's first address: annotation \`metallb.io/ip-allocated-from-pool: pool-01\`, then \`status.loadBalancer.ingress[0].ip: ${pool01First}\` through the status subresource`,
  });
  await record(api, out, {
    file: 'service-nginx-lb-pool02-pending',
    path: '/api/v1/namespaces/default/services/nginx-lb-pool02',
    source: `${at('loadbalancer/manifests/nginx-lb-pool02.yaml')}, applied while pool-02 did not exist (the book's situation)`,
    played: 'nothing: MetalLB leaves the Service pending (see events-allocation-failed.json)',
  });
  await record(api, out, {
    file: 'events-allocation-failed',
    path: '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DService',
    source: 'the Services above',
    played: 'MetalLB\'s two events, created through the events API as client-go\'s recorder does (source and reportingComponent `metallb-controller`): `IPAllocated` for nginx-lb and the Warning `AllocationFailed` (`unknown pool "pool-02"`) for nginx-lb-pool02',
  });

  // Now kindlab's pool-02 exists, and MetalLB serves the Service that asked for it.
  await applyAll(client, [pool02]);
  const pool02First = rangeAddresses((pool02.spec as { addresses: string[] }).addresses[0] ?? '').first;
  await metallbAssign(api, 'default', 'nginx-lb-pool02', 'pool-02', pool02First);
  await metallbPoolStatus(api, [pool01, pool02]);
  await record(api, out, {
    file: 'ipaddresspools',
    path: `/apis/metallb.io/v1beta1/namespaces/${METALLB_NS}/ipaddresspools`,
    source: 'kindlab\'s pools (addons/metallb.ts `poolObjects`) for the default kind network 172.18.0.0/16, under the CRDs of the pinned MetalLB v0.16.1 manifest',
    played: `MetalLB's pool status counters (\`assignedIPv4\`, \`availableIPv4\`…) once nginx-lb holds ${pool01First} and nginx-lb-pool02 holds ${pool02First}, through the status subresource`,
  });

  // The book's nginx-lb pod, whose image is gone: a kubelet would back off pulling it. KWOK would
  // make any pod Running, so it is stopped first — possible only on a control plane we started.
  if (!plane) {
    skipped.push({ file: 'pod-imagepullbackoff.json', why: 'needs KWOK stopped, which this script does only on a control plane it started itself (run it without --kubeconfig)' });
    return;
  }
  await client.delete('v1', 'Pod', 'nginx-lb', 'default');
  await until(client, 'the lab\'s nginx-lb pod gone', { apiVersion: 'v1', kind: 'Pod', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ps) => ps.length === 0);
  await stopKwok(plane);
  await applyLabManifest(client, vars, 'loadbalancer', 'nginx-lb.yaml', (o) => {
    if (o.kind !== 'Pod') return null;
    const spec = o.spec as { containers: { image: string }[] };
    return { ...o, spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, image: BOOK_NGINX_IMAGE })) } };
  });
  const [stuck] = await until(client, 'the book\'s nginx-lb pod scheduled', { apiVersion: 'v1', kind: 'Pod', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ps) => !!ps[0]?.spec?.nodeName);
  const node = nodes.find((n) => n.metadata.name === stuck?.spec?.nodeName);
  const hostIP = node ? nodeIP(node.metadata.name) : null;
  if (!node || !hostIP) throw new Error('nginx-lb was scheduled to an unknown node');
  await kubeletImagePullBackOff(api, 'default', 'nginx-lb', await nextPodIP(api, node), hostIP);
  await record(api, out, {
    file: 'pod-imagepullbackoff',
    path: '/api/v1/namespaces/default/pods/nginx-lb',
    source: `the Pod of ${lbSrc} with the book's image ${BOOK_NGINX_IMAGE} (gone from Docker Hub), scheduled by kube-scheduler; KWOK stopped`,
    played: 'a kubelet\'s status for a sandbox that is up (pod IP: the next free address of the node\'s podCIDR) and a container in `ImagePullBackOff`, through the status subresource',
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.out, { recursive: true });
  const plane = opts.kubeconfig ? null : startPlane();
  const stop = () => plane?.stop();
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    await recordAll(opts.kubeconfig ?? plane?.kubeconfig ?? '', opts.out, plane);
  } finally {
    stop();
  }
  writeReadme(opts.out);
  console.error(`[rec] wrote ${recorded.length} fixture(s) and README.md to ${relative(process.cwd(), opts.out) || '.'}`);
  for (const s of skipped) console.error(`[rec] NOT recorded (earlier file and README row kept): ${s.file}: ${s.why}`);
}

main().catch((err: unknown) => {
  console.error(`record-fixtures: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
