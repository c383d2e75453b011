import { describe, expect, it } from 'vitest';
import { KindlabError } from '../errors.ts';
import { parseNetworkInspect } from './inspect.ts';

// Shaped like `docker network inspect kind` on Docker 28 with a kind cluster running: kind makes
// the network dual-stack, and the IPv6 entry comes first.
const DOCKER = JSON.stringify([
  {
    Name: 'kind',
    Id: '5c3f0e3b6c2d',
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: true,
    IPAM: {
      Driver: 'default',
      Options: {},
      Config: [
        { Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' },
        { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
      ],
    },
    Containers: {
      a1: { Name: 'cluster01-control-plane', IPv4Address: '172.18.0.3/16', IPv6Address: 'fc00:f853:ccd:e793::3/64' },
      b2: { Name: 'cluster01-worker', IPv4Address: '172.18.0.2/16', IPv6Address: 'fc00:f853:ccd:e793::2/64' },
      c3: { Name: 'ipv6-only', IPv4Address: '', IPv6Address: 'fc00:f853:ccd:e793::4/64' },
    },
    Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
    Labels: {},
  },
]);

// `podman network inspect kind` with the netavark backend (Podman 5).
const NETAVARK = JSON.stringify([
  {
    name: 'kind',
    id: '0b6c1e4a',
    driver: 'bridge',
    network_interface: 'podman1',
    subnets: [
      { subnet: 'fc00:f853:ccd:e793::/64', gateway: 'fc00:f853:ccd:e793::1' },
      { subnet: '10.89.0.0/24', gateway: '10.89.0.1' },
    ],
    ipv6_enabled: true,
    containers: {
      d4: {
        name: 'cluster01-control-plane',
        interfaces: {
          eth0: {
            subnets: [
              { ipnet: '10.89.0.2/24', gateway: '10.89.0.1' },
              { ipnet: 'fc00:f853:ccd:e793::2/64', gateway: 'fc00:f853:ccd:e793::1' },
            ],
            mac_address: '6a:1f:00:00:00:02',
          },
        },
      },
    },
  },
]);

// The older CNI backend (Podman 3/4): a conflist, with one range set per address family.
const CNI = JSON.stringify([
  {
    cniVersion: '0.4.0',
    name: 'kind',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni-podman1',
        isGateway: true,
        ipMasq: true,
        ipam: {
          type: 'host-local',
          routes: [{ dst: '0.0.0.0/0' }],
          ranges: [[{ subnet: 'fc00:f853:ccd:e793::/64', gateway: 'fc00:f853:ccd:e793::1' }], [{ subnet: '10.89.1.0/24', gateway: '10.89.1.1' }]],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  },
]);

function failureOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KindlabError);
    return (err as KindlabError).failure;
  }
  throw new Error('expected a failure');
}

describe('parseNetworkInspect', () => {
  it('takes the IPv4 entry from Docker output even when IPv6 is listed first', () => {
    const facts = parseNetworkInspect(DOCKER);
    expect(facts).toEqual({ subnet: '172.18.0.0/16', gateway: '172.18.0.1', used: ['172.18.0.3', '172.18.0.2'], source: 'docker' });
  });

  it('reads Podman netavark output, including container addresses', () => {
    expect(parseNetworkInspect(NETAVARK)).toEqual({ subnet: '10.89.0.0/24', gateway: '10.89.0.1', used: ['10.89.0.2'], source: 'podman' });
  });

  it('reads the old Podman CNI conflist', () => {
    expect(parseNetworkInspect(CNI)).toEqual({ subnet: '10.89.1.0/24', gateway: '10.89.1.1', used: [], source: 'podman-cni' });
  });

  it('accepts a single object and a byte-order mark', () => {
    const single = JSON.stringify(JSON.parse(DOCKER)[0]);
    expect(parseNetworkInspect('\uFEFF' + single).subnet).toBe('172.18.0.0/16');
  });

  it('returns a null gateway when the engine does not report one', () => {
    const net = { Name: 'kind', IPAM: { Config: [{ Subnet: '172.19.0.0/16' }] }, Containers: {} };
    expect(parseNetworkInspect(JSON.stringify(net))).toMatchObject({ subnet: '172.19.0.0/16', gateway: null, used: [] });
  });

  it('picks the kind network when the input lists several', () => {
    const other = { Name: 'bridge', IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] } };
    const kind = JSON.parse(DOCKER)[0];
    expect(parseNetworkInspect(JSON.stringify([other, kind])).subnet).toBe('172.18.0.0/16');
  });

  it('says the input is not JSON, on one line, with the command to run', () => {
    const f = failureOf(() => parseNetworkInspect('Error: No such network: kind'));
    expect(f.code).toBe('bad-input');
    expect(f.message).toMatch(/^the input is not JSON \(/);
    expect(f.message).not.toContain('\n');
    expect(f.hint).toContain('docker network inspect kind > kind.json');
  });

  it('says so when only IPv6 is present', () => {
    const net = { Name: 'kind', IPAM: { Config: [{ Subnet: 'fc00:f853:ccd:e793::/64' }] } };
    expect(failureOf(() => parseNetworkInspect(JSON.stringify([net]))).message).toBe('no IPv4 subnet found in the network inspect output');
  });

  it('rejects an empty list and an unknown shape', () => {
    expect(failureOf(() => parseNetworkInspect('[]')).message).toMatch(/no network description/);
    expect(failureOf(() => parseNetworkInspect('{"foo": 1}')).message).toMatch(/does not look like/);
  });
});
