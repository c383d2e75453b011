// Records test/fixtures/api/*.json — the API objects the lab checks' unit tests read — from a
// real server, so those tests run against what a server really returns rather than hand-written
// JSON. Each file has one source, named in the README beside the fixtures:
//
//   npx tsx scripts/controlplane/record-fixtures.ts [--kubeconfig FILE] [--out DIR]
//     the API-only files, from kube-apiserver v1.35.8 with KWOK nodes (the tier-3 control
//     plane). Without --kubeconfig it starts its own control plane with start.sh and stops it at
//     the end.
//   npx tsx scripts/controlplane/record-fixtures.ts --real --kubeconfig FILE [--out DIR]
//     the files the data plane shapes (pod statuses, EndpointSlices of real pods, MetalLB's
//     addresses, events and pool counters, the ingress controller's Ingress status, a real image
//     pull failure), from a real kind cluster that kindlab built (scripts/realworld: kube-router,
//     Traefik, MetalLB v0.16.1). It needs `docker` for the kind network, leaves kindlab's pools
//     as it found them and deletes what it applied.
//
// The lab manifests are applied the way the labs apply them (rendered with the lab variables,
// labelled with the lab, server-side apply under the labs' field manager). Every wait watches
// the API. On the control plane, what a controller that tier 3 does not run would write (a
// kubelet's ImagePullBackOff) is written through the real API (status subresource), so the
// server still validates it. Only metadata.managedFields is dropped from what the server
// returned. The README beside the fixtures is generated here too, one row per file with its
// provenance; a run keeps the rows of the files the other mode records.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { PoolPlan } from '../../electron/api.ts';
import { applyAll, applyWithWebhookRetry, orderForApply } from '../../electron/engine/addons/apply.ts';
import { METALLB_NS, poolObjects } from '../../electron/engine/addons/metallb.ts';
import { RestKubeClient, type KubeObject } from '../../electron/engine/kube/client.ts';
import type { Verdict } from '../../electron/engine/kube/wait.ts';
import { waitFor } from '../../electron/engine/kube/wait.ts';
import { LAB_FIELD_MANAGER } from '../../electron/engine/labs/actions.ts';
import { prepareObjects } from '../../electron/engine/labs/manifest.ts';
import { computeLabVars, type LabVars } from '../../electron/engine/labs/vars.ts';
import { parseNetworkInspect } from '../../electron/engine/network/inspect.ts';
import { computePools } from '../../electron/engine/network/pools.ts';
import { poolPlan } from '../../test/controlplane/world.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HERE = join(REPO, 'scripts', 'controlplane');
/** The two sources, as the README's "recorded from" column names them. */
const TIER3 = 'kube-apiserver v1.35.8 + KWOK (tier 3)';
const REAL = 'real kind cluster (scripts/realworld), kube-router, Traefik, MetalLB v0.16.1';
const RERECORD_TIER3 = 'npx tsx scripts/controlplane/record-fixtures.ts';
const RERECORD_REAL = 'npx tsx scripts/controlplane/record-fixtures.ts --real --kubeconfig "$KINDLAB_DATA_DIR/clusters/cluster01/kubeconfig"';
const WAIT_MS = 180_000;
/** The book's image for nginx-lb: gone from Docker Hub, so a real kubelet backs off pulling it. */
const BOOK_NGINX_IMAGE = 'bitnami/nginx:1.29.1';

// ── command line ──

interface Options {
  kubeconfig?: string;
  out: string;
  real: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { out: join(REPO, 'test', 'fixtures', 'api'), real: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--kubeconfig') opts.kubeconfig = value();
    else if (a === '--out') opts.out = value();
    else if (a === '--real') opts.real = true;
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 22).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.real && !opts.kubeconfig) throw new Error('--real needs --kubeconfig of a cluster kindlab built');
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
  /** TIER3 or REAL. */
  server: string;
  source: string;
  /** What a controller that does not run in tier 3 would have written, and we wrote for it. */
  played?: string;
}

const recorded: Provenance[] = [];

