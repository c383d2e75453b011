// A two-node cluster right after its worker container was started again, as a real one looked:
// the node already says Ready, the workload's pods say Ready, but the worker's kube-proxy and
// CNI pods and CoreDNS come back a little later (the test moves them on with `recover*`). Node
// ports on the worker answer 404 until kube-proxy is back (stale rules sent a request to a pod
// IP that another pod had taken), and a DNS server that is not back does not answer.
import type { KubeObject } from '../../../../electron/engine/kube/client.ts';
import { FakeKubeClient } from './fake-kube.ts';
import { FakeTools } from './fake-tools.ts';

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function node(name: string, ready: string, at: number, opts: { controlPlane?: boolean; ip?: string; heartbeat?: number } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: opts.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
    status: {
      addresses: [{ type: 'InternalIP', address: opts.ip ?? (opts.controlPlane ? '172.18.0.2' : '172.18.0.3') }],
      conditions: [{ type: 'Ready', status: ready, lastTransitionTime: iso(at), lastHeartbeatTime: iso(opts.heartbeat ?? at) }],
    },
  };
}

export function pod(name: string, namespace: string, nodeName: string, o: { owner: 'DaemonSet' | 'ReplicaSet'; ready: boolean; readyAt: number; startedAt?: number; ip?: string; labels?: Record<string, string> }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: o.labels ?? {}, ownerReferences: [{ kind: o.owner, name: `${name}-owner`, uid: `${name}-uid` }] },
    spec: { nodeName, containers: [{ name: 'c', image: 'x:1' }] },
    status: {
      phase: 'Running',
      podIP: o.ip ?? '10.240.1.9',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: iso(o.readyAt) }],
      containerStatuses: [{ name: 'c', ready: o.ready, restartCount: 0, state: { running: { startedAt: iso(o.startedAt ?? o.readyAt - 60_000) } } }],
    },
  };
}

export function deployment(name: string, namespace: string, replicas: number, available: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, generation: 1 },
    spec: { replicas, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: available, availableReplicas: available, conditions: [{ type: 'Available', status: available >= replicas ? 'True' : 'False' }] },
  };
}

export function slice(service: string, namespace: string, addresses: { ip: string; ready: boolean }[]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-abcde`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: addresses.map((a) => ({ addresses: [a.ip], conditions: { ready: a.ready } })),
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
  } as unknown as KubeObject;
}

export interface RestartWorld {
  client: FakeKubeClient;
  tools: FakeTools;
  /** When `docker start` ran (ms since the epoch, on a whole second). */
  startedAt: number;
  /** The worker's kube-proxy and CNI pods come back (new containers, Ready). */
  recoverAgents(): void;
  /** CoreDNS's pods on the worker come back and kube-dns lists them. */
  recoverDns(): void;
  /** How often a DNS server and a node port were asked. */
  asked: { dns: string[]; http: number };
}

const WORKER = 'cluster01-worker';
const CP = 'cluster01-control-plane';
const DNS_IPS = ['10.240.1.20', '10.240.1.21'];

/**
 * The worker was stopped a while ago and `docker start` ran just now; everything that still
 * shows the old state is the stale status the lab must not trust.
 */
export function restartWorld(): RestartWorld {
  const startedAt = Math.floor(Date.now() / 1000) * 1000 - 2000;
  const before = startedAt - 300_000;
  const client = new FakeKubeClient([
    node(CP, 'True', before, { controlPlane: true }),
    // The kubelet reported Ready right after the start, from a CNI config left on disk.
    node(WORKER, 'True', startedAt + 1000),
    pod('kube-proxy-cp', 'kube-system', CP, { owner: 'DaemonSet', ready: true, readyAt: before }),
    pod('kube-proxy-w', 'kube-system', WORKER, { owner: 'DaemonSet', ready: false, readyAt: before + 60_000 }),
    pod('kube-router-w', 'kube-system', WORKER, { owner: 'DaemonSet', ready: true, readyAt: before }),
    ...DNS_IPS.map((ip, i) => pod(`coredns-${i}`, 'kube-system', WORKER, { owner: 'ReplicaSet', ready: true, readyAt: before, ip, labels: { 'k8s-app': 'kube-dns' } })),
    deployment('coredns', 'kube-system', 2, 2),
    slice('kube-dns', 'kube-system', DNS_IPS.map((ip) => ({ ip, ready: true }))),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 443, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx-frontend', namespace: 'default' },
      spec: { type: 'NodePort', clusterIP: '10.96.7.7', selector: { run: 'nginx-frontend' }, ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 31234, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 443, nodePort: 31443, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-frontend', namespace: 'default', generation: 2 },
      spec: { replicas: 3, selector: { matchLabels: { run: 'nginx-frontend' } } },
      status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Available', status: 'True' }] },
    },
    ...[0, 1, 2].map((i) => pod(`nginx-frontend-${i}`, 'default', i === 0 ? CP : WORKER, { owner: 'ReplicaSet', ready: true, readyAt: startedAt + 1000, ip: `10.240.${i === 0 ? 0 : 1}.${30 + i}`, labels: { run: 'nginx-frontend' } })),
  ]);
  let agentsBack = false;
  let dnsBack = false;
  const asked = { dns: [] as string[], http: 0 };
  const tools = new FakeTools((tool, args) => {
    if (tool === 'docker' && args[0] === 'inspect') return { stdout: `${new Date(startedAt + 123).toISOString().replace('Z', '456789Z')}|true\n` };
    if (tool === 'docker' && args[0] === 'run' && args.includes('curlimages/curl:8.22.0')) {
      asked.http++;
      const url = args[args.length - 1] ?? '';
      const viaWorker = url.includes('172.18.0.3');
      if (viaWorker && !agentsBack) return { stdout: '404 page not found\n404' };
      return { stdout: '<h1>Welcome to nginx!</h1>\n200' };
    }
    if (tool === 'docker' || tool === 'kubectl') return { stdout: 'condition met\nsuccessfully rolled out\n' };
    return undefined;
  });
  // DNS probes run as pods: answer from the server they ask.
  client.scriptPods((p) => {
    const cmd = (p.spec as { containers: { command?: string[] }[] }).containers[0]?.command ?? [];
    if (cmd[0] !== 'dig') return undefined;
    const server = cmd.find((a) => a.startsWith('@'))?.slice(1) ?? '10.96.0.10';
    asked.dns.push(server);
    if (!dnsBack) return { phase: 'Failed', exitCode: 9, log: ';; connection timed out; no servers could be reached\n' };
    return { phase: 'Succeeded', log: ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\nkubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1\n' };
  });
  return {
    client,
    tools,
    startedAt,
    asked,
    recoverAgents() {
      agentsBack = true;
      const now = Math.max(Date.now(), startedAt + 3000);
      client.update(pod('kube-proxy-w', 'kube-system', WORKER, { owner: 'DaemonSet', ready: true, readyAt: now, startedAt: now }));
      client.update(pod('kube-router-w', 'kube-system', WORKER, { owner: 'DaemonSet', ready: true, readyAt: now, startedAt: now }));
    },
    recoverDns() {
      dnsBack = true;
      const now = Math.max(Date.now(), startedAt + 3000) + 10_000;
      DNS_IPS.forEach((ip, i) => client.update(pod(`coredns-${i}`, 'kube-system', WORKER, { owner: 'ReplicaSet', ready: true, readyAt: now, startedAt: now, ip, labels: { 'k8s-app': 'kube-dns' } })));
    },
  };
}
