// Calico through the Tigera operator: the operator's CRDs and Deployment from the pinned release,
// then kindlab's own Installation whose IP pool equals the cluster's podSubnet (Calico cannot
// change it later, and the book's 10.240.0.0/16 must match). Images come from quay.io to avoid
// Docker Hub's anonymous rate limit.
import type { AddonHealth } from '../../api.ts';
import { KIND_NETWORK } from '../cluster/kind-config.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { allOf, deploymentReady, named, nodeReady, tigeraAvailable } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { watchPullProblems } from '../kube/watchdog.ts';
import { applyAll } from './apply.ts';
import { parseManifest } from './manifests.ts';
import { type Addon, type AddonContext, seconds } from './types.ts';

export function calicoInstallation(podSubnet: string): KubeObject {
  return {
    apiVersion: 'operator.tigera.io/v1',
    kind: 'Installation',
    metadata: { name: 'default' },
    spec: {
      registry: 'quay.io/',
      calicoNetwork: {
        ipPools: [
          {
            name: 'default-ipv4-ippool',
            cidr: podSubnet,
            blockSize: 26,
            encapsulation: 'VXLANCrossSubnet',
            natOutgoing: 'Enabled',
            nodeSelector: 'all()',
          },
        ],
      },
    },
  };
}

async function health(client: KubeClient, version: string): Promise<AddonHealth> {
  const base = { id: 'calico' as const, version };
  if (!(await client.served('operator.tigera.io/v1', 'Installation'))) return { ...base, state: 'missing', message: 'not installed' };
  const inst = await client.get('operator.tigera.io/v1', 'Installation', 'default');
  if (!inst) return { ...base, state: 'missing', message: 'operator installed, no Installation' };
  const status = await client.get('operator.tigera.io/v1', 'TigeraStatus', 'calico').catch(() => null);
  const nodes = await client.list('v1', 'Node');
  const notReady = nodes.items.filter((n) => !nodeReady(n)).map((n) => n.metadata.name);
  if (!status || !tigeraAvailable(status)) return { ...base, state: 'degraded', message: 'Calico is not available yet' };
  if (notReady.length > 0) return { ...base, state: 'degraded', message: `nodes not ready: ${notReady.join(', ')}` };
  return { ...base, state: 'ready', message: `available, ${nodes.items.length} nodes ready` };
}

export const calicoAddon: Addon = {
  id: 'calico',
  phase: 'calico',
  title: { en: 'Calico network', zh: 'Calico 网络' },
  health: (ctx) => health(ctx.client, ctx.pins.calico.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const crds = parseManifest(await ctx.manifest('calico-operator-crds'), 'operator-crds.yaml');
    const operator = parseManifest(await ctx.manifest('calico-tigera-operator'), 'tigera-operator.yaml');
    ctx.progress(0.05, 'applying the operator CRDs');
    await applyAll(client, crds, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.25 * f, 'applying the operator CRDs'), crdTimeoutMs: seconds(ctx, 90) });
    ctx.progress(0.3, 'starting the Tigera operator');
    await applyAll(client, operator, { signal, log: ctx.log });
    await waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tigera-operator' }, named('tigera-operator', deploymentReady, 'deployment'), {
      timeoutMs: seconds(ctx, 300),
      signal,
      what: 'Tigera operator',
      onProgress: (v) => ctx.progress(0.3 + 0.1 * (v.fraction ?? 0), v.message ?? ''),
      diagnose: () => diagnose(client, { namespace: 'tigera-operator' }),
    });
    ctx.progress(0.4, 'creating the Calico installation (pool ' + KIND_NETWORK.podSubnet + ')');
    await client.apply(calicoInstallation(KIND_NETWORK.podSubnet), { signal });

    const dog = watchPullProblems(client, 'calico-system', seconds(ctx, 120), signal, ctx.lang);
    try {
      const calicoReady = waitFor(client, { apiVersion: 'operator.tigera.io/v1', kind: 'TigeraStatus' }, named('calico', tigeraAvailable, 'TigeraStatus'), {
        timeoutMs: seconds(ctx, 480),
        signal,
        what: 'Calico',
        onProgress: (v) => ctx.progress(0.45 + 0.35 * (v.fraction ?? 0), dog.current() ?? v.message ?? ''),
        diagnose: () => diagnose(client, { namespace: 'calico-system' }),
        hint: 'Calico did not become available. The diagnostics show the first pod that is stuck; image pulls are the usual cause.',
      });
      await Promise.race([calicoReady, dog.tripped]);
      ctx.progress(0.8, 'waiting for nodes to become Ready');
      await Promise.race([
        waitFor(client, { apiVersion: 'v1', kind: 'Node' }, allOf(nodeReady, 'nodes', 2), {
          timeoutMs: seconds(ctx, 180),
          signal,
          what: 'nodes Ready',
          onProgress: (v) => ctx.progress(0.8 + 0.1 * (v.fraction ?? 0), v.message ?? ''),
          diagnose: () => diagnose(client, { namespace: 'calico-system' }),
        }),
        dog.tripped,
      ]);
    } finally {
      dog.stop();
    }
    ctx.progress(0.9, 'waiting for cluster DNS (CoreDNS)');
    await waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kube-system' }, named('coredns', deploymentReady, 'deployment'), {
      timeoutMs: seconds(ctx, 180),
      signal,
      what: 'CoreDNS',
      diagnose: () => diagnose(client, { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }),
    });
  },
};
