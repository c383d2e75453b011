import { describe, expect, it } from 'vitest';
import { failureIn } from '../../shared/text.ts';
import { DEFAULT_LABS_DIR, loadLabs } from './loader.ts';
import { leftBehind, refText, requirementError, unmetRequirements } from './requires.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { lab, labFrom, step } from '../../../test/fakes/engine/labs/harness.ts';
import { EXAMPLE_VARS } from './vars.ts';

const { labs } = loadLabs(DEFAULT_LABS_DIR);
const byId = (id: string) => {
  const l = labs.find((x) => x.id === id);
  if (!l) throw new Error(`no lab ${id}`);
  return l;
};

const NS = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: sales}\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: tmp, namespace: sales}\nspec: {containers: [{name: c, image: "nginx:1.30.4-alpine"}]}\n';

describe('leftBehind', () => {
  it('is what the services lab applies: the Deployment and the Service nginx-frontend', () => {
    expect(leftBehind(byId('services'), EXAMPLE_VARS).map(refText)).toEqual(['Deployment default/nginx-frontend', 'Service default/nginx-frontend']);
  });

  it('leaves out what a later action deletes again', () => {
    const l = lab('x', [
      step('a', { actions: [{ apply: 'manifests/ns.yaml' }, { apply: 'manifests/pod.yaml' }] }),
      step('b', { actions: [{ delete: { apiVersion: 'v1', kind: 'Pod', name: 'tmp', namespace: 'sales' } }] }),
    ], { 'manifests/ns.yaml': NS, 'manifests/pod.yaml': POD });
    expect(leftBehind(l, EXAMPLE_VARS).map(refText)).toEqual(['Namespace sales']);
    const l2 = lab('y', [step('a', { actions: [{ apply: 'manifests/ns.yaml' }, { deleteManifest: 'manifests/ns.yaml' }] })], { 'manifests/ns.yaml': NS });
    expect(leftBehind(l2, EXAMPLE_VARS)).toEqual([]);
  });
});

describe('unmetRequirements', () => {
  const nodeport = byId('nodeport');
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx-frontend', namespace: 'default' } };
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-frontend', namespace: 'default' } };

  it('finds nothing missing when what services leaves behind is there (whoever made it)', async () => {
    expect(await unmetRequirements(nodeport, labs, new FakeKubeClient([deployment, service]), EXAMPLE_VARS)).toEqual([]);
  });

  it('after a reset (or the nodeport cleanup), names services and what is missing', async () => {
    const unmet = await unmetRequirements(nodeport, labs, new FakeKubeClient([service]), EXAMPLE_VARS);
    expect(unmet.map((u) => [u.lab.id, u.missing.map(refText)])).toEqual([['services', ['Deployment default/nginx-frontend']]]);
  });

  it('counts an object being deleted as missing', async () => {
    const going = { ...deployment, metadata: { ...deployment.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect((await unmetRequirements(nodeport, labs, new FakeKubeClient([going, service]), EXAMPLE_VARS))[0]?.missing.map(refText)).toEqual(['Deployment default/nginx-frontend']);
  });

  it('a lab without requires has none unmet', async () => {
    expect(await unmetRequirements(byId('services'), labs, new FakeKubeClient(), EXAMPLE_VARS)).toEqual([]);
  });
});

describe('requirementError', () => {
  const nodeport = byId('nodeport');
  const unmet = [{ lab: byId('services'), missing: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-frontend', namespace: 'default' }] }];

  it('names the lab to run first, the command and the place in the app', () => {
    const f = failureIn(requirementError(nodeport, unmet).failure, 'en');
    expect(f.code).toBe('bad-input');
    expect(f.message).toBe('lab nodeport builds on lab services ("Services: one stable address for many pods"), and this cluster does not have what that lab leaves behind: Deployment default/nginx-frontend');
    expect(f.hint).toBe('Run services first: `kindlab lab run services && kindlab lab run nodeport`. In the app: open "Services: one stable address for many pods" in the lab list and run its steps, then come back to this lab.');
    expect(f.diagnostics).toEqual(['missing: Deployment default/nginx-frontend']);
  });

  it('in Chinese', () => {
    const f = failureIn(requirementError(nodeport, unmet).failure, 'zh');
    expect(f.message).toBe('实验 nodeport 建立在实验 services（“Service：用一个稳定地址访问多个 Pod”）的基础上，而当前集群上没有该实验留下的对象：Deployment default/nginx-frontend');
    expect(f.hint).toMatch(/^请先运行 services：`kindlab lab run services && kindlab lab run nodeport`。在应用中：在实验列表里打开“Service：用一个稳定地址访问多个 Pod”，依次运行其步骤/);
  });

  it('lists several labs in order', () => {
    const two = labFrom({ id: 'z', order: 9, title: { en: 'Z', zh: 'Z' }, summary: { en: 'z', zh: 'z' }, requires: ['services', 'dns'], steps: [step('a', {})], cleanup: [{ deleteNamespace: 'z' }] });
    const f = failureIn(requirementError(two, [...unmet, { lab: byId('dns'), missing: [{ apiVersion: 'v1', kind: 'Namespace', name: 'database' }] }]).failure, 'en');
    expect(f.message).toMatch(/^lab z builds on labs services \(.*\) and dns \(.*\), and this cluster does not have what they leave behind: Deployment default\/nginx-frontend, Namespace database$/);
    expect(f.hint).toMatch(/^Run services, then dns first: `kindlab lab run services && kindlab lab run dns && kindlab lab run z`/);
  });
});
