// Live views draw rows, not raw objects: this reduces each kind to the few facts the UI shows
// (pod IP and node, Service ports and external IP, EndpointSlice addresses…). Pure.
import type { ResourceRow, WatchKind } from '../../api.ts';
import type { KubeObject } from '../kube/client.ts';
import { nodeReady, podProblems, podReady, readyAddresses, slicePorts } from '../kube/readiness.ts';

export const WATCH_KINDS: Record<WatchKind, { apiVersion: string; kind: string }> = {
  nodes: { apiVersion: 'v1', kind: 'Node' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
  services: { apiVersion: 'v1', kind: 'Service' },
  endpointslices: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  ingresses: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  networkpolicies: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  ipaddresspools: { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' },
};

type Any = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Any)[k] : undefined), o);

function servicePorts(spec: Any | undefined): string {
  const ports = (spec?.ports as Any[] | undefined) ?? [];
  return ports.map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
}

export function toRow(kind: WatchKind, o: KubeObject): ResourceRow {
  const base = { uid: String(o.metadata.uid ?? `${o.metadata.namespace}/${o.metadata.name}`), kind, namespace: o.metadata.namespace ?? null, name: o.metadata.name, labels: o.metadata.labels ?? {} };
  const spec = (o as Any).spec as Any | undefined;
  switch (kind) {
    case 'nodes': {
      const addr = ((get(o, 'status', 'addresses') as Any[] | undefined) ?? []).find((a) => a.type === 'InternalIP');
      return { ...base, status: nodeReady(o) ? 'Ready' : 'NotReady', fields: { internalIP: String(addr?.address ?? ''), version: String(get(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '') } };
    }
    case 'pods': {
      const problem = podProblems(o)[0];
      const phase = String(get(o, 'status', 'phase') ?? 'Pending');
      const status = o.metadata.deletionTimestamp ? 'Terminating' : problem ? problem.reason : podReady(o) ? 'Running' : phase;
      return { ...base, status, fields: { podIP: String(get(o, 'status', 'podIP') ?? ''), node: String(spec?.nodeName ?? '') } };
    }
    case 'services': {
      const type = String(spec?.type ?? 'ClusterIP');
      const ingress = (get(o, 'status', 'loadBalancer', 'ingress') as Any[] | undefined) ?? [];
      const external = type === 'LoadBalancer' ? (ingress.map((i) => String(i.ip ?? i.hostname)).join(',') || '<pending>') : type === 'ExternalName' ? String(spec?.externalName ?? '') : '';
      return {
        ...base,
        status: type,
        fields: {
          type,
          clusterIP: String(spec?.clusterIP ?? ''),
          externalIP: external,
          ports: servicePorts(spec),
          selector: Object.entries((spec?.selector as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
          pool: o.metadata.annotations?.['metallb.io/ip-allocated-from-pool'] ?? '',
        },
      };
    }
    case 'endpointslices': {
      const addresses = readyAddresses([o]);
      return {
        ...base,
        status: `${addresses.length} ready`,
        fields: { service: o.metadata.labels?.['kubernetes.io/service-name'] ?? '', addresses: addresses.join(','), ports: slicePorts(o).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') },
      };
    }
    case 'ingresses': {
      const rules = (spec?.rules as Any[] | undefined) ?? [];
      return { ...base, status: 'Ingress', fields: { hosts: rules.map((r) => String(r.host ?? '*')).join(','), class: String(spec?.ingressClassName ?? '') } };
    }
    case 'networkpolicies': {
      const sel = Object.entries((get(spec, 'podSelector', 'matchLabels') as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return { ...base, status: ((spec?.policyTypes as string[] | undefined) ?? ['Ingress']).join('+'), fields: { podSelector: sel || '(all pods)' } };
    }
    case 'ipaddresspools':
      return { ...base, status: spec?.autoAssign === false ? 'manual' : 'auto', fields: { addresses: ((spec?.addresses as string[] | undefined) ?? []).join(',') } };
  }
}
