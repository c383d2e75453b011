import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { portsCheck } from './ports.ts';

describe('ports check', () => {
  it('is ok when both ports bind on loopback', async () => {
    const out = await portsCheck.check(fakeContext());
    expect(out).toEqual({ status: 'ok', finding: { en: 'Ports 80 and 443 are free on 127.0.0.1.', zh: '127.0.0.1 上的端口 80 和 443 都空闲。' } });
  });

  it('fails naming nginx and its pid when it holds port 80', async () => {
    const out = await portsCheck.check(fakeContext({ ports: { '127.0.0.1:80': { pid: 1234, name: 'nginx' } } }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('On 127.0.0.1, port 80 is taken by nginx (pid 1234).');
    expect(out.finding.zh).toBe('在 127.0.0.1 上，端口 80 被 nginx（pid 1234）占用。');
    expect(out.fixCommands).toEqual(["sudo ss -ltnp 'sport = :80'"]);
  });

  it('checks 0.0.0.0 in LAN mode', async () => {
    const ctx = fakeContext({ ports: { '0.0.0.0:443': { pid: null, name: null } } }, { lanAccess: true });
    const out = await portsCheck.check(ctx);
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('On 0.0.0.0, port 443 is taken by another program (its name is hidden from this user).');
  });

  it('mentions IIS and the excluded port ranges on Windows', async () => {
    const out = await portsCheck.check(fakeContext({ platform: 'win32', ports: { '127.0.0.1:80': { pid: 4, name: 'System' } } }));
    expect(out.fix?.en).toContain('net stop w3svc');
    expect(out.fixCommands).toContain('netsh int ipv4 show excludedportrange protocol=tcp');
  });

  /** One line of `docker ps --format {{json .}}`, as Docker 28 prints it. */
  const psLine = (name: string, ports: string, labels = '') =>
    JSON.stringify({ Command: '"/usr/local/bin/entrypoint /sbin/init"', CreatedAt: '2026-11-25 21:40:11 +0000 UTC', ID: '3f1c2a9b7d10', Image: 'kindest/node:v1.35.8', Labels: labels, LocalVolumes: '0', Mounts: '/lib/modules', Names: name, Networks: 'kind', Ports: ports, RunningFor: '2 hours ago', Size: '0B', State: 'running', Status: 'Up 2 hours' });
  const kindNode = (cluster: string, role = 'worker') => `io.x-k8s.kind.cluster=${cluster},io.x-k8s.kind.role=${role}`;
  const cluster01 = (state = 'running') => ({
    'kind get clusters': { stdout: 'cluster01\n' },
    'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}': {
      stdout: fx.kindContainerLines([
        { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane', state },
        { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker', state },
      ]),
    },
  });

  it('is ok when the node container of the kindlab cluster publishes the ports, and says so', async () => {
    const out = await portsCheck.check(
      fakeContext({
        ports: { '127.0.0.1:80': { pid: 2211, name: 'docker-proxy' }, '127.0.0.1:443': { pid: 2212, name: 'docker-proxy' } },
        commands: {
          ...cluster01(),
          'docker ps --format {{json .}}': { stdout: `${psLine('cluster01-worker', '127.0.0.1:80->80/tcp, 127.0.0.1:443->443/tcp', kindNode('cluster01'))}\n${psLine('cluster01-control-plane', '127.0.0.1:38573->6443/tcp', kindNode('cluster01', 'control-plane'))}\n` },
        },
      }),
    );
    expect(out).toEqual({
      status: 'ok',
      finding: { en: 'Ports 80 and 443 on 127.0.0.1 are published for the cluster cluster01 by its node container cluster01-worker.', zh: '127.0.0.1 上的端口 80 和 443 由集群 cluster01 的节点容器 cluster01-worker 发布。' },
    });
  });

  it('does not credit an existing cluster with ports another program holds (its nodes are stopped)', async () => {
    const out = await portsCheck.check(fakeContext({ ports: { '127.0.0.1:80': { pid: 1234, name: 'nginx' } }, commands: cluster01('exited') }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('On 127.0.0.1, port 80 is taken by nginx (pid 1234). The cluster cluster01 exists, but its nodes (cluster01-control-plane, cluster01-worker) are not running, so the ports are not theirs.');
    expect(out.fixCommands).toEqual(["sudo ss -ltnp 'sport = :80'"]);
  });

  it('names another kind cluster whose node publishes the ports, and how to free them', async () => {
    const out = await portsCheck.check(
      fakeContext({
        ports: { '127.0.0.1:80': { pid: 2211, name: 'docker-proxy' }, '127.0.0.1:443': { pid: 2212, name: 'docker-proxy' } },
        commands: { 'kind get clusters': { stdout: 'cluster01\ncluster012\n' }, 'docker ps --format {{json .}}': { stdout: `${psLine('cluster012-worker', '127.0.0.1:80->80/tcp, 127.0.0.1:443->443/tcp', kindNode('cluster012'))}\n` } },
      }),
    );
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('On 127.0.0.1, port 80 is taken by the container cluster012-worker, a node of the kind cluster cluster012; port 443 is taken by the container cluster012-worker, a node of the kind cluster cluster012.');
    expect(out.finding.zh).toContain('容器 cluster012-worker（kind 集群 cluster012 的节点）');
    expect(out.fixCommands).toEqual(['kind delete cluster --name cluster012']);
  });

  it('finds a container that publishes a port even when the port looks free (Docker without its userland proxy)', async () => {
    const out = await portsCheck.check(fakeContext({ commands: { 'docker ps --format {{json .}}': { stdout: `${psLine('registry', '0.0.0.0:80->5000/tcp, [::]:80->5000/tcp')}\n` } } }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toBe('On 127.0.0.1, port 80 is taken by the container registry.');
    expect(out.fixCommands).toEqual(['docker stop registry']);
  });

  it('does not mistake cluster012 for the kindlab cluster', async () => {
    const out = await portsCheck.check(
      fakeContext({ ports: { '127.0.0.1:80': { pid: 2211, name: 'docker-proxy' } }, commands: { 'kind get clusters': { stdout: 'cluster012\n' } } }),
    );
    expect(out.status).toBe('fail');
  });

  it('warns when it cannot tell, and still checks while the daemon is down', async () => {
    const out = await portsCheck.check(fakeContext({ commands: DAEMON_DOWN, ports: { '127.0.0.1:443': null } }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toBe('Could not tell whether port 443 on 127.0.0.1 is free.');
  });

  it('fails for a rootless engine that may not publish port 80', async () => {
    const rootless = fakeContext({
      commands: {
        'docker info --format {{json .}}': { stdout: fx.dockerInfoJson({ SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless'] }) },
        'docker context inspect': { stdout: fx.dockerContextJson('rootless', 'unix:///run/user/1000/docker.sock') },
      },
      files: { '/proc/sys/net/ipv4/ip_unprivileged_port_start': '1024\n' },
    });
    const out = await portsCheck.check(rootless);
    expect(out.status).toBe('fail');
    expect(out.fixCommands?.[0]).toBe('sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80');
  });
});
