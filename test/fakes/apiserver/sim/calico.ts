// The Tigera operator: once its Deployment runs and an Installation named "default" exists, it
// renders calico-system (calico-node, typha, kube-controllers) and reports through the
// TigeraStatus objects `calico`, `ippools` (and `apiserver` when an APIServer CR exists).
import { type Json, type KObj, inCidr } from '../util.ts';
import { type Condition, type SimContext, conditions, ownerRef } from './context.ts';

const OP = 'operator.tigera.io/v1';
const CALICO_VERSION = 'v3.32.1';

function ensure(ctx: SimContext, obj: KObj): KObj {
  return ctx.store.get(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace) ?? ctx.create(obj);
}

function workload(kind: 'DaemonSet' | 'Deployment', name: string, ns: string, owner: KObj, image: string, spec: Json): KObj {
  const labels = { 'k8s-app': name, 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(owner)] },
    spec: {
      ...(kind === 'Deployment' ? { replicas: 1 } : {}),
      selector: { matchLabels: { 'k8s-app': name } },
      template: {
        metadata: { labels },
        spec: { serviceAccountName: name, priorityClassName: 'system-node-critical', containers: [{ name: name.replace(/^calico-/, ''), image }], ...spec },
      },
    },
  };
}

function available(ctx: SimContext, kind: 'DaemonSet' | 'Deployment', name: string, ns: string): { ok: boolean; message: string } {
  const w = ctx.store.get('apps/v1', kind, name, ns);
  if (kind === 'DaemonSet') {
    const want = w?.status?.desiredNumberScheduled ?? 0;
    const ready = w?.status?.numberReady ?? 0;
    return { ok: !!w && want > 0 && ready >= want, message: `DaemonSet "${ns}/${name}" is not available (awaiting ${Math.max(want - ready, 1)} nodes)` };
  }
  const ok = !!w && (w.status?.availableReplicas ?? 0) >= (w.spec?.replicas ?? 1);
  return { ok, message: `Deployment "${ns}/${name}" is not available (awaiting ${Math.max((w?.spec?.replicas ?? 1) - (w?.status?.availableReplicas ?? 0), 1)} replicas)` };
}

function tigeraStatus(ctx: SimContext, name: string, owner: KObj, state: 'available' | 'progressing' | 'degraded', message = ''): void {
  if (!ctx.store.type(OP, 'TigeraStatus')) return;
  const conds: Condition[] = [
    { type: 'Available', status: state === 'available' ? 'True' : 'False', reason: state === 'available' ? 'AllObjectsAvailable' : 'ResourceNotReady', message: state === 'available' ? 'All Objects Available' : message },
    { type: 'Progressing', status: state === 'progressing' ? 'True' : 'False', reason: state === 'progressing' ? 'ResourceNotReady' : 'AllObjectsAvailable', message: state === 'progressing' ? message : 'All objects available' },
    { type: 'Degraded', status: state === 'degraded' ? 'True' : 'False', reason: state === 'degraded' ? 'ResourceReadError' : 'AllObjectsAvailable', message: state === 'degraded' ? message : '' },
  ];
  const cur = ensure(ctx, { apiVersion: OP, kind: 'TigeraStatus', metadata: { name, ownerReferences: [ownerRef(owner)] }, spec: {} });
  ctx.store.setStatus(OP, 'TigeraStatus', name, undefined, { conditions: conditions(cur.status?.conditions, conds).map((c: Json) => ({ ...c, observedGeneration: 1 })) });
}

