// Helpers for tests that drive the fake API server directly: a RestKubeClient for it, the
// fixture manifests as objects, and quick installs of the add-ons (the way an engine would:
// server-side apply, then wait on the API).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, RestKubeClient } from '../../electron/engine/kube/client.ts';
import type { FakeApiServer } from './apiserver/index.ts';
import { FIXTURE_MANIFESTS } from './manifest-server.ts';

export function clientFor(api: FakeApiServer): RestKubeClient {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig());
  return new RestKubeClient(kc, 5_000);
}

export function fixtureObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(FIXTURE_MANIFESTS, file), 'utf8'))
    .map((d) => d.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object' && 'kind' in o);
}

export async function applyAll(client: RestKubeClient, objs: KubeObject[]): Promise<void> {
  for (const o of objs) await client.apply(o);
}

// The bound is generous on purpose: `npm test` runs its files in parallel on two cores, where the
// fake controllers react more slowly. A pass returns as soon as the condition holds, so the bound
// only decides how long a real failure takes to report.
const UNTIL_BOUND_MS = 20_000;

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = UNTIL_BOUND_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ready = (o: KubeObject) => ((o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

// These helpers poll with list/get on purpose: the fakes' own tests should not depend on the
// engine's watch code (kube/wait.ts), which the engine tests exercise anyway.

export async function waitPods(client: RestKubeClient, selector: string, namespace: string, min = 1, timeoutMs = UNTIL_BOUND_MS): Promise<KubeObject[]> {
  return until(async () => {
    const pods = (await client.list('v1', 'Pod', { namespace, labelSelector: selector })).items.filter(ready);
    return pods.length >= min ? pods : null;
  }, `${min} ready pod(s) ${selector} in ${namespace}`, timeoutMs);
}

const INSTALLATION: KubeObject = {
  apiVersion: 'operator.tigera.io/v1',
  kind: 'Installation',
  metadata: { name: 'default' },
  spec: { calicoNetwork: { ipPools: [{ name: 'default-ipv4-ippool', cidr: '10.240.0.0/16', blockSize: 26, encapsulation: 'VXLANCrossSubnet', natOutgoing: 'Enabled', nodeSelector: 'all()' }] } },
};

export async function installCalico(client: RestKubeClient): Promise<void> {
  await applyAll(client, fixtureObjects('operator-crds.yaml'));
  await applyAll(client, fixtureObjects('tigera-operator.yaml'));
  await client.apply(INSTALLATION);
  await until(async () => {
    const nodes = (await client.list('v1', 'Node')).items;
    return nodes.length > 0 && nodes.every(ready);
  }, 'nodes Ready');
}

/** Applies a manifest, patches nothing, and waits for the add-on's webhook Service to have a ready endpoint. */
async function install(client: RestKubeClient, file: string, ns: string, webhookService: string): Promise<void> {
  await applyAll(client, fixtureObjects(file));
  await until(async () => {
    const slices = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: ns, labelSelector: `kubernetes.io/service-name=${webhookService}` })).items;
    return slices.some((s) => ((s.endpoints as { conditions?: { ready?: boolean } }[] | undefined) ?? []).some((e) => e.conditions?.ready));
  }, `${webhookService} endpoints`);
}

export async function installMetallb(client: RestKubeClient): Promise<void> {
  await install(client, 'metallb-native.yaml', 'metallb-system', 'metallb-webhook-service');
}

export async function installIngress(client: RestKubeClient): Promise<void> {
  await install(client, 'deploy.yaml', 'ingress-nginx', 'ingress-nginx-controller-admission');
}

export function pool(name: string, addresses: string[], spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'metallb-system' }, spec: { addresses, ...spec } };
}

export const L2: KubeObject = { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'l2', namespace: 'metallb-system' } };
