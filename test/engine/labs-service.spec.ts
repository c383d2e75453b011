// LabService against an in-memory API, a fake lifecycle and a labs folder written for the test:
// listing, validation, lab text with the cluster's values, dry runs, runs as Operations, and
// cleaning up after one lab or all of them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inLang } from '../../electron/engine/i18n/text.ts';
import type { ClusterStatus, OpEvent } from '../../electron/api.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import type { ClusterLifecycle } from '../../electron/engine/cluster/lifecycle.ts';
import type { EngineContext } from '../../electron/engine/context.ts';
import { KindlabError } from '../../electron/engine/errors.ts';
import type { KubeObject } from '../../electron/engine/kube/client.ts';
import { LabService } from '../../electron/engine/labs/service.ts';
import { OperationRunner } from '../../electron/engine/operation-runner.ts';
import { FakeKubeClient, fixture } from '../fakes/engine/labs/fake-kube.ts';
import { FakeTools } from '../fakes/engine/labs/fake-tools.ts';
import type { ToolRunner } from '../../electron/engine/tools/run.ts';

const LAB_YAML = `id: demo
order: 1
title: {en: Demo, zh: 演示}
summary: {en: A demo lab, zh: 演示实验}
steps:
  - id: deploy
    title: {en: Deploy, zh: 部署}
    text: {en: steps/01.en.md, zh: steps/01.zh.md}
    bookNote: {en: The book uses bitnami/nginx., zh: 书中使用 bitnami/nginx。}
    actions:
      - apply: manifests/web.yaml
    checks:
      - {id: web-exists, type: object, ref: {apiVersion: apps/v1, kind: Deployment, name: nginx-web, namespace: default}}
  - id: expose
    title: {en: Expose, zh: 暴露}
    text: {en: steps/02.en.md, zh: steps/02.zh.md}
    actions:
      - run: kubectl expose deployment nginx-web --port 8080
    checks:
      - {id: svc, type: service, namespace: default, name: nginx-web, serviceType: ClusterIP}
  - id: static-ip
    title: {en: Static IP, zh: 静态 IP}
    text: {en: steps/03.en.md, zh: steps/03.zh.md}
    requiresVar: [staticIP]
    checks:
      - {id: lb, type: service, namespace: default, name: nginx-lb, loadBalancer: {address: "{{staticIP}}"}}
cleanup:
  - delete: {apiVersion: apps/v1, kind: Deployment, name: nginx-web, namespace: default}
  - delete: {apiVersion: v1, kind: Service, name: nginx-web, namespace: default}
`;

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx-web}
spec:
  selector: {matchLabels: {app: nginx-web}}
  template:
    metadata: {labels: {app: nginx-web}}
    spec:
      containers: [{name: nginx, image: "nginxinc/nginx-unprivileged:1.30.4-alpine"}]
