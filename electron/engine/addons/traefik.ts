// Traefik as the ingress controller, serving the labs' `ingressClassName: nginx` Ingresses unchanged
// through its ingress-nginx provider: the migration path the Traefik project offers since
// ingress-nginx was retired, and the controller tier 5 runs on (ingress-nginx cannot be built
// there). The provider's RBAC comes from the pinned release (its binding's subject is moved from
// `default` to kindlab's namespace in memory, after the sha256 check); the Deployment, Service and
// IngressClass are kindlab's own, shaped like the ingress-nginx install: one controller pinned to
// the port-mapped worker, hostPorts 80 and 443, a NodePort Service, the IngressClass `nginx`.
import type { LocalizedText } from '../../api.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { diagnose } from '../kube/diagnose.ts';
import { deploymentReady, named } from '../kube/readiness.ts';
import { waitFor } from '../kube/wait.ts';
import { applyAll } from './apply.ts';
import { gated } from './gate.ts';
import { parseManifest } from './manifests.ts';
import { type Addon, type AddonContext, type Health, seconds } from './types.ts';

export const TRAEFIK_NS = 'traefik';
export const TRAEFIK_DEPLOYMENT = 'traefik';
/** The service account the upstream RBAC binds. */
const SERVICE_ACCOUNT = 'traefik-ingress-nginx-controller';
/** The IngressClass the labs name, owned by the controller class ingress-nginx registers. */
export const INGRESS_CLASS = { name: 'nginx', controller: 'k8s.io/ingress-nginx' } as const;

