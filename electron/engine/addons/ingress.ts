// ingress-nginx, kind provider manifest, final release (the project is retired upstream; the
// UI says so). Since v1.13 that manifest makes the controller Service a LoadBalancer and drops
// the ingress-ready nodeSelector: with MetalLB it would take pool-01's first address (which the
// labs expect for nginx-lb) and could land on the node without the 80/443 port mappings. The
// objects are therefore adjusted in memory after the sha256 check: NodePort, and pinned to the
// port-mapped worker.
import type { AddonHealth } from '../../api.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { deploymentReady, jobComplete, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { watchPullProblems } from '../kube/watchdog.ts';
import { applyAll } from './apply.ts';
import { parseManifest } from './manifests.ts';
import { waitForWebhookService, webhookServiceReady } from './webhook.ts';
import { type Addon, type AddonContext, seconds } from './types.ts';

export const INGRESS_NS = 'ingress-nginx';
const CONTROLLER = 'ingress-nginx-controller';
const ADMISSION = 'ingress-nginx-controller-admission';

type Loose = Record<string, unknown>;

/** Pure: the upstream objects with kindlab's two adjustments. */
export function adjustIngressObjects(objs: KubeObject[]): KubeObject[] {
  return objs.map((o) => {
    if (o.kind === 'Service' && o.metadata.name === CONTROLLER) {
      const spec = { ...((o.spec as Loose) ?? {}) };
      spec.type = 'NodePort';
      // LoadBalancer-only fields are rejected or meaningless on a NodePort Service.
      delete spec.loadBalancerClass;
      delete spec.allocateLoadBalancerNodePorts;
      delete spec.loadBalancerSourceRanges;
      return { ...o, spec };
    }
    if (o.kind === 'Deployment' && o.metadata.name === CONTROLLER) {
      const spec = structuredClone((o.spec as Loose) ?? {});
      const tpl = ((spec.template as Loose) ??= {});
      const podSpec = ((tpl.spec as Loose) ??= {});
      podSpec.nodeSelector = { ...((podSpec.nodeSelector as Record<string, string>) ?? {}), 'ingress-ready': 'true' };
      return { ...o, spec };
    }
    return o;
  });
}

export function admissionReady(client: KubeClient): Promise<boolean> {
  return webhookServiceReady(client, INGRESS_NS, ADMISSION);
}

async function health(client: KubeClient, version: string): Promise<AddonHealth> {
  const base = { id: 'ingress-nginx' as const, version };
  const dep = await client.get('apps/v1', 'Deployment', CONTROLLER, INGRESS_NS);
  if (!dep) return { ...base, state: 'missing', message: 'not installed' };
  const svc = await client.get('v1', 'Service', CONTROLLER, INGRESS_NS);
  const nodeSel = ((dep.spec as Loose)?.template as Loose | undefined)?.spec as Loose | undefined;
  if (!deploymentReady(dep)) return { ...base, state: 'degraded', message: 'controller not ready' };
  if ((svc?.spec as Loose | undefined)?.type !== 'NodePort' || (nodeSel?.nodeSelector as Record<string, string> | undefined)?.['ingress-ready'] !== 'true') {
    return { ...base, state: 'degraded', message: 'controller not pinned to the port-mapped worker' };
  }
  if (!(await admissionReady(client))) return { ...base, state: 'degraded', message: 'admission webhook has no ready endpoint' };
  return { ...base, state: 'ready', message: 'controller ready on the worker (ports 80/443), retired upstream' };
}

export const ingressAddon: Addon = {
  id: 'ingress-nginx',
  phase: 'ingress',
  title: { en: 'NGINX ingress controller', zh: 'NGINX Ingress 控制器' },
  health: (ctx) => health(ctx.client, ctx.pins.ingressNginx.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const objs = adjustIngressObjects(parseManifest(await ctx.manifest('ingress-nginx-kind'), 'ingress-nginx deploy.yaml'));
    ctx.progress(0.05, 'applying the ingress-nginx manifest');
    await applyAll(client, objs, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.25 * f, 'applying the ingress-nginx manifest') });
    const dog = watchPullProblems(client, INGRESS_NS, seconds(ctx, 120), signal, ctx.lang);
    try {
      ctx.progress(0.3, 'waiting for the admission certificate jobs');
      for (const job of ['ingress-nginx-admission-create', 'ingress-nginx-admission-patch']) {
        await Promise.race([
          waitFor(client, { apiVersion: 'batch/v1', kind: 'Job', namespace: INGRESS_NS }, named(job, jobComplete, 'job'), {
            timeoutMs: seconds(ctx, 240),
            signal,
            what: `job ${job}`,
            onProgress: (v) => ctx.progress(0.3 + 0.2 * (v.fraction ?? 0), dog.current() ?? v.message ?? ''),
            diagnose: () => diagnose(client, { namespace: INGRESS_NS }),
          }),
          dog.tripped,
        ]);
      }
      ctx.progress(0.5, 'waiting for the controller');
      await Promise.race([
        waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: INGRESS_NS }, named(CONTROLLER, deploymentReady, 'deployment'), {
          timeoutMs: seconds(ctx, 300),
          signal,
          what: 'ingress-nginx controller',
          onProgress: (v) => ctx.progress(0.5 + 0.35 * (v.fraction ?? 0), dog.current() ?? v.message ?? ''),
          diagnose: () => diagnose(client, { namespace: INGRESS_NS, labelSelector: 'app.kubernetes.io/component=controller' }),
        }),
        dog.tripped,
      ]);
    } finally {
      dog.stop();
    }
    ctx.progress(0.85, 'waiting for the admission webhook endpoint');
    await waitForWebhookService(client, INGRESS_NS, ADMISSION, { what: 'ingress-nginx admission webhook', timeoutMs: seconds(ctx, 120), signal });
  },
};
