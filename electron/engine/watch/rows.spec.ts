import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/client.ts';
import { toRow } from './rows.ts';

const obj = (kind: string, name: string, rest: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'default', uid: `${kind}-${name}`, labels },
  ...rest,
});

describe('toRow', () => {
  it('shows a pending LoadBalancer as <pending>, and the address and pool once MetalLB assigns one', () => {
    const svc = obj('Service', 'nginx-lb', { spec: { type: 'LoadBalancer', clusterIP: '10.96.4.2', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }], selector: { run: 'nginx-lb' } }, status: {} });
    expect(toRow('services', svc).fields).toMatchObject({ externalIP: '<pending>', ports: '80:31000/TCP', selector: 'run=nginx-lb' });
    const assigned = { ...svc, metadata: { ...svc.metadata, annotations: { 'metallb.io/ip-allocated-from-pool': 'pool-01' } }, status: { loadBalancer: { ingress: [{ ip: '172.18.200.100' }] } } };
    expect(toRow('services', assigned).fields).toMatchObject({ externalIP: '172.18.200.100', pool: 'pool-01' });
  });

  it('names a pod by its problem before its phase', () => {
    const pod = obj('Pod', 'db-0', {
      spec: { nodeName: 'cluster01-worker' },
      status: { phase: 'Pending', containerStatuses: [{ name: 'db', image: 'postgres:17.11-alpine', state: { waiting: { reason: 'ImagePullBackOff', message: 'rate limit' } } }] },
    });
    expect(toRow('pods', pod)).toMatchObject({ status: 'ImagePullBackOff', fields: { node: 'cluster01-worker' } });
    const running = obj('Pod', 'web', { spec: { nodeName: 'n' }, status: { phase: 'Running', podIP: '10.240.1.5', conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(toRow('pods', running)).toMatchObject({ status: 'Running', fields: { podIP: '10.240.1.5' } });
  });

  it('counts only ready endpoints of a slice', () => {
    const slice = obj(
      'EndpointSlice',
      'web-abc',
      {
        endpoints: [
          { addresses: ['10.240.1.5'], conditions: { ready: true } },
          { addresses: ['10.240.1.6'], conditions: { ready: false } },
        ],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
      { 'kubernetes.io/service-name': 'web' },
    );
    expect(toRow('endpointslices', slice)).toMatchObject({ status: '1 ready', fields: { service: 'web', addresses: '10.240.1.5', ports: '80/TCP' } });
  });

  it('writes an empty podSelector as all pods', () => {
    const np = obj('NetworkPolicy', 'deny-all', { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    expect(toRow('networkpolicies', np)).toMatchObject({ status: 'Ingress+Egress', fields: { podSelector: '(all pods)' } });
  });
});