const LABELS = { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/managed-by': 'kindlab' };
const SELECTOR = { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/component': 'controller' };

type Loose = Record<string, unknown>;

/** Pure: the upstream RBAC with its binding's subject in kindlab's namespace. */
export function adjustTraefikRbac(objs: KubeObject[]): KubeObject[] {
  return objs.map((o) => {
    if (o.kind !== 'ClusterRoleBinding') return o;
    const subjects = ((o as { subjects?: Loose[] }).subjects ?? []).map((s) => (s.kind === 'ServiceAccount' && s.name === SERVICE_ACCOUNT ? { ...s, namespace: TRAEFIK_NS } : s));
    return { ...o, subjects } as KubeObject;
  });
}

/** Pure: kindlab's own Traefik objects. */
export function traefikObjects(image: string): KubeObject[] {
  const metadata = (name: string) => ({ name, namespace: TRAEFIK_NS, labels: LABELS });
  const args = [
    // Unprivileged container ports; the hostPorts 80 and 443 map to them on the worker.
    '--entryPoints.web.address=:8000',
    '--entryPoints.websecure.address=:8443',
    // Like ingress-nginx, HTTPS serves every rule with the controller's self-signed default certificate.
    '--entryPoints.websecure.http.tls=true',
    '--entryPoints.traefik.address=:9000',
    '--ping=true',
    '--providers.kubernetesingressnginx=true',
    `--providers.kubernetesingressnginx.ingressclass=${INGRESS_CLASS.name}`,
    `--providers.kubernetesingressnginx.controllerclass=${INGRESS_CLASS.controller}`,
    // As the kind manifest of ingress-nginx does: ADDRESS reads localhost in `kubectl get ingress`.
    '--providers.kubernetesingressnginx.publishstatusaddress=localhost',
    // A lab machine may be offline: no version check, no usage report.
    '--global.checknewversion=false',
    '--global.sendanonymoususage=false',
    '--log.level=INFO',
  ];
  const probe = { httpGet: { path: '/ping', port: 9000 }, periodSeconds: 5 };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: TRAEFIK_NS, labels: { 'app.kubernetes.io/managed-by': 'kindlab' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(SERVICE_ACCOUNT) },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: INGRESS_CLASS.name, labels: LABELS }, spec: { controller: INGRESS_CLASS.controller } } as KubeObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(TRAEFIK_DEPLOYMENT),
      spec: {
        replicas: 1,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: SERVICE_ACCOUNT,
            nodeSelector: { 'ingress-ready': 'true', 'kubernetes.io/os': 'linux' },
            tolerations: [
              { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', effect: 'NoSchedule' },
              { key: 'node-role.kubernetes.io/master', operator: 'Equal', effect: 'NoSchedule' },
            ],
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'traefik',
                image,
                imagePullPolicy: 'IfNotPresent',
                args,
                ports: [
                  { name: 'web', containerPort: 8000, hostPort: 80, protocol: 'TCP' },
                  { name: 'websecure', containerPort: 8443, hostPort: 443, protocol: 'TCP' },
                  { name: 'traefik', containerPort: 9000, protocol: 'TCP' },
                ],
                readinessProbe: probe,
                livenessProbe: { ...probe, failureThreshold: 6 },
                resources: { requests: { cpu: '50m', memory: '64Mi' } },
                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(TRAEFIK_DEPLOYMENT),
      spec: {
        type: 'NodePort',
        selector: SELECTOR,
        ports: [
          { name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' },
          { name: 'websecure', port: 443, targetPort: 'websecure', protocol: 'TCP' },
        ],
      },
    },
  ];
}

async function health(client: KubeClient, version: string): Promise<Health> {
  const t = (text: LocalizedText) => both(text);
  const base = { id: 'traefik' as const, version };
  const dep = await client.get('apps/v1', 'Deployment', TRAEFIK_DEPLOYMENT, TRAEFIK_NS);
  if (!dep) return { ...base, state: 'missing', message: t({ en: 'not installed', zh: '未安装' }) };
  const cls = await client.get('networking.k8s.io/v1', 'IngressClass', INGRESS_CLASS.name);
  if (!deploymentReady(dep)) return { ...base, state: 'degraded', message: t({ en: 'controller not ready', zh: '控制器未就绪' }) };
  const podSpec = ((dep.spec as Loose)?.template as Loose | undefined)?.spec as Loose | undefined;
  if ((podSpec?.nodeSelector as Record<string, string> | undefined)?.['ingress-ready'] !== 'true') {
    return { ...base, state: 'degraded', message: t({ en: 'controller not pinned to the port-mapped worker', zh: '控制器没有固定在映射了端口的工作节点上' }) };
  }
  if ((cls?.spec as Loose | undefined)?.controller !== INGRESS_CLASS.controller) {
    return { ...base, state: 'degraded', message: t({ en: 'IngressClass nginx is missing or belongs to another controller', zh: 'IngressClass nginx 不存在或属于其他控制器' }) };
  }
  return { ...base, state: 'ready', message: t({ en: 'Traefik ready on the worker (ports 80/443), serving IngressClass nginx', zh: 'Traefik 已在工作节点上就绪（端口 80/443），负责 IngressClass nginx' }) };
}

export const traefikAddon: Addon = {
  id: 'traefik',
  phase: 'ingress',
  title: { en: 'Traefik ingress controller', zh: 'Traefik Ingress 控制器' },
  installTitle: { en: 'Install the Traefik ingress controller', zh: '安装 Traefik Ingress 控制器' },
  plan: (pins) => [
    { kind: 'manifest', manifest: 'traefik-ingress-nginx-rbac', description: both({ en: "RBAC of Traefik's ingress-nginx provider (its binding moved to namespace traefik in memory)", zh: 'Traefik 的 ingress-nginx provider 的 RBAC（其绑定在内存中改到命名空间 traefik）' }) },
    { kind: 'apply', description: both({ en: `namespace traefik, IngressClass nginx (controller k8s.io/ingress-nginx), Deployment traefik (${pins.traefik.image}) on the ingress-ready worker with hostPorts 80/443, NodePort Service`, zh: `命名空间 traefik、IngressClass nginx（控制器 k8s.io/ingress-nginx）、Deployment traefik（${pins.traefik.image}），运行在 ingress-ready 的 worker 上，使用 hostPort 80/443，以及 NodePort 类型的 Service` }), version: pins.traefik.version },
    { kind: 'wait', description: both({ en: 'controller available', zh: '等待控制器可用' }) },
  ],
  health: (ctx) => health(ctx.client, ctx.pins.traefik.version),
  async install(ctx: AddonContext) {
    const { client, signal } = ctx;
    const t = (text: LocalizedText) => both(text);
    const rbac = adjustTraefikRbac(parseManifest(await ctx.manifest('traefik-ingress-nginx-rbac'), 'kubernetes-ingress-nginx-rbac.yml'));
    const applying = t({ en: 'applying Traefik and its RBAC', zh: '正在应用 Traefik 及其 RBAC' });
    ctx.progress(0.05, applying);
    await applyAll(client, [...traefikObjects(ctx.pins.traefik.image), ...rbac], { signal, log: ctx.log, onProgress: (f) => ctx.progress(0.05 + 0.25 * f, applying) });
    await gated(ctx, [TRAEFIK_NS], async (gate) => {
      ctx.progress(0.3, t({ en: 'waiting for the controller', zh: '正在等待控制器' }));
      await gate.race(
        waitFor(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: TRAEFIK_NS }, named(TRAEFIK_DEPLOYMENT, deploymentReady, 'deployment'), {
          timeoutMs: seconds(ctx, 300),
          signal,
          what: t({ en: 'Traefik controller', zh: 'Traefik 控制器' }),
          onProgress: gate.progress(0.3, 0.7),
          diagnose: () => diagnose(client, { namespace: TRAEFIK_NS }),
        }),
      );
    });
  },
};
