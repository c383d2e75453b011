// Small reads of the cluster that several checkers share: a Service and its warning events,
// the pods a selector finds, the NetworkPolicies that select a pod, a node's address.
import type { KubeClient, KubeObject } from '../../kube/client.ts';
import { summarizeEvents } from '../../kube/diagnose.ts';
import { type LabelSelector, matchesLabelSelector } from '../../kube/labels.ts';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  externalName?: string;
  externalTrafficPolicy?: string;
}

export function serviceSpec(svc: KubeObject): ServiceSpec {
  return ((svc as { spec?: ServiceSpec }).spec ?? {}) as ServiceSpec;
}

export function serviceType(svc: KubeObject): string {
  return serviceSpec(svc).type ?? 'ClusterIP';
}

export function getService(client: KubeClient, namespace: string, name: string): Promise<KubeObject | null> {
  return client.get('v1', 'Service', name, namespace);
}

/** Warning events about one object, newest last, as one-liners (AllocationFailed, FailedScheduling…). */
export async function warningEvents(client: KubeClient, namespace: string, kind: string, name: string): Promise<string[]> {
  const list = await client.list('v1', 'Event', { namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` }).catch(() => null);
  return list ? summarizeEvents(list.items, 4) : [];
}

/** Pods a selector finds, without those already being deleted. */
export async function livePods(client: KubeClient, namespace: string, labelSelector: string): Promise<KubeObject[]> {
  const list = await client.list('v1', 'Pod', { namespace, labelSelector });
  return list.items.filter((p) => !p.metadata.deletionTimestamp && (p.status as { phase?: string } | undefined)?.phase !== 'Succeeded');
}

export function podIP(pod: KubeObject): string | null {
  return (pod.status as { podIP?: string } | undefined)?.podIP ?? null;
}

export interface PolicyRef {
  name: string;
  types: string[];
  spec: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
}

/** NetworkPolicies in a namespace whose podSelector selects a pod with these labels. */
export async function policiesSelecting(client: KubeClient, namespace: string, labels: Record<string, string> | undefined): Promise<PolicyRef[]> {
  const list = await client.list('networking.k8s.io/v1', 'NetworkPolicy', { namespace }).catch(() => null);
  if (!list) return [];
  return list.items
    .map((p) => ({ name: p.metadata.name, spec: ((p as { spec?: PolicyRef['spec'] }).spec ?? {}) as PolicyRef['spec'] }))
    .filter((p) => matchesLabelSelector(labels, p.spec.podSelector ?? {}))
    .map((p) => ({ ...p, types: p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']) }));
}

/** The InternalIP of the worker (the port-mapped, ingress-ready node) or of the control plane. */
export async function nodeAddress(client: KubeClient, role: 'worker' | 'control-plane'): Promise<{ name: string; ip: string } | null> {
  const nodes = await client.list('v1', 'Node');
  const isCp = (n: KubeObject) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {});
  const pickNode =
    role === 'control-plane'
      ? nodes.items.find(isCp)
      : (nodes.items.find((n) => n.metadata.labels?.['ingress-ready'] === 'true') ?? nodes.items.find((n) => !isCp(n)));
  const ip = (pickNode?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return pickNode && ip ? { name: pickNode.metadata.name, ip } : null;
}

/** "80/TCP→80 (http), 443/TCP→443 (https)" */
export function describePorts(ports: ServicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.port}/${p.protocol ?? 'TCP'}→${p.targetPort ?? p.port}${p.nodePort ? ` nodePort ${p.nodePort}` : ''}${p.name ? ` (${p.name})` : ''}`)
    .join(', ');
}
