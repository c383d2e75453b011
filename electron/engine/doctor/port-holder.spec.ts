import { describe, expect, it } from 'vitest';
import { parsePublishedPorts, portHolder, stoppedNodes } from './port-holder.ts';

describe('published ports', () => {
  it('reads docker ps lines: addresses, IPv6 brackets, ranges, exposed-only and UDP ports', () => {
    const line = (Names: string, Ports: string, Labels = '') => JSON.stringify({ Names, Ports, Labels, State: 'running' });
    const out = parsePublishedPorts(
      [
        line('cluster01-worker', '127.0.0.1:80->80/tcp, 127.0.0.1:443->443/tcp', 'io.x-k8s.kind.cluster=cluster01,io.x-k8s.kind.role=worker'),
        line('web', '0.0.0.0:8000-8001->8000-8001/tcp, [::]:8000-8001->8000-8001/tcp, :::9000->9000/tcp'),
        line('quiet', '5000/tcp, 0.0.0.0:53->53/udp'),
      ].join('\n'),
    );
    expect(out).toEqual([
      { container: 'cluster01-worker', cluster: 'cluster01', address: '127.0.0.1', hostPort: 80 },
      { container: 'cluster01-worker', cluster: 'cluster01', address: '127.0.0.1', hostPort: 443 },
      { container: 'web', cluster: null, address: '0.0.0.0', hostPort: 8000 },
      { container: 'web', cluster: null, address: '0.0.0.0', hostPort: 8001 },
      { container: 'web', cluster: null, address: '::', hostPort: 8000 },
      { container: 'web', cluster: null, address: '::', hostPort: 8001 },
      { container: 'web', cluster: null, address: '::', hostPort: 9000 },
    ]);
  });

  it("reads Podman's JSON array", () => {
    const out = parsePublishedPorts(JSON.stringify([{ Names: ['kind-worker'], Labels: { 'io.x-k8s.kind.cluster': 'kind' }, Ports: [{ host_ip: '', container_port: 80, host_port: 80, range: 1, protocol: 'tcp' }] }]));
    expect(out).toEqual([{ container: 'kind-worker', cluster: 'kind', address: '0.0.0.0', hostPort: 80 }]);
    expect(parsePublishedPorts('not json')).toEqual([]);
  });
});

describe('who holds a port', () => {
  const own = { container: 'cluster01-worker', cluster: 'cluster01', address: '127.0.0.1', hostPort: 80 };
  const other = { container: 'kind-worker', cluster: 'kind', address: '0.0.0.0', hostPort: 80 };

  it("prefers the container Docker names over the process (docker-proxy says little)", () => {
    expect(portHolder(80, '127.0.0.1', { pid: 2211, name: 'docker-proxy' }, [own], 'cluster01')).toEqual({ kind: 'own-node', container: 'cluster01-worker' });
    expect(portHolder(80, '127.0.0.1', { pid: 2211, name: 'docker-proxy' }, [other], 'cluster01')).toEqual({ kind: 'container', container: 'kind-worker', cluster: 'kind' });
    // A wildcard bind collides with a loopback publish; loopback with loopback only.
    expect(portHolder(80, '0.0.0.0', 'free', [own], 'cluster01').kind).toBe('own-node');
    expect(portHolder(80, '127.0.0.2', 'free', [own], 'cluster01').kind).toBe('free');
  });

  it('falls back to what the system says when no container publishes the port', () => {
    expect(portHolder(80, '127.0.0.1', { pid: 1234, name: 'nginx' }, [], 'cluster01')).toEqual({ kind: 'process', owner: { pid: 1234, name: 'nginx' } });
    expect(portHolder(443, '127.0.0.1', 'free', [own], 'cluster01')).toEqual({ kind: 'free' });
    expect(portHolder(80, '127.0.0.1', null, null, 'cluster01')).toEqual({ kind: 'unknown' });
  });

  it("lists the cluster's nodes that exist but do not run", () => {
    const nodes = [
      { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane', state: 'running' },
      { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state: 'exited' },
      { name: 'kind-worker', cluster: 'kind', role: 'worker', state: 'exited' },
    ];
    expect(stoppedNodes(nodes, 'cluster01')).toEqual(['cluster01-worker']);
    expect(stoppedNodes(null, 'cluster01')).toEqual([]);
  });
});
