// What every control-plane test needs: an API client and a kubectl for the running control
// plane, the lab variables for its nodes, and the add-on CRDs the labs use — MetalLB's, taken
// from the pinned upstream manifest as published on the Go module proxy and checked against the
// same sha256 pin the app uses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { createManifestFetcher, parseManifest } from '../../electron/engine/addons/manifests.ts';
import { adjustIngressObjects } from '../../electron/engine/addons/ingress.ts';
import { poolObjects } from '../../electron/engine/addons/metallb.ts';
import { DEFAULT_PINS, type ManifestPin } from '../../electron/engine/addons/pins.ts';
import { applyAll } from '../../electron/engine/addons/apply.ts';
import { RestKubeClient, type KubeObject } from '../../electron/engine/kube/client.ts';
import { computePools } from '../../electron/engine/network/pools.ts';
import { parseNetworkInspect } from '../../electron/engine/network/inspect.ts';
import { ToolRunner } from '../../electron/engine/tools/run.ts';
import { resolveTools } from '../../electron/engine/tools/resolve.ts';
import { computeLabVars, type LabVars } from '../../electron/engine/labs/vars.ts';
import type { PoolPlan } from '../../electron/api.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export const kubeconfig = (): string => inject('kubeconfig');

export function client(): RestKubeClient {
  return RestKubeClient.fromFile(kubeconfig());
}

/** A ToolRunner whose kubectl is the v1.35.8 one built beside the control plane. */
export function tools(): ToolRunner {
  const path = `${inject('cpBin')}:${process.env.PATH ?? ''}`;
  const env = { ...process.env, PATH: path, KUBECONFIG: kubeconfig() };
  return new ToolRunner(resolveTools(path), env);
}

/** The docker network a default kind install creates: a /16 whose IPv6 entry is listed first. */
const KIND_NETWORK_JSON = JSON.stringify([
  {
    Name: 'kind',
    Driver: 'bridge',
    EnableIPv6: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: 'fc00:f853:ccd:e793::/64' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
    Containers: {
      a1: { Name: 'cluster01-control-plane', IPv4Address: '172.18.0.2/16' },
      b2: { Name: 'cluster01-worker', IPv4Address: '172.18.0.3/16' },
    },
  },
]);

export const poolPlan = (): PoolPlan => computePools(parseNetworkInspect(KIND_NETWORK_JSON));

export async function labVars(): Promise<LabVars> {
  const nodes = await client().list('v1', 'Node');
  const ip = (name: string) =>
    ((nodes.items.find((n) => n.metadata.name === name) as { status?: { addresses?: { type: string; address: string }[] } } | undefined)?.status?.addresses ?? []).find((a) => a.type === 'InternalIP')
      ?.address ?? null;
  return computeLabVars({ plan: poolPlan(), ingressAddress: '127.0.0.1', workerIP: ip('cluster01-worker'), controlPlaneIP: ip('cluster01-control-plane'), clusterName: 'cluster01' });
}

/** The Go module zip of MetalLB's release carries the very file the app pins (config/manifests/metallb-native.yaml). */
export function metallbModuleManifest(version = DEFAULT_PINS.metallb.version): string {
  const r = spawnSync('go', ['mod', 'download', '-json', `go.universe.tf/metallb@${version}`], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' }, cwd: tmpdir() });
  if (r.status !== 0) throw new Error(`go mod download go.universe.tf/metallb@${version} failed: ${r.stderr || r.stdout}`);
  const dir = (JSON.parse(r.stdout) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download gave no Dir: ${r.stdout}`);
  return join(dir, 'config', 'manifests', 'metallb-native.yaml');
}

/** Serves the Go module's copy of the MetalLB manifest on loopback, under the real pin. */
export async function withMetallbServer<T>(fn: (pin: ManifestPin) => Promise<T>): Promise<T> {
  const body = readFileSync(metallbModuleManifest());
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const addr = server.address() as { port: number };
    const real = DEFAULT_PINS.manifests.find((m) => m.id === 'metallb-native');
    if (!real) throw new Error('no metallb-native pin');
    return await fn({ ...real, url: `http://127.0.0.1:${addr.port}/metallb-native.yaml` });
  } finally {
    server.close();
  }
}

/** A fresh temp folder for `fn`, removed afterwards whatever happens (runs leave no litter in /tmp). */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fetches the MetalLB manifest the way the app does (ManifestFetcher, real pin): the sha256 is checked for real. */
export function fetchPinnedMetallb(): Promise<{ text: string; pin: ManifestPin }> {
  return withTempDir('kl-cache-', (cache) => withMetallbServer(async (pin) => ({ pin, text: (await createManifestFetcher(cache).get(pin)).text })));
}

let addonsReady: Promise<void> | null = null;

/**
 * The add-ons as far as an API server without a data plane can hold them. MetalLB: its real
 * pinned manifest (CRDs, Deployment, DaemonSet, RBAC…) plus kindlab's pools; KWOK then plays its
 * pods. ingress-nginx: its release files are not on the module proxy, so the engine tests'
 * hand-written stand-in (same names and labels) goes through kindlab's own adjustments. Both
 * admission webhooks are left out: they would call pods that do not really run.
 */
export function installAddonApis(): Promise<void> {
  addonsReady ??= (async () => {
    const c = client();
    const { text } = await fetchPinnedMetallb();
    const noWebhooks = (o: KubeObject) => o.kind !== 'ValidatingWebhookConfiguration' && o.kind !== 'MutatingWebhookConfiguration';
    const metallb = parseManifest(text, 'metallb-native.yaml').filter(noWebhooks);
    // MetalLB's CRDs convert BGPPeer versions through its webhook; the labs never use BGPPeer.
    for (const o of metallb) stripConversionWebhook(o);
    await applyAll(c, metallb, { crdTimeoutMs: 60_000 });
    await applyAll(c, poolObjects(poolPlan()));
    const ingress = adjustIngressObjects(parseManifest(readFileSync(join(REPO, 'test', 'fixtures', 'manifests', 'deploy.yaml'), 'utf8'), 'deploy.yaml')).filter(noWebhooks);
    await applyAll(c, ingress);
  })();
  return addonsReady;
}

function stripConversionWebhook(o: KubeObject): void {
  const spec = o.spec as { conversion?: unknown } | undefined;
  if (o.kind === 'CustomResourceDefinition' && spec?.conversion) delete spec.conversion;
}
