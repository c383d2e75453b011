// LabService and the cluster a request names: `requires:` held against what the required lab
// leaves on that cluster, and the request's settings (the CLI's --name) picking the cluster for
// lab runs, cleanups and lab texts, as they do for `cluster:*` requests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterSettings, ClusterStatus } from '../../electron/api.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import type { ClusterLifecycle } from '../../electron/engine/cluster/lifecycle.ts';
import type { EngineContext } from '../../electron/engine/context.ts';
import { LabService } from '../../electron/engine/labs/service.ts';
import { OperationRunner } from '../../electron/engine/operation-runner.ts';
import { FakeKubeClient } from '../fakes/engine/labs/fake-kube.ts';
import { FakeTools } from '../fakes/engine/labs/fake-tools.ts';
import type { ToolRunner } from '../../electron/engine/tools/run.ts';

const lab = (id: string, order: number, requires: string[], manifest: string) => `id: ${id}
order: ${order}
title: {en: Lab ${id}, zh: 实验 ${id}}
summary: {en: ${id}, zh: ${id}}
requires: [${requires.join(', ')}]
steps:
  - id: one
    title: {en: One, zh: 一}
    text: {en: steps/01.en.md, zh: steps/01.zh.md}
    actions:
      - apply: manifests/${manifest}.yaml
    checks:
      - {id: there, type: object, ref: {apiVersion: v1, kind: ConfigMap, name: ${manifest}, namespace: default}}
cleanup:
  - delete: {apiVersion: v1, kind: ConfigMap, name: ${manifest}, namespace: default}
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {node: "{{workerNode}}"}\n`;

function writeLab(root: string, id: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, id, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

let root = '';
let dataDir = '';

const statusOf = (name: string): ClusterStatus =>
  ({
    name,
    exists: true,
    kubeconfig: `/data/clusters/${name}/kubeconfig`,
    apiReachable: true,
    nodes: [
      { name: `${name}-control-plane`, role: 'control-plane', ready: true, internalIP: '172.18.0.2', kubeletVersion: 'v1.35.8' },
      { name: `${name}-worker`, role: 'worker', ready: true, internalIP: '172.18.0.3', kubeletVersion: 'v1.35.8' },
    ],
    addons: [],
    pools: [],
    leftovers: [],
    labObjects: {},
    ingressAddress: '127.0.0.1',
  }) as unknown as ClusterStatus;

function world(clusters: string[] = ['cluster01']) {
  const clients = new Map(clusters.map((c) => [`/data/clusters/${c}/kubeconfig`, new FakeKubeClient()]));
  const asked: string[] = [];
  const ctx = {
    lang: 'en',
    env: {},
    labsDir: root,
    defaults: {},
    labCommands: true,
    dataPlane: false,
    ingressHttpPort: 80,
    platform: 'linux',
    home: '/home/learner',
    dataDir,
    pins: DEFAULT_PINS,
    tools: new FakeTools() as unknown as ToolRunner,
    timeoutScale: 0.01,
  } as EngineContext;
  const lifecycle = {
    status: async (s: ClusterSettings) => {
      asked.push(s.name);
      return clusters.includes(s.name) ? statusOf(s.name) : { ...statusOf(s.name), exists: false, apiReachable: false };
    },
    poolPlan: async () => ({ subnet: '172.18.0.0/16', gateway: '172.18.0.1', pools: [{ name: 'pool-01', addresses: ['172.18.200.100-172.18.200.125'] }] }),
  } as unknown as ClusterLifecycle;
  const host = new OperationRunner({ dataDir, emit: () => undefined, runningPids: () => [] });
  const client = (name: string) => clients.get(`/data/clusters/${name}/kubeconfig`) as FakeKubeClient;
  return { service: new LabService(ctx, (path) => clients.get(path) ?? new FakeKubeClient(), () => lifecycle, host), host, asked, client };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kindlab-labs-'));
  dataDir = mkdtempSync(join(tmpdir(), 'kindlab-data-'));
  for (const [id, order, requires] of [['base', 1, []], ['next', 2, ['base']]] as const) {
    writeLab(root, id, { 'lab.yaml': lab(id, order, [...requires], `${id}-cm`), 'steps/01.en.md': 'On {{workerNode}}.', 'steps/01.zh.md': '在 {{workerNode}} 上。', [`manifests/${id}-cm.yaml`]: configMap(`${id}-cm`) });
  }
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('requires: is enforced', () => {
  it('a lab whose required lab left nothing behind fails at once, naming that lab and how to run it, and changes nothing', async () => {
    const w = world();
    const err = await w.service.run({ id: 'next' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      failure: {
        code: 'bad-input',
        message: { en: 'lab next builds on lab base ("Lab base"), and this cluster does not have what that lab leaves behind: ConfigMap default/base-cm' },
        hint: { en: expect.stringContaining('`kindlab lab run base && kindlab lab run next`') },
      },
    });
    expect(w.client('cluster01').calls).toEqual([]);
  });

  it('holds for one step too, and in Chinese', async () => {
    const w = world();
    const err = await w.service.run({ id: 'next', step: 1, lang: 'zh' }).catch((e: unknown) => e);
    expect((err as { failure: { message: { zh: string } } }).failure.message.zh).toMatch(/^实验 next 建立在实验 base（“实验 base”）的基础上/);
  });

  it('is satisfied once the required lab ran', async () => {
    const w = world();
    expect((await w.service.run({ id: 'base' })).ok).toBe(true);
    const r = await w.service.run({ id: 'next' });
    expect(r.ok).toBe(true);
  });

  it('is not checked by a dry run, which needs no cluster', async () => {
    const w = world([]);
    expect((await w.service.run({ id: 'next', dryRun: true })).dryRun).toBe(true);
  });
});

describe('the request’s settings pick the cluster', () => {
  it('lab:run with a name runs against that cluster, with its values', async () => {
    const w = world(['cluster01', 'lab2']);
    const r = await w.service.run({ id: 'base', settings: { name: 'lab2' } });
    expect(r.ok).toBe(true);
    expect(w.asked).toEqual(['lab2']);
    expect(w.client('lab2').all('ConfigMap')[0]?.data).toEqual({ node: 'lab2-worker' });
    expect(w.client('cluster01').calls).toEqual([]);
  });

  it('a missing named cluster is reported by its name, with the command that makes it', async () => {
    const w = world(['cluster01']);
    const err = await w.service.run({ id: 'base', settings: { name: 'lab2' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: { code: 'cluster-missing', message: { en: 'the cluster lab2 is not there yet, or does not answer' }, hint: { en: expect.stringContaining('`kindlab up --name lab2`') } } });
  });

  it('lab:cleanup and lab:get use the named cluster too', async () => {
    const w = world(['cluster01', 'lab2']);
    await w.service.run({ id: 'base', settings: { name: 'lab2' } });
    expect((await w.service.cleanup({ id: 'base', settings: { name: 'lab2' } })).removed).toBe(1);
    expect(w.client('lab2').all('ConfigMap')).toEqual([]);
    const d = await w.service.detail('base', 'en', { name: 'lab2' });
    expect(d.steps[0]?.markdown).toBe('On lab2-worker.');
  });

  it('an invalid name is the learner’s mistake, not a missing cluster', async () => {
    const w = world();
    const err = await w.service.run({ id: 'base', settings: { name: 'Bad_Name' } }).catch((e: unknown) => e);
    expect((err as { failure: { code: string } }).failure.code).toBe('bad-input');
  });
});