export function reconcileCalico(ctx: SimContext): void {
  if (!ctx.store.type(OP, 'Installation')) return;
  const inst = ctx.store.get(OP, 'Installation', 'default');
  if (!inst) return;
  const op = ctx.store.get('apps/v1', 'Deployment', 'tigera-operator', 'tigera-operator');
  if ((op?.status?.availableReplicas ?? 0) < 1) return;
  if (!ctx.after(`calico-install:${inst.metadata.uid}`, ctx.timings().cniDelayMs)) return;

  const podSubnet = ctx.cluster()?.podSubnet ?? '10.240.0.0/16';
  const pools: Json[] = inst.spec?.calicoNetwork?.ipPools ?? [];
  const bad = pools.find((p) => p.cidr && !inCidr(String(p.cidr).split('/')[0] ?? '', podSubnet));
  if (bad) {
    const msg = `Could not resolve CalicoNetwork IPPool and kubeadm configuration: IPPool ${bad.cidr} is not within the platform's configured pod network CIDR(s) [${podSubnet}]`;
    tigeraStatus(ctx, 'calico', inst, 'degraded', `Error querying installation: ${msg}`);
    setInstallation(ctx, inst, false, msg);
    return;
  }

  const registry = String(inst.spec?.registry ?? 'quay.io/');
  const image = (n: string) => `${registry.endsWith('/') ? registry : `${registry}/`}calico/${n}:${CALICO_VERSION}`;
  const all = [{ operator: 'Exists' }];
  ensure(ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calico-system', labels: { name: 'calico-system', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest' }, ownerReferences: [ownerRef(inst)] } });
  ensure(ctx, workload('DaemonSet', 'calico-node', 'calico-system', inst, image('node'), { hostNetwork: true, tolerations: all, nodeSelector: { 'kubernetes.io/os': 'linux' } }));
  ensure(ctx, workload('Deployment', 'calico-typha', 'calico-system', inst, image('typha'), { hostNetwork: true, tolerations: all, nodeSelector: { 'kubernetes.io/os': 'linux' } }));
  ensure(
    ctx,
    workload('Deployment', 'calico-kube-controllers', 'calico-system', inst, image('kube-controllers'), {
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    }),
  );
  ensure(ctx, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'calico-typha', namespace: 'calico-system', labels: { 'k8s-app': 'calico-typha' }, ownerReferences: [ownerRef(inst)] }, spec: { ports: [{ name: 'calico-typha', port: 5473, targetPort: 'calico-typha' }], selector: { 'k8s-app': 'calico-typha' } } });
  tigeraStatus(ctx, 'ippools', inst, 'available');

  const parts = [available(ctx, 'DaemonSet', 'calico-node', 'calico-system'), available(ctx, 'Deployment', 'calico-typha', 'calico-system'), available(ctx, 'Deployment', 'calico-kube-controllers', 'calico-system')];
  const blocker = parts.find((p) => !p.ok);
  tigeraStatus(ctx, 'calico', inst, blocker ? 'progressing' : 'available', blocker?.message);
  setInstallation(ctx, inst, !blocker, blocker?.message ?? '');

  const apiServer = ctx.store.get(OP, 'APIServer', 'default');
  if (apiServer && !blocker) {
    ensure(ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calico-apiserver', ownerReferences: [ownerRef(apiServer)] } });
    ensure(ctx, workload('Deployment', 'calico-apiserver', 'calico-apiserver', apiServer, image('apiserver'), { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    const a = available(ctx, 'Deployment', 'calico-apiserver', 'calico-apiserver');
    tigeraStatus(ctx, 'apiserver', apiServer, a.ok ? 'available' : 'progressing', a.message);
  }
}

function setInstallation(ctx: SimContext, inst: KObj, ready: boolean, message: string): void {
  const conds: Condition[] = [
    { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'AllObjectsAvailable' : 'ResourceNotReady', message: ready ? 'All Objects Available' : message },
    { type: 'Progressing', status: ready ? 'False' : 'True', reason: ready ? 'AllObjectsAvailable' : 'ResourceNotReady', message: ready ? 'All objects available' : message },
    { type: 'Degraded', status: 'False', reason: 'AllObjectsAvailable', message: '' },
  ];
  ctx.store.setStatus(OP, 'Installation', 'default', undefined, {
    variant: 'Calico',
    calicoVersion: CALICO_VERSION,
    mtu: 1450,
    computed: { ...(inst.spec ?? {}), variant: 'Calico', kubernetesProvider: inst.spec?.kubernetesProvider ?? '' },
    conditions: conditions(inst.status?.conditions, conds),
  });
}
