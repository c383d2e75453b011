import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { type RecoveryDeps, waitForClusterDns, waitForDataPlane } from './recovery.ts';
import { sayer } from './say.ts';
import { MemoryRunState } from './state.ts';
import { FakeTools } from '../../../test/fakes/engine/labs/fake-tools.ts';
import { probesFor } from '../../../test/fakes/engine/labs/harness.ts';
import { type RestartWorld, restartWorld } from '../../../test/fakes/engine/labs/restart-world.ts';
import { EXAMPLE_VARS } from './vars.ts';

function deps(w: RestartWorld, lang: 'en' | 'zh' = 'en'): RecoveryDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    client: w.client,
    tools: w.tools,
    probes: probesFor(w.client, { tools: w.tools }),
    vars: EXAMPLE_VARS,
    say: sayer(lang),
    state: new MemoryRunState(),
    labId: 'nodeport',
    signal: new AbortController().signal,
    timeoutScale: 1,
    log: (l) => lines.push(l),
    progress: () => undefined,
    lines,
  };
}

const gate = { node: 'worker' as const, nodePort: { namespace: 'default', name: 'nginx-frontend', port: 80 }, expectStatus: 200, expectBody: 'Welcome to nginx', timeoutSeconds: 20 };

describe('waitForDataPlane', () => {
  it('does not trust a Ready node: it waits for the node agents to come back and the node port to answer 200', async () => {
    const w = restartWorld();
    const d = deps(w);
    let recovered = 0;
    setTimeout(() => {
      recovered = Date.now();
      w.recoverAgents();
    }, 150);
    const out = await waitForDataPlane(gate, d);
    expect(recovered).toBeGreaterThan(0);
    expect(out).toMatch(/cluster01-worker reported Ready after its restart, and its 2 node agents are back/);
    expect(out).toMatch(/answers/);
    // docker inspect told the gate when the container started.
    expect(w.tools.calls.find((c) => c.args[0] === 'inspect')?.args).toEqual(['inspect', '--format', '{{.State.StartedAt}}|{{.State.Running}}', 'cluster01-worker']);
    expect(d.lines.join('\n')).toMatch(/node container cluster01-worker started at/);
  });

  it('runs out naming the node agents that are not back', async () => {
    const w = restartWorld();
    const err = await waitForDataPlane({ ...gate, timeoutSeconds: 1 }, { ...deps(w), timeoutScale: 0.2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlabError);
    expect((err as KindlabError).failure.code).toBe('timeout');
    expect(textIn((err as KindlabError).failure.message, 'en')).toMatch(/waiting for kube-system\/kube-proxy-w, kube-system\/kube-router-w/);
  });

  it('keeps asking a node port that answers 404 from stale rules, and fails with what it saw', async () => {
    const w = restartWorld();
    // The agents look back (fresh and Ready) but the probe still gets 404.
    w.recoverAgents();
    const d = deps(w, 'zh');
    const tools = new FakeTools((tool, args) => {
      if (tool === 'docker' && args[0] === 'inspect') return { stdout: `${new Date(w.startedAt).toISOString()}|true\n` };
      return { stdout: '404 page not found\n404' };
    });
    d.tools = tools;
    d.probes = probesFor(w.client, { tools, lang: 'zh' });
    const err = await waitForDataPlane({ ...gate, timeoutSeconds: 1 }, d).catch((e: unknown) => e);
    expect((err as KindlabError).failure.code).toBe('timeout');
    expect(textIn((err as KindlabError).failure.message, 'en')).toMatch(/节点端口在 1 秒内没有按预期响应.*HTTP 404/);
  });

  it('says at once when the node container is not running', async () => {
    const w = restartWorld();
    const d = deps(w);
    d.tools = new FakeTools(() => ({ stdout: '2026-01-01 00:00:00.5 +0000 UTC|false\n' }));
    const err = await waitForDataPlane(gate, d).catch((e: unknown) => e);
    expect((err as KindlabError).failure).toMatchObject({ message: 'node container cluster01-worker is not running', hint: expect.stringMatching(/docker start cluster01-worker/) });
  });
});

describe('waitForClusterDns', () => {
  it('waits for fresh CoreDNS pods, then asks each of them and kube-dns', async () => {
    const w = restartWorld();
    setTimeout(() => w.recoverDns(), 150);
    const d = deps(w);
    const out = await waitForClusterDns(20, d);
    expect(out).toMatch(/CoreDNS: 2 fresh pods, all ready in kube-dns's endpoints; kubernetes\.default\.svc\.cluster\.local resolves/);
    // Every server was asked, and kube-dns (the pods' own resolver) too.
    expect(new Set(w.asked.dns.slice(-3))).toEqual(new Set(['10.240.1.20', '10.240.1.21', '10.96.0.10']));
  });

  it('runs out with the stale pods named, in Chinese too', async () => {
    const w = restartWorld();
    const err = await waitForClusterDns(1, { ...deps(w, 'zh'), timeoutScale: 0.2 }).catch((e: unknown) => e);
    expect((err as KindlabError).failure.code).toBe('timeout');
    expect(textIn((err as KindlabError).failure.message, 'en')).toMatch(/CoreDNS：0\/2 个 Pod 在其节点恢复后已 Ready；正在等待 coredns-0 \(cluster01-worker\)/);
    expect(textIn((err as KindlabError).failure.hint, 'en')).toMatch(/docker start/);
  });

  it('does not accept CoreDNS pods that look fresh but do not answer', async () => {
    // Fresh in the API, dead on the wire.
    const w = restartWorld();
    w.recoverDns();
    const d = deps(w);
    d.probes = { ...d.probes, dnsFromPod: async () => ({ outcome: 'timeout', status: null, records: [], detail: 'the DNS server did not answer (timed out)' }) };
    const err = await waitForClusterDns(1, d).catch((e: unknown) => e);
    expect(textIn((err as KindlabError).failure.message, 'en')).toMatch(/not answering after 1 s \(CoreDNS at 10\.240\.1\.20 did not answer kubernetes\.default\.svc\.cluster\.local: the DNS server did not answer/);
  });
});
