// ingress-nginx, kind provider manifest, final release (the project is retired upstream; the
// UI says so). Since v1.13 that manifest makes the controller Service a LoadBalancer and drops
// the ingress-ready nodeSelector: with MetalLB it would take pool-01's first address (which the
// labs expect for nginx-lb) and could land on the node without the 80/443 port mappings. The
// objects are therefore adjusted in memory after the sha256 check: NodePort, and pinned to the
// port-mapped worker.
import type { LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { deploymentReady, jobComplete, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { applyAll } from './apply.ts';
import { gated } from './gate.ts';
import { parseManifest } from './manifests.ts';
import { waitForWebhookService, webhookServiceReady } from './webhook.ts';
import { type Addon, type AddonContext, type Health, seconds } from './types.ts';

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

function admissionReady(client: KubeClient): Promise<boolean> {
  return webhookServiceReady(client, INGRESS_NS, ADMISSION);
}

async function health(client: KubeClient, version: string): Promise<Health> {
  const t = (text: LocalizedText) => both(text);
  const base = { id: 'ingress-nginx' as const, version };
  const dep = await client.get('apps/v1', 'Deployment', CONTROLLER, INGRESS_NS);
  if (!dep) return { ...base, state: 'missing', message: t({ en: 'not installed', zh: '未安装' }) };
  const svc = await client.get('v1', 'Service', CONTROLLER, INGRESS_NS);
  const nodeSel = ((dep.spec as Loose)?.template as Loose | undefined)?.spec as Loose | undefined;
  if (!deploymentReady(dep)) return { ...base, state: 'degraded', message: t({ en: 'controller not ready', zh: '控制器未就绪' }) };
  if ((svc?.spec as Loose | undefined)?.type !== 'NodePort' || (nodeSel?.nodeSelector as Record<string, string> | undefined)?.['ingress-ready'] !== 'true') {
    return { ...base, state: 'degraded', message: t({ en: 'controller not pinned to the port-mapped worker', zh: '控制器没有固定在映射了端口的工作节点上' }) };
  }
  if (!(await admissionReady(client))) return { ...base, state: 'degraded', message: t({ en: 'admission webhook has no ready endpoint', zh: '准入 Webhook 没有就绪的端点' }) };
  return { ...base, state: 'ready', message: t({ en: 'controller ready on the worker (ports 80/443), retired upstream', zh: '控制器已在工作节点上就绪（端口 80/443），上游已停止维护' }) };
}

export const ingressAddon: Addon = {
  id: 'ingress-nginx',
  phase: 'ingress',
  title: { en: 'NGINX ingress controller', zh: 'NGINX Ingress 控制器' },
  installTitle: { en: 'Install the NGINX ingress controller', zh: '安装 NGINX Ingress 控制器' },
  plan: () => [
    { kind: 'manifest', manifest: 'ingress-nginx-kind', description: both({ en: 'ingress-nginx kind manifest (retired upstream; final release)', zh: 'ingress-nginx 的 kind 清单（上游已停止维护；最终版本）' }) },
    { kind: 'patch', description: both({ en: 'in memory, after the sha256 check: Service ingress-nginx-controller → NodePort; Deployment nodeSelector ingress-ready=true', zh: '校验 sha256 之后在内存中修改：Service ingress-nginx-controller → NodePort；Deployment 的 nodeSelector ingress-ready=true' }) },
    { kind: 'wait', description: both({ en: 'admission Jobs complete, controller available, admission webhook endpoints ready', zh: '等待 admission Job 完成、控制器可用、admission webhook 的端点就绪' }) },
  ],
  health: (ctx) => health(ctx.client, ctx.pins.ingressNginx.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const t = (text: LocalizedText) => both(text);
    const objs = adjustIngressObjects(parseManifest(await ctx.manifest('ingress-nginx-kind'), 'ingress-nginx deploy.yaml'));
    const applying = t({ en: 'applying the ingress-nginx manifest', zh: '正在应用 ingress-nginx 清单' });
    ctx.progress(0.05, applying);
    await applyAll(client, objs, { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.25 * f, applying) });
    await gated(ctx, [INGRESS_NS], async (gate) => {
      ctx.progress(0.3, t({ en: 'waiting for the admission certificate jobs', zh: '正在等待准入证书 Job 完成' }));
      for (const job of ['ingress-nginx-admission-create', 'ingress-nginx-admission-patch']) {
        await gate.race(
          waitFor(client, { apiVersion: 'batch/v1', kind: 'Job', namespace: INGRESS_NS }, named(job, jobComplete, 'job'), {
            timeoutMs: seconds(ctx, 240),
            signal,
            what: `job ${job}`,
            onProgress: gate.progress(0.3, 0.2),
            diagnose: () => diagnose(client, { namespace: INGRESS_NS }),
          }),
        );
      }
      ctx.progress(0.5, t({ en: 'waiting for the controller', zh: '正在等待控制器' }));
      await gate.race(
        waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: INGRESS_NS }, named(CONTROLLER, deploymentReady, 'deployment'), {
          timeoutMs: seconds(ctx, 300),
          signal,
          what: t({ en: 'ingress-nginx controller', zh: 'ingress-nginx 控制器' }),
          onProgress: gate.progress(0.5, 0.35),
          diagnose: () => diagnose(client, { namespace: INGRESS_NS, labelSelector: 'app.kubernetes.io/component=controller' }),
        }),
      );
    });
    ctx.progress(0.85, t({ en: 'waiting for the admission webhook endpoint', zh: '正在等待准入 Webhook 的端点' }));
    await waitForWebhookService(client, INGRESS_NS, ADMISSION, { what: t({ en: 'ingress-nginx admission webhook', zh: 'ingress-nginx 准入 Webhook' }), timeoutMs: seconds(ctx, 120), signal });
  },
};
