// The nodeport lab as a real cluster ran it: after `docker start` of the worker, the node said
// Ready and the Deployment available at once, while the worker's kube-proxy and CNI, and the
// CoreDNS replicas that ran there, came back later. The lab's own waits must cover that gap.
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { cleanupLab } from './cleanup.ts';
import { DEFAULT_LABS_DIR, loadLabs } from './loader.ts';
import { runStep } from './runner.ts';
import { sayer } from './say.ts';
import { probesFor, runnerDeps } from '../../../test/fakes/engine/labs/harness.ts';
import { restartWorld } from '../../../test/fakes/engine/labs/restart-world.ts';

const nodeport = loadLabs(DEFAULT_LABS_DIR).labs.find((l) => l.id === 'nodeport');
if (!nodeport) throw new Error('the nodeport lab does not load');
const stepIndex = (id: string) => nodeport.spec.steps.findIndex((s) => s.id === id);

describe('nodeport: bringing the worker back', () => {
  it('waits for the worker’s data plane and for cluster DNS before its checks run', async () => {
    const w = restartWorld();
    const order: string[] = [];
    setTimeout(() => {
      order.push('agents back');
      w.recoverAgents();
    }, 300);
    setTimeout(() => {
      order.push('dns back');
      w.recoverDns();
    }, 500);
    const deps = runnerDeps(w.client, { tools: w.tools });
    const r = await runStep(nodeport, stepIndex('start-worker'), deps);
    order.push('checks done');
    const failed = [...r.actions.filter((a) => a.status !== 'done').map((a) => `${textIn(a.description, 'en')}: ${textIn(a.output, 'en')}`), ...r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.observed}`)];
    expect(failed).toEqual([]);
    expect(order).toEqual(['agents back', 'dns back', 'checks done']);
    // The node port was asked until it served the page, not only once.
    expect(w.asked.http).toBeGreaterThan(1);
    // Every CoreDNS pod was asked on its own, and kube-dns too.
    expect(new Set(w.asked.dns)).toEqual(new Set(['10.240.1.20', '10.240.1.21', '10.96.0.10']));
  });

  it('fails the step with the gate’s reason when the worker’s kube-proxy never comes back', async () => {
    const w = restartWorld();
    const r = await runStep(nodeport, stepIndex('start-worker'), runnerDeps(w.client, { tools: w.tools }));
    expect(r.status).toBe('fail');
    const gate = r.actions.find((a) => a.status === 'failed');
    expect(textIn(gate?.description, 'en')).toMatch(/^Wait until the data plane of the worker node is back/);
    expect(textIn(gate?.output, 'en')).toMatch(/waiting for kube-system\/kube-proxy-w/);
  });

  it('the last step hands the cluster back only with DNS answering', () => {
    const last = nodeport.spec.steps.at(-1);
    expect(last?.actions.at(-1)).toEqual({ waitClusterDns: { timeoutSeconds: 240 } });
  });

  it('its cleanup waits for DNS too, after deleting what the lab made', async () => {
    const w = restartWorld();
    setTimeout(() => w.recoverDns(), 200);
    const lines: string[] = [];
    const removed = await cleanupLab(nodeport, {
      client: w.client,
      vars: runnerDeps(w.client).vars,
      say: sayer('en'),
      signal: new AbortController().signal,
      timeoutScale: 0.01,
      log: (l) => lines.push(l),
      probes: probesFor(w.client, { tools: w.tools }),
      tools: w.tools,
    });
    expect(removed).toBe(2);
    const text = lines.join('\n');
    expect(text).toMatch(/deleted Service default\/nginx-frontend[\s\S]*waiting until cluster DNS answers again[\s\S]*✓ CoreDNS: 2 fresh pods/);
  });

  it('a cleanup without a data plane says it does not wait', async () => {
    const w = restartWorld();
    const lines: string[] = [];
    await cleanupLab(nodeport, { client: w.client, vars: runnerDeps(w.client).vars, say: sayer('zh'), signal: new AbortController().signal, timeoutScale: 0.01, log: (l) => lines.push(l) });
    expect(lines.at(-1)).toBe('nodeport：此处不等待集群 DNS（没有可询问的数据平面）');
  });
});
