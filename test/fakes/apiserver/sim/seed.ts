// What a fresh kind cluster (disableDefaultCNI) holds right after `kind create cluster`:
// system namespaces, NotReady nodes, CoreDNS waiting for a network, kube-proxy, the
// local-path provisioner, the static control-plane pods and the `kubernetes` Service.
import type { ClusterInfo } from '../admission.ts';
import { type Json, type KObj, hexId, nowIso } from '../util.ts';
import type { SimContext } from './context.ts';
import { NOT_READY_MSG } from './nodes.ts';

export interface SeedNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  labels?: Record<string, string>;
}

export interface SeedRequest {
  name: string;
  nodes?: SeedNode[];
  podSubnet?: string;
  serviceSubnet?: string;
  token?: string;
  kubernetesVersion?: string;
}

function defaultNodes(cluster: string): SeedNode[] {
  return [
    { name: `${cluster}-control-plane`, role: 'control-plane', ip: '172.18.0.2' },
    { name: `${cluster}-worker`, role: 'worker', ip: '172.18.0.3', labels: { 'ingress-ready': 'true' } },
  ];
}

function node(n: SeedNode, index: number, multiNode: boolean, cluster: string, version: string): KObj {
  const cp = n.role === 'control-plane';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...(cp ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        ...(cp && multiNode ? { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
        ...(n.labels ?? {}),
      },
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `10.240.${index}.0/24`,
      podCIDRs: [`10.240.${index}.0/24`],
      providerID: `kind://docker/${cluster}/${n.name}`,
      taints: [...(cp && multiNode ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []), { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }],
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { cpu: '8', 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0', memory: '16264056Ki', pods: '110' },
      allocatable: { cpu: '8', 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0', memory: '16264056Ki', pods: '110' },
      conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: NOT_READY_MSG, lastHeartbeatTime: nowIso(), lastTransitionTime: nowIso() }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: hexId(16),
        containerRuntimeVersion: 'containerd://2.1.4',
        kernelVersion: '6.8.0-85-generic',
        kubeProxyVersion: '',
        kubeletVersion: version,
        machineID: hexId(16),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: hexId(16),
      },
    },
  };
}

function deployment(name: string, ns: string, labels: Record<string, string>, replicas: number, spec: Json): KObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
  };
}

const CP_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

function staticPod(name: string, nodeName: string, component: string, image: string, port: number): KObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-${nodeName}`, namespace: 'kube-system', labels: { component, tier: 'control-plane' }, annotations: { 'kubernetes.io/config.source': 'file' } },
    spec: { nodeName, hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists', effect: 'NoExecute' }], containers: [{ name: component, image, ports: [{ containerPort: port, hostPort: port, name: 'probe-port' }] }] },
  };
}

/** Fills the store with a fresh kind cluster. */
export function seedCluster(ctx: SimContext, req: SeedRequest, info: ClusterInfo): void {
  const version = req.kubernetesVersion ?? 'v1.35.8';
  const list = req.nodes?.length ? req.nodes : defaultNodes(info.name);
  const multi = list.length > 1;
  const cp = list.find((n) => n.role === 'control-plane') ?? list[0];
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) ctx.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  list.forEach((n, i) => ctx.store.insert(ctx.store.type('v1', 'Node')!, node(n, i, multi, info.name, version)));

  ctx.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  ctx.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [cp?.ip ?? '172.18.0.2'], conditions: { ready: true, serving: true, terminating: false } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });

  ctx.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      clusterIP: '10.96.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  });
  ctx.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: '.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n' } });
  ctx.create(
    deployment('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, 2, {
      priorityClassName: 'system-cluster-critical',
      serviceAccountName: 'coredns',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, CP_TOLERATION],
      volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
      containers: [
        {
          name: 'coredns',
          image: 'registry.k8s.io/coredns/coredns:v1.12.4',
          args: ['-conf', '/etc/coredns/Corefile'],
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
          ],
        },
      ],
    }),
  );
  ctx.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: { hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy', tolerations: [{ operator: 'Exists' }], nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${version}` }] },
      },
    },
  });
  ctx.create(
    deployment('local-path-provisioner', 'local-path-storage', { app: 'local-path-provisioner' }, 1, {
      serviceAccountName: 'local-path-provisioner-service-account',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [CP_TOLERATION],
      containers: [{ name: 'local-path-provisioner', image: 'docker.io/kindest/local-path-provisioner:v20250930-6f5b2d0d' }],
    }),
  );
  ctx.create({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  if (cp) {
    ctx.create(staticPod('etcd', cp.name, 'etcd', 'registry.k8s.io/etcd:3.6.5-0', 2381));
    ctx.create(staticPod('kube-apiserver', cp.name, 'kube-apiserver', `registry.k8s.io/kube-apiserver:${version}`, 6443));
    ctx.create(staticPod('kube-controller-manager', cp.name, 'kube-controller-manager', `registry.k8s.io/kube-controller-manager:${version}`, 10257));
    ctx.create(staticPod('kube-scheduler', cp.name, 'kube-scheduler', `registry.k8s.io/kube-scheduler:${version}`, 10259));
  }
}
