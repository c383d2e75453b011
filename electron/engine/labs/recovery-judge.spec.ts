import { describe, expect, it } from 'vitest';
import { dnsRecovery, freshDnsPod, nodeAgents, nodeRecovery, readySince, secondsOf } from './recovery-judge.ts';
import { sayer } from './say.ts';
import { deployment, iso, node, pod, slice } from '../../../test/fakes/engine/labs/restart-world.ts';

const say = sayer('en');
const T = Date.parse('2026-12-01T10:00:00Z');
const since = T / 1000;

describe('secondsOf', () => {
  it('reads Kubernetes and docker timestamps at second precision', () => {
    expect(secondsOf('2026-12-01T10:00:00Z')).toBe(since);
    // docker prints nanoseconds, which Date.parse does not take everywhere
    expect(secondsOf('2026-12-01T10:00:00.987654321Z')).toBe(since);
    expect(secondsOf('2026-12-01T12:00:00.5+02:00')).toBe(since);
    // Podman's docker CLI prints Go's time format
    expect(secondsOf('2026-12-01 10:00:00.123456789 +0000 UTC')).toBe(since);
    expect(secondsOf('2026-12-01 11:00:00 +0100 CET')).toBe(since);
    expect(secondsOf('0001-01-01T00:00:00Z')).toBeLessThan(0);
    expect(secondsOf('')).toBeNull();
    expect(secondsOf('not a time')).toBeNull();
  });
});

describe('nodeRecovery', () => {
  const agent = (ready: boolean, readyAt: number, startedAt?: number) =>
    pod('kube-proxy-w', 'kube-system', 'w', { owner: 'DaemonSet', ready, readyAt, ...(startedAt !== undefined ? { startedAt } : {}) });
  const workload = pod('nginx-1', 'default', 'w', { owner: 'ReplicaSet', ready: false, readyAt: T - 500_000 });

  it('does not trust a Ready written before the container started', () => {
    const v = nodeRecovery({ nodeName: 'w', node: node('w', 'True', T - 300_000), pods: [], since }, say);
    expect(v).toMatchObject({ done: false, message: 'node w: its Ready status predates the restart; waiting for the kubelet to report again' });
  });

  it('waits for node agents that are not Ready, or Ready only from before the restart', () => {
    for (const a of [agent(false, T + 5000), agent(true, T - 100_000, T - 100_000)]) {
      const v = nodeRecovery({ nodeName: 'w', node: node('w', 'True', T + 2000), pods: [a, workload], since }, say);
      expect(v.done).toBe(false);
      expect(v.message).toBe('0/1 node agents on w back; waiting for kube-system/kube-proxy-w');
    }
  });

  it('is done once the kubelet reported and every agent restarted (new container) or turned Ready since the start', () => {
    for (const a of [agent(true, T + 4000), agent(true, T - 100_000, T + 3000)]) {
      const v = nodeRecovery({ nodeName: 'w', node: node('w', 'True', T - 300_000, { heartbeat: T + 1000 }), pods: [a, workload], since }, say);
      expect(v).toMatchObject({ done: true, fraction: 1 });
    }
  });

  it('only counts DaemonSet pods as node agents, and not the ones being deleted', () => {
    const gone = { ...agent(false, T), metadata: { ...agent(false, T).metadata, deletionTimestamp: iso(T) } };
    expect(nodeAgents([workload, gone, agent(true, T)]).map((p) => p.metadata.name)).toEqual(['kube-proxy-w']);
  });

  it('speaks Chinese', () => {
    expect(nodeRecovery({ nodeName: 'w', node: null, pods: [], since }, sayer('zh')).message).toBe('节点 w 尚未注册');
    expect(nodeRecovery({ nodeName: 'w', node: node('w', 'Unknown', T), pods: [], since }, sayer('zh')).message).toBe('节点 w 尚未 Ready（Unknown）');
  });

  it('readySince needs Ready first', () => {
    expect(readySince(agent(false, T + 10_000, T + 10_000), since)).toBe(false);
  });
});

describe('dnsRecovery', () => {
  const nodes = [node('cp', 'True', T - 600_000, { controlPlane: true }), node('w', 'True', T)];
  const dns = (name: string, nodeName: string, readyAt: number, ip: string, ready = true) => pod(name, 'kube-system', nodeName, { owner: 'ReplicaSet', ready, readyAt, ip, labels: { 'k8s-app': 'kube-dns' } });

  it('is not fooled by an available Deployment whose pods are Ready from before their node came back', () => {
    const pods = [dns('coredns-a', 'w', T - 300_000, '10.240.1.2'), dns('coredns-b', 'w', T - 300_000, '10.240.1.3')];
    const v = dnsRecovery({ deployment: deployment('coredns', 'kube-system', 2, 2), pods, nodes, slices: [slice('kube-dns', 'kube-system', [{ ip: '10.240.1.2', ready: true }, { ip: '10.240.1.3', ready: true }])] }, say);
    expect(v).toMatchObject({ done: false, servers: [], message: 'CoreDNS: 0/2 pods Ready since their node came back; waiting for coredns-a (w), coredns-b (w)' });
  });

  it('waits for the Deployment, then for kube-dns to list exactly the fresh pods', () => {
    const pods = [dns('coredns-a', 'w', T + 20_000, '10.240.1.2'), dns('coredns-b', 'cp', T - 500_000, '10.240.0.3')];
    const facts = { deployment: deployment('coredns', 'kube-system', 2, 1), pods, nodes, slices: [slice('kube-dns', 'kube-system', [{ ip: '10.240.1.9', ready: true }, { ip: '10.240.0.3', ready: true }])] };
    expect(dnsRecovery(facts, say).message).toBe('CoreDNS: 1/2 replicas available');
    const available = { ...facts, deployment: deployment('coredns', 'kube-system', 2, 2) };
    expect(dnsRecovery(available, say).message).toBe('kube-dns endpoints are not current (not yet listed: 10.240.1.2; still listed: 10.240.1.9)');
    const current = { ...available, slices: [slice('kube-dns', 'kube-system', [{ ip: '10.240.1.2', ready: true }, { ip: '10.240.0.3', ready: true }, { ip: '10.240.1.9', ready: false }])] };
    expect(dnsRecovery(current, say)).toMatchObject({ done: true, servers: ['10.240.0.3', '10.240.1.2'] });
  });

  it('a pod on a node that is not Ready is not fresh; a few seconds of clock order are allowed', () => {
    expect(freshDnsPod(dns('a', 'w', T + 1000, '1.1.1.1'), [node('w', 'Unknown', T)])).toBe(false);
    expect(freshDnsPod(dns('a', 'w', T - 2000, '1.1.1.1'), nodes)).toBe(true);
    expect(freshDnsPod(dns('a', 'w', T - 60_000, '1.1.1.1'), nodes)).toBe(false);
    expect(freshDnsPod(dns('a', 'gone', T, '1.1.1.1'), nodes)).toBe(false);
  });

  it('says when there is no CoreDNS at all, in both languages', () => {
    const facts = { deployment: null, pods: [], nodes, slices: [] };
    expect(dnsRecovery(facts, say).message).toBe('Deployment kube-system/coredns does not exist');
    expect(dnsRecovery(facts, sayer('zh')).message).toBe('Deployment kube-system/coredns 不存在');
  });
});