function withoutManagedFields(o: Record<string, unknown>): Record<string, unknown> {
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (meta && 'managedFields' in meta) {
    const { managedFields: _drop, ...rest } = meta;
    o = { ...o, metadata: rest };
  }
  if (Array.isArray(o.items)) o = { ...o, items: (o.items as Record<string, unknown>[]).map(withoutManagedFields) };
  return o;
}

let server = TIER3;

async function record(api: RawApi, out: string, p: Omit<Provenance, 'request' | 'server'> & { path: string }): Promise<Record<string, unknown>> {
  const body = await api.get(p.path);
  writeFileSync(join(out, `${p.file}.json`), `${JSON.stringify(withoutManagedFields(body), null, 2)}\n`);
  recorded.push({ file: `${p.file}.json`, request: `GET ${decodeURIComponent(p.path)}`, server, source: p.source, ...(p.played ? { played: p.played } : {}) });
  console.error(`[rec] ${p.file}.json ← GET ${decodeURIComponent(p.path)}`);
  return body;
}

/** The README's rows as they stand, by file (the files this run does not record keep theirs). */
function previousRows(out: string): Map<string, string> {
  let text = '';
  try {
    text = readFileSync(join(out, 'README.md'), 'utf8');
  } catch {
    return new Map();
  }
  return new Map([...text.matchAll(/^\| `([^`]+\.json)` \|.*$/gm)].map((m) => [m[1] ?? '', m[0]]));
}

function writeReadme(out: string): void {
  const rows = previousRows(out);
  for (const r of recorded) rows.set(r.file, `| \`${r.file}\` | ${r.server} | \`${r.request}\` | ${r.source} | ${r.played ?? '—'} |`);
  const text = [
    '# test/fixtures/api — recorded API responses',
    '',
    'Every file here is recorded by scripts/controlplane/record-fixtures.ts from a real server: the lab',
    'manifests applied the way the labs apply them, each wait done by watching the API until the objects',
    'are steady, then one GET or LIST per file. The JSON is the server\'s answer with only',
    '`metadata.managedFields` removed. This README is generated by the same script; do not edit the',
    'files by hand. Each file has one of two sources (the "recorded from" column):',
    '',
    `- **${REAL}**: every file the data plane shapes: pods with their`,
    '  kubelet-written status (containerStatuses, conditions, podIPs, hostIP), the EndpointSlices of real',
    '  pods, the nodes as their kubelets report them, MetalLB\'s addresses, annotation, events and pool',
    '  counters, Traefik\'s Ingress status, and a real image pull failure. Re-record on a cluster built as',
    '  in scripts/realworld/README.md (`kindlab --cni kube-router --ingress traefik … up`; the script',
    '  deletes what it applied and puts kindlab\'s pool-02 back):',
    '',
    '  ```',
    `  ${RERECORD_REAL}`,
    '  ```',
    '',
    `- **${TIER3}**: what no data plane touches (a NetworkPolicy, an`,
    '  ExternalName Service), and the book\'s Bitnami pod as a kubelet with internet access sees it',
    '  (registry answers "not found"), which no machine of the real world can reach. Re-record (builds',
    '  the control plane if needed, about a minute warm):',
    '',
    '  ```',
    `  ${RERECORD_TIER3}`,
    '  ```',
    '',
    '  There, what a kubelet would write is written through the real API (the status subresource), so the',
    '  server still validates, defaults and returns it. The last column says what was written that way.',
    '',
    '| file | recorded from | request | what was applied | written for a controller that does not run there |',
    '| --- | --- | --- | --- | --- |',
    ...[...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row),
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

// ── address ranges of MetalLB pools ──

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

const at = (file: string) => `labs/${file}`;
const nodeIPOf = (nodes: Obj[], name: string) => ((nodes.find((n) => n.metadata.name === name)?.status?.addresses as { type: string; address: string }[] | undefined) ?? []).find((a) => a.type === 'InternalIP')?.address ?? null;
const nodesReady = (ns: Obj[]) => ns.length === 2 && ns.every((n) => ((n.status?.conditions as { type: string; status: string }[]) ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));

/** The tier-3 control plane: only what no data plane shapes, and the Bitnami pod as a connected kubelet sees it. */
async function recordTier3(kubeconfig: string, out: string, plane: OwnedPlane | null): Promise<void> {
  server = TIER3;
  const client = RestKubeClient.fromFile(kubeconfig);
  const api = new RawApi(kubeconfig);
  const nodes = await until(client, 'both nodes Ready', { apiVersion: 'v1', kind: 'Node' }, nodesReady);
  const vars = computeLabVars({ plan: poolPlan(), ingressAddress: '127.0.0.1', workerIP: nodeIPOf(nodes, 'cluster01-worker'), controlPlaneIP: nodeIPOf(nodes, 'cluster01-control-plane'), clusterName: 'cluster01' });

  // netpol lab: the book's policy (its namespace comes with the StatefulSet's manifest).
  await applyLabManifest(client, vars, 'netpol', 'db-postgresql.yaml');
  await applyLabManifest(client, vars, 'netpol', 'backend-netpol.yaml');
  await record(api, out, { file: 'networkpolicy-backend-netpol', path: '/apis/networking.k8s.io/v1/namespaces/sales/networkpolicies/backend-netpol', source: at('netpol/manifests/backend-netpol.yaml') });

  // externalname lab, phase 1: the DNS alias.
  await applyLabManifest(client, vars, 'externalname', 'finance-namespace.yaml');
  await applyLabManifest(client, vars, 'externalname', 'sql-db-externalname.yaml');
  await record(api, out, { file: 'service-sql-db-externalname', path: '/api/v1/namespaces/finance/services/sql-db', source: `${at('externalname/manifests/finance-namespace.yaml')} + ${at('externalname/manifests/sql-db-externalname.yaml')}` });

  // The book's nginx-lb pod, whose image is gone: a kubelet with internet access gets "not found"
  // from Docker Hub and backs off. KWOK would make any pod Running, so it is stopped first —
  // possible only on a control plane we started.
  if (!plane) {
    console.error('[rec] NOT recorded (earlier file and README row kept): pod-imagepullbackoff.json: needs KWOK stopped, which this script does only on a control plane it started itself (run it without --kubeconfig)');
    return;
  }
  await stopKwok(plane);
  const lbSrc = at('loadbalancer/manifests/nginx-lb.yaml');
  await applyLabManifest(client, vars, 'loadbalancer', 'nginx-lb.yaml', (o) => {
    if (o.kind !== 'Pod') return null;
    const spec = o.spec as { containers: { image: string }[] };
    return { ...o, spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, image: BOOK_NGINX_IMAGE })) } };
  });
  const [stuck] = await until(client, 'the book\'s nginx-lb pod scheduled', { apiVersion: 'v1', kind: 'Pod', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ps) => !!ps[0]?.spec?.nodeName);
  const node = nodes.find((n) => n.metadata.name === stuck?.spec?.nodeName);
  const hostIP = node ? nodeIPOf(nodes, node.metadata.name) : null;
  if (!node || !hostIP) throw new Error('nginx-lb was scheduled to an unknown node');
  await kubeletImagePullBackOff(api, 'default', 'nginx-lb', await nextPodIP(api, node), hostIP);
  await record(api, out, {
    file: 'pod-imagepullbackoff',
    path: '/api/v1/namespaces/default/pods/nginx-lb',
    source: `the Pod of ${lbSrc} with the book's image ${BOOK_NGINX_IMAGE} (gone from Docker Hub), scheduled by kube-scheduler; KWOK stopped. The real world cannot reach Docker Hub, so its kubelets fail on DNS instead: see pod-imagepullbackoff-offline.json`,
    played: 'a kubelet\'s status for a sandbox that is up (pod IP: the next free address of the node\'s podCIDR) and a container in `ImagePullBackOff` with Docker Hub\'s "not found", through the status subresource',
  });
}

