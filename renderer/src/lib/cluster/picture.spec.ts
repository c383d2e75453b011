import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../api/contract.ts';
import { addressLine, pictureNodes, poolRange } from './picture.ts';

const status = (over: Partial<ClusterStatus>): ClusterStatus => ({
  name: 'cluster01',
  exists: true,
  kubeconfig: '/k',
  apiReachable: true,
  nodes: [],
  addons: [],
  pools: [],
  leftovers: [],
  labObjects: {},
  ingressAddress: '127.0.0.1',
  cni: 'calico',
  ingress: 'ingress-nginx',
  nodeImage: 'kindest/node:v1.35.8',
  ...over,
});

describe('cluster picture', () => {
  it('draws the planned nodes before the cluster exists', () => {
    expect(pictureNodes(status({ exists: false, name: 'lab' })).map((n) => [n.name, n.ready])).toEqual([
      ['lab-worker', null],
      ['lab-control-plane', null],
    ]);
  });

  it('draws the real nodes, worker first', () => {
    const nodes = pictureNodes(
      status({
        nodes: [
          { name: 'cluster01-control-plane', role: 'control-plane', ready: true, internalIP: '172.18.0.3', kubeletVersion: 'v1.35.0' },
          { name: 'cluster01-worker', role: 'worker', ready: false, internalIP: '172.18.0.2', kubeletVersion: 'v1.35.0' },
        ],
      }),
    );
    expect(nodes.map((n) => [n.role, n.ready])).toEqual([
      ['worker', false],
      ['control-plane', true],
    ]);
  });

  it('reads pools as ranges, CIDRs or lists', () => {
    expect(poolRange({ name: 'pool-01', addresses: ['172.18.200.100-172.18.200.125'] })).toMatchObject({ count: 26, label: '172.18.200.100 – .125' });
    expect(poolRange({ name: 'p', addresses: ['10.0.0.8/29'] })).toMatchObject({ first: '10.0.0.8', last: '10.0.0.15', count: 8 });
    expect(poolRange({ name: 'p', addresses: ['fd00::/120'] })).toMatchObject({ count: null, label: 'fd00::/120' });
  });

  it('orders nodes and pools along the network', () => {
    const nodes = pictureNodes(status({ nodes: [{ name: 'w', role: 'worker', ready: true, internalIP: '172.18.0.2', kubeletVersion: null }] }));
    const pools = [poolRange({ name: 'pool-02', addresses: ['172.18.201.200-172.18.201.225'] }), poolRange({ name: 'pool-01', addresses: ['172.18.200.100-172.18.200.125'] })];
    expect(addressLine(nodes, pools).map((i) => (i.kind === 'node' ? i.node.name : i.pool.name))).toEqual(['w', 'pool-01', 'pool-02']);
  });
});