`;

function writeLab(root: string, id: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, id, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

const STATUS: ClusterStatus = {
  name: 'cluster01',
  exists: true,
  kubeconfig: '/data/clusters/cluster01/kubeconfig',
  apiReachable: true,
  nodes: [
    { name: 'cluster01-control-plane', role: 'control-plane', ready: true, internalIP: '10.89.0.2', kubeletVersion: 'v1.35.8' },
    { name: 'cluster01-worker', role: 'worker', ready: true, internalIP: '10.89.0.3', kubeletVersion: 'v1.35.8' },
  ],
  addons: [],
  cni: 'calico',
  ingress: 'ingress-nginx',
  nodeImage: 'kindest/node:v1.35.8',
  pools: [],
  leftovers: [],
  labObjects: {},
  ingressAddress: '192.168.1.20',
};
// A /24 kind network: no room for the extra lab ranges, so staticIP is empty here.
const SMALL_PLAN = { subnet: '10.89.0.0/24', gateway: '10.89.0.1', pools: [{ name: 'pool-01', addresses: ['10.89.0.200-10.89.0.225'] }] };

interface World {
  service: LabService;
  client: FakeKubeClient;
  tools: FakeTools;
  events: OpEvent[];
  host: OperationRunner;
}

let root = '';
let dataDir = '';

function world(opts: { cluster?: boolean } = {}): World {
  const client = new FakeKubeClient();
  let created = false;
  const tools = new FakeTools((_tool, args) => {
    if (args.includes('expose')) {
      if (created) return { exitCode: 1, stderr: 'Error from server (AlreadyExists): services "nginx-web" already exists' };
      created = true;
      client.add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-web', namespace: 'default' }, spec: { type: 'ClusterIP', selector: { app: 'nginx-web' }, ports: [{ port: 8080 }] } });
      return { stdout: 'service/nginx-web exposed' };
    }
    return undefined;
  });
  const ctx = {
    lang: 'en',
    env: {},
    labsDir: root,
    defaults: {},
    labCommands: true,
    dataPlane: true,
    ingressHttpPort: 80,
    platform: 'linux',
    home: '/home/learner',
    dataDir,
    pins: DEFAULT_PINS,
    tools: tools as unknown as ToolRunner,
    timeoutScale: 0.01,
  } as EngineContext;
  const lifecycle = {
    status: async () => {
      if (opts.cluster === false) throw new KindlabError({ code: 'tool-missing', message: 'kind was not found on PATH', hint: '' });
      return STATUS;
    },
    poolPlan: async () => SMALL_PLAN,
  } as unknown as ClusterLifecycle;
  const events: OpEvent[] = [];
  const host = new OperationRunner({ dataDir, emit: (e) => events.push(e), runningPids: () => [] });
  return { service: new LabService(ctx, () => client, () => lifecycle, host), client, tools, events, host };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kindlab-labs-'));
  dataDir = mkdtempSync(join(tmpdir(), 'kindlab-data-'));
  writeLab(root, 'demo', {
    'lab.yaml': LAB_YAML,
    'steps/01.en.md': 'Deploy on {{workerNode}} ({{workerIP}}).',
    'steps/01.zh.md': '部署到 {{workerNode}}。',
    'steps/02.en.md': 'Expose it at webserver.{{ingressDashed}}.nip.io.',
    'steps/02.zh.md': '暴露它。',
    'steps/03.en.md': 'Ask for {{staticIP}}.',
    'steps/03.zh.md': '请求 {{staticIP}}。',
    'manifests/web.yaml': WEB,
  });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('LabService: list, validate, detail', () => {
  it('lists the labs of the configured folder (KINDLAB_LABS_DIR) and reports a broken one without hiding the others', async () => {
    writeLab(root, 'broken', { 'lab.yaml': 'id: broken\norder: 2\n' });
    const { service } = world();
    const { labs, problems } = await service.list();
    expect(labs.map((l) => l.id)).toEqual(['demo']);
    expect(labs[0]).toMatchObject({ steps: 3, languages: ['en', 'zh'] });
    expect(problems.some((p) => p.lab === 'broken' && p.file === 'broken/lab.yaml')).toBe(true);
    expect(service.validate()).toEqual(problems);
  });

  it('renders the text with the live cluster values, the book note on top, and the missing-value note', async () => {
    const d = await world().service.detail('demo', 'en');
    expect(d.steps[0]?.markdown).toBe('> **Differs from the book:** The book uses bitnami/nginx.\n\nDeploy on cluster01-worker (10.89.0.3).');
    expect(d.steps[1]?.markdown).toContain('webserver.192-168-1-20.nip.io');
    expect(d.steps[2]?.markdown).toContain('needs staticIP');
    expect(d.steps[2]?.markdown).toContain('⟨staticIP: not available on this cluster⟩');
  });

  it('falls back to the example values without a cluster', async () => {
    const d = await world({ cluster: false }).service.detail('demo', 'zh');
    expect(d.lang).toBe('zh');
    expect(d.steps[0]?.markdown).toContain('> **与书中不同：**');
    expect(d.steps[2]?.markdown).toContain('请求 172.18.200.110');
  });

  it('says which labs exist when asked for an unknown one', async () => {
    await expect(world().service.detail('nope', 'en')).rejects.toMatchObject({ failure: { code: 'bad-input', hint: { en: 'Known labs: demo.', zh: '已有的实验：demo。' } } });
  });
});

describe('LabService: run', () => {
  it('dry-runs every step without a cluster, describing actions and checks', async () => {
    const w = world({ cluster: false });
    const r = await w.service.run({ id: 'demo', dryRun: true });
    expect(r).toMatchObject({ lab: 'demo', dryRun: true, ok: true });
    expect(r.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(r.steps[0]?.actions[0]).toEqual({ description: { en: 'Apply manifests/web.yaml', zh: '应用 manifests/web.yaml' }, status: 'skipped', output: 'manifests/web.yaml' });
    expect(r.steps[1]?.actions[0]?.output).toBe('kubectl expose deployment nginx-web --port 8080');
    expect(r.steps[2]?.checks[0]).toMatchObject({ status: 'skipped', expected: 'Service default/nginx-lb: external IP 172.18.200.110', observed: 'dry run: not executed' });
    const finished = w.events.at(-1);
    expect(finished).toMatchObject({ type: 'finished', ok: true });
    expect(finished && 'phases' in finished ? finished.phases.map((p) => p.state) : []).toEqual(['skipped', 'skipped', 'skipped']);
    expect(w.tools.calls).toEqual([]);
  });

  it('runs the steps as phases, and a re-run passes too', async () => {
    const w = world();
    const first = await w.service.run({ id: 'demo', opId: 'a' });
    expect(first.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'skipped']);
    expect(first.ok).toBe(true);
    expect(w.tools.calls[0]?.args.slice(0, 2)).toEqual(['--kubeconfig', '/data/clusters/cluster01/kubeconfig']);
    const again = await w.service.run({ id: 'demo', opId: 'b' });
    expect(again.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'skipped']);
    const phaseEvents = w.events.filter((e) => e.opId === 'a' && e.type === 'phase').map((e) => (e.type === 'phase' ? `${e.phase.id}:${e.phase.state}` : ''));
    expect(phaseEvents).toContain('deploy:done');
    expect(phaseEvents).toContain('expose:done');
  });

  it('runs one step with --step N (1-based) and refuses a step that does not exist', async () => {
    const w = world();
    const r = await w.service.run({ id: 'demo', step: 1 });
    expect(r.steps.map((s) => s.id)).toEqual(['deploy']);
    await expect(w.service.run({ id: 'demo', step: 4 })).rejects.toMatchObject({ failure: { code: 'bad-input' } });
  });

  it('stops after a failing step and reports the rest as not run', async () => {
    const w = world();
    const r = await w.service.run({ id: 'demo', step: undefined, opId: 'x' });
    expect(r.ok).toBe(true);
    // Break step 2: the Service the check looks at has the wrong type.
    const svc = w.client.all('Service')[0] as KubeObject;
    w.client.update({ ...svc, spec: { ...(svc.spec as object), type: 'NodePort' } });
    const broken = await w.service.run({ id: 'demo', opId: 'y' });
    expect(broken.ok).toBe(false);
    expect(broken.steps.map((s) => s.status)).toEqual(['pass', 'fail', 'skipped']);
    expect(broken.steps[2]?.checks[0]?.observed).toBe('not run: step expose failed');
  });

  it('needs a cluster for a real run', async () => {
    const w = world({ cluster: false });
    await expect(w.service.run({ id: 'demo' })).rejects.toMatchObject({ failure: { code: 'cluster-missing' } });
  });
});

describe('LabService: cleanup', () => {
  const labelled = (kind: string, apiVersion: string, name: string, namespace: string | undefined, labels: Record<string, string>): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
  });

  it('removes the cleanup list and everything labelled with the lab, but not the add-ons', async () => {
    const w = world();
    await w.service.run({ id: 'demo' });
    w.client.add(
      labelled('Pod', 'v1', 'kindlab-probe-abc123', 'default', { 'kindlab.io/lab': 'demo', 'kindlab.io/probe': 'true' }),
      labelled('Namespace', 'v1', 'kindlab-canary-abc123', undefined, { 'kindlab.io/lab': 'demo' }),
      labelled('IPAddressPool', 'metallb.io/v1beta1', 'pool-02', 'metallb-system', { 'kindlab.io/lab': 'demo', 'app.kubernetes.io/managed-by': 'kindlab' }),
      labelled('Namespace', 'v1', 'default', undefined, { 'kindlab.io/lab': 'demo' }),
      ...fixture('service-nginx-lb'),
    );
    const r = await w.service.cleanup({ id: 'demo' });
    expect(r.removed).toBe(4); // Deployment, Service, probe Pod, canary Namespace
    expect(w.client.all('Deployment')).toEqual([]);
    expect(w.client.all('IPAddressPool').map((p) => p.metadata.name)).toEqual(['pool-02']);
    expect(w.client.all('Namespace').map((n) => n.metadata.name)).toEqual(['default']);
    expect(w.client.all('Service').map((s) => s.metadata.name)).toEqual(['nginx-lb']); // another lab's
  });

  it('cleans every lab for the fast reset', async () => {
    const w = world();
    await w.service.run({ id: 'demo' });
    w.client.add(...fixture('service-nginx-lb'), labelled('Pod', 'v1', 'kindlab-probe-ffffff', 'sales', { 'kindlab.io/probe': 'true' }));
    const lines: string[] = [];
    const removed = await w.service.cleanupAll(w.client, (l) => lines.push(inLang(l, 'en')), new AbortController().signal);
    expect(removed).toBe(4); // demo's Deployment and Service, the loadbalancer lab's nginx-lb, the stray probe pod
    expect(w.client.all('Service')).toEqual([]);
    expect(lines.join('\n')).toContain('deleted Pod sales/kindlab-probe-ffffff');
  });

  it('the fast reset lists each kind once per label, not once per lab', async () => {
    const w = world();
    await w.service.run({ id: 'demo' });
    const before = w.client.listCalls;
    await w.service.cleanupAll(w.client, () => undefined, new AbortController().signal);
    const byLabel = w.client.listed.slice(before).filter((l) => / kindlab\.io\/(lab|probe)/.test(l));
    const kinds = new Set(byLabel.map((l) => l.split(' ')[0])).size;
    // Two sweeps (any lab's label, any probe's), each listing every kind once; no lab's own sweep.
    expect(byLabel.filter((l) => l.includes('kindlab.io/lab=')).length).toBe(0);
    expect(byLabel.length).toBe(2 * kinds);
  });
});