/** The kind network's pools as kindlab computes them, from the real `docker network inspect kind`. */
function realPoolPlan(): PoolPlan {
  const r = spawnSync('docker', ['network', 'inspect', 'kind'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker network inspect kind failed: ${r.stderr.trim()}`);
  return computePools(parseNetworkInspect(r.stdout));
}

interface Applied {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

type EventObj = Obj & { reason?: string; source?: { component?: string }; involvedObject?: { name?: string; kind?: string } };

/** A real kindlab cluster: every file the data plane shapes. */
async function recordReal(kubeconfig: string, out: string): Promise<void> {
  server = REAL;
  const client = RestKubeClient.fromFile(kubeconfig);
  const api = new RawApi(kubeconfig);
  const applied: Applied[] = [];
  const apply = async (labId: string, file: string, edit?: (o: KubeObject) => KubeObject | null) => {
    const objs = await applyLabManifest(client, vars, labId, file, edit);
    for (const o of objs) applied.push({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) });
    return objs;
  };
  const plan = realPoolPlan();
  const [pool01, pool02, l2] = poolObjects(plan);
  if (!pool01 || !pool02 || !l2) throw new Error('poolObjects changed shape');
  const existing = await client.get(pool01.apiVersion, 'IPAddressPool', 'pool-01', METALLB_NS);
  if (!existing) throw new Error('no IPAddressPool pool-01: is this a cluster kindlab built (kindlab up)?');

  const nodes = await until(client, 'both nodes Ready', { apiVersion: 'v1', kind: 'Node' }, nodesReady);
  const vars = computeLabVars({
    plan,
    ingressAddress: '127.0.0.1',
    workerIP: nodeIPOf(nodes, 'cluster01-worker'),
    controlPlaneIP: nodeIPOf(nodes, 'cluster01-control-plane'),
    clusterName: 'cluster01',
    cni: 'kube-router',
    ingress: 'traefik',
  });
  let pool02Deleted = false;
  try {
    await record(api, out, { file: 'nodes', path: '/api/v1/nodes', source: 'the two nodes of a kindlab cluster (kind v0.33.0, the world\'s node image kindlab.local/node:v1.35.8-rw1), as their kubelets report them' });

    // services lab: the Deployment and the two-port ClusterIP Service.
    await apply('services', 'nginx-frontend-deployment.yaml');
    await apply('services', 'nginx-frontend-service.yaml');
    const frontend = await podsReady(client, 'default', 'run=nginx-frontend', 3);
    const frontendSlice = await sliceSteady(client, 'default', 'nginx-frontend', frontend);
    const servicesSrc = `${at('services/manifests/nginx-frontend-deployment.yaml')} + ${at('services/manifests/nginx-frontend-service.yaml')}`;
    await record(api, out, { file: 'pods-nginx-frontend', path: '/api/v1/namespaces/default/pods?labelSelector=run%3Dnginx-frontend', source: servicesSrc });
    // Recorded with its pods and slice, so the slice's ownerReference names this very Service.
    await record(api, out, { file: 'service-nginx-frontend', path: '/api/v1/namespaces/default/services/nginx-frontend', source: `${servicesSrc} (recorded with its pods and EndpointSlice)` });
    await record(api, out, { file: 'endpointslice-nginx-frontend', path: `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${frontendSlice.metadata.name}`, source: `${servicesSrc} (the EndpointSlice controller's slice)` });

    // ingress lab: nginx-web behind a Service, and the Ingress for webserver.<dashed address>.nip.io.
    await apply('ingress', 'nginx-web.yaml');
    await apply('ingress', 'nginx-ingress.yaml');
    const web = await podsReady(client, 'default', 'app=nginx-web', 1);
    const webSlice = await sliceSteady(client, 'default', 'nginx-web', web);
    await until(client, 'Traefik wrote the Ingress status', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'default', fieldSelector: 'metadata.name=nginx-ingress' }, (is) => ((is[0]?.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? []).length > 0);
    const ingressSrc = at('ingress/manifests/nginx-web.yaml');
    await record(api, out, { file: 'pod-nginx-web', path: `/api/v1/namespaces/default/pods/${web[0]?.metadata.name}`, source: ingressSrc });
    await record(api, out, { file: 'service-nginx-web', path: '/api/v1/namespaces/default/services/nginx-web', source: `${ingressSrc} (recorded with its pod and EndpointSlice)` });
    await record(api, out, { file: 'endpointslice-nginx-web', path: `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/${webSlice.metadata.name}`, source: `${ingressSrc} (the EndpointSlice controller's slice)` });
    await record(api, out, {
      file: 'ingress-nginx-ingress',
      path: '/apis/networking.k8s.io/v1/namespaces/default/ingresses/nginx-ingress',
      source: `${at('ingress/manifests/nginx-ingress.yaml')} with ingressAddress 127.0.0.1; the status is Traefik's (\`--providers.kubernetesingressnginx.publishstatusaddress=localhost\`)`,
    });

    // netpol lab: the StatefulSet's pod.
    await apply('netpol', 'db-postgresql.yaml');
    await podsReady(client, 'sales', 'app.kubernetes.io/name=postgresql', 1);
    await record(api, out, { file: 'pod-db-postgresql-0', path: '/api/v1/namespaces/sales/pods/db-postgresql-0', source: `${at('netpol/manifests/db-postgresql.yaml')} (StatefulSet db-postgresql)` });

    // loadbalancer lab. As in the book, nginx-lb-pool02 is created while pool-02 does not exist,
    // so kindlab's pool-02 is taken away for that moment and put back afterwards.
    await client.delete(pool02.apiVersion, 'IPAddressPool', 'pool-02', METALLB_NS);
    pool02Deleted = true;
    await until(client, 'pool-02 gone', { apiVersion: pool02.apiVersion, kind: 'IPAddressPool', namespace: METALLB_NS, fieldSelector: 'metadata.name=pool-02' }, (ps) => ps.length === 0);
    await apply('loadbalancer', 'nginx-lb.yaml');
    await podsReady(client, 'default', 'run=nginx-lb', 1);
    const pool01First = rangeAddresses((pool01.spec as { addresses: string[] }).addresses[0] ?? '').first;
    await until(client, `MetalLB gave nginx-lb ${pool01First}`, { apiVersion: 'v1', kind: 'Service', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ss) => ((ss[0]?.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress?.[0]?.ip ?? '') === pool01First);
    await apply('loadbalancer', 'nginx-lb-pool02.yaml');
    const serviceEvents = { apiVersion: 'v1', kind: 'Event', namespace: 'default', fieldSelector: 'involvedObject.kind=Service' };
    await until(client, 'MetalLB\'s AllocationFailed for nginx-lb-pool02, and a speaker announcing nginx-lb', serviceEvents, (evs) => {
      const e = evs as EventObj[];
      return e.some((x) => x.reason === 'AllocationFailed' && x.involvedObject?.name === 'nginx-lb-pool02') && e.some((x) => x.reason === 'nodeAssigned' && x.involvedObject?.name === 'nginx-lb');
    });
    const lbSrc = at('loadbalancer/manifests/nginx-lb.yaml');
    await record(api, out, { file: 'service-nginx-lb', path: '/api/v1/namespaces/default/services/nginx-lb', source: `${lbSrc}; MetalLB's controller allocated pool-01's first address` });
    await record(api, out, {
      file: 'service-nginx-lb-pool02-pending',
      path: '/api/v1/namespaces/default/services/nginx-lb-pool02',
      source: `${at('loadbalancer/manifests/nginx-lb-pool02.yaml')}, applied while pool-02 did not exist (the book's situation; kindlab's pool-02 taken away for it); MetalLB left it pending`,
    });
    await record(api, out, {
      file: 'events-allocation-failed',
      path: '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DService',
      source: 'the Services above: MetalLB\'s controller and speakers wrote these events',
    });

    // kindlab's pool-02 back, and MetalLB serves the Service that asked for it.
    await applyAll(client, [pool02]);
    pool02Deleted = false;
    const pool02First = rangeAddresses((pool02.spec as { addresses: string[] }).addresses[0] ?? '').first;
    await until(client, `MetalLB gave nginx-lb-pool02 ${pool02First}`, { apiVersion: 'v1', kind: 'Service', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb-pool02' }, (ss) => ((ss[0]?.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress?.[0]?.ip ?? '') === pool02First);
    await until(client, 'both pools count one address in use', { apiVersion: pool01.apiVersion, kind: 'IPAddressPool', namespace: METALLB_NS }, (ps) => ps.length === 2 && ps.every((p) => (p.status as { assignedIPv4?: number } | undefined)?.assignedIPv4 === 1));
    await record(api, out, {
      file: 'ipaddresspools',
      path: `/apis/metallb.io/v1beta1/namespaces/${METALLB_NS}/ipaddresspools`,
      source: `kindlab's pools (addons/metallb.ts \`poolObjects\`) for the kind network ${plan.subnet}, once nginx-lb holds ${pool01First} and nginx-lb-pool02 holds ${pool02First}; the status counters are MetalLB's`,
    });

    // The book's nginx-lb pod with its Bitnami image: no registry is reachable from the real world,
    // so the kubelet's pull fails on DNS, and it backs off.
    await client.delete('v1', 'Pod', 'nginx-lb', 'default');
    await until(client, 'the lab\'s nginx-lb pod gone', { apiVersion: 'v1', kind: 'Pod', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ps) => ps.length === 0);
    await apply('loadbalancer', 'nginx-lb.yaml', (o) => {
      if (o.kind !== 'Pod') return null;
      const spec = o.spec as { containers: { image: string }[] };
      return { ...o, spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, image: BOOK_NGINX_IMAGE })) } };
    });
    const podEvents = { apiVersion: 'v1', kind: 'Event', namespace: 'default', fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=nginx-lb' };
    await until(client, 'the book\'s nginx-lb pod in ImagePullBackOff', { apiVersion: 'v1', kind: 'Pod', namespace: 'default', fieldSelector: 'metadata.name=nginx-lb' }, (ps) =>
      ((ps[0]?.status?.containerStatuses as { state?: { waiting?: { reason?: string } } }[] | undefined) ?? []).some((c) => c.state?.waiting?.reason === 'ImagePullBackOff'),
    );
    await until(client, 'the kubelet\'s Failed and BackOff events', podEvents, (evs) => ['Failed', 'BackOff'].every((r) => (evs as EventObj[]).some((x) => x.reason === r)));
    const offlineSrc = `the Pod of ${lbSrc} with the book's image ${BOOK_NGINX_IMAGE}, on a node that reaches no registry (this world has none): the pull fails on DNS`;
    await record(api, out, { file: 'pod-imagepullbackoff-offline', path: '/api/v1/namespaces/default/pods/nginx-lb', source: offlineSrc });
    await record(api, out, { file: 'events-imagepullbackoff-offline', path: '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DPod%2CinvolvedObject.name%3Dnginx-lb', source: `${offlineSrc}: the kubelet's and the scheduler's events` });
  } finally {
    // Leave the cluster as kindlab built it: what was applied goes, pool-02 comes back.
    if (pool02Deleted) await applyAll(client, [pool02]).catch((e: unknown) => console.error(`[rec] could not put pool-02 back: ${String(e)}`));
    for (const o of [...applied].reverse()) await client.delete(o.apiVersion, o.kind, o.name, o.namespace).catch(() => false);
    console.error(`[rec] deleted the ${applied.length} object(s) this run applied`);
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.out, { recursive: true });
  if (opts.real) {
    await recordReal(opts.kubeconfig ?? '', opts.out);
  } else {
    const plane = opts.kubeconfig ? null : startPlane();
    const stop = () => plane?.stop();
    process.once('SIGINT', () => {
      stop();
      process.exit(130);
    });
    try {
      await recordTier3(opts.kubeconfig ?? plane?.kubeconfig ?? '', opts.out, plane);
    } finally {
      stop();
    }
  }
  writeReadme(opts.out);
  console.error(`[rec] wrote ${recorded.length} fixture(s) and README.md to ${relative(process.cwd(), opts.out) || '.'}`);
}

main().catch((err: unknown) => {
  console.error(`record-fixtures: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
