import { describe, expect, it } from 'vitest';
import { DAEMON_DOWN, fakeContext } from '../fake-probes.ts';
import * as fx from '../fixtures.ts';
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

  it('is ok when the kindlab cluster already holds the ports', async () => {
    const nodes = fx.kindContainerLines([
      { name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane' },
      { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker' },
    ]);
    const out = await portsCheck.check(
      fakeContext({
        ports: { '127.0.0.1:80': { pid: 2211, name: 'docker-proxy' } },
        commands: { 'kind get clusters': { stdout: 'cluster01\n' }, 'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}': { stdout: nodes } },
      }),
    );
    expect(out.status).toBe('ok');
    expect(out.finding.en).toContain('existing cluster cluster01');
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
