// The data-plane gates a lab can wait on after it stopped and started a node (the judges are in
// recovery-judge.ts):
//   - waitDataPlane: the node's kubelet has reported since the container started, its node
//     agents (kube-proxy, the CNI, the speaker) are back, and optionally a node port on it
//     really answers as the step's check expects;
//   - waitClusterDns: CoreDNS has recovered (Deployment available, fresh pods, kube-dns's
//     endpoints current) and every CoreDNS pod, and the kube-dns Service, answer a real query.
// The API side is watched (watchUntil); the probes are retried after growing pauses, within the
// same bound. Nothing sleeps for a fixed time.
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_LABELS } from '../../shared/app-labels.ts';
import { KindlabError, cancelled } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { watchUntil } from '../kube/watch-until.ts';
import { nodeAddress } from './checks/cluster-facts.ts';
import { checkerFor } from './checks/registry.ts';
import type { CheckContext } from './checks/types.ts';
import type { ProbeRunner, ToolExec } from './probes.ts';
import { type DnsFacts, dnsRecovery, nodeRecovery, secondsOf } from './recovery-judge.ts';
import type { Say } from './say.ts';
import type { CheckOf } from './schema.ts';
import { MemoryRunState, type RunState } from './state.ts';
import type { LabVars } from './vars.ts';

export interface RecoveryDeps {
  client: KubeClient;
  tools: ToolExec;
  probes: ProbeRunner;
  vars: LabVars;
  say: Say;
  /** The run's recorded values; a cleanup has none (the checks the gates run record nothing). */
  state?: RunState;
  labId: string;
  signal: AbortSignal;
  timeoutScale: number;
  log(line: string): void;
  progress(fraction: number, message: string): void;
}

export interface DataPlaneGate {
  node: 'worker' | 'control-plane';
  nodePort?: { namespace: string; name: string; port: number } | undefined;
  path?: string | undefined;
  expectStatus?: number | undefined;
  expectBody?: string | undefined;
  timeoutSeconds: number;
}

/** The name every cluster's DNS answers for: the API server's own Service. */
const DNS_PROBE_NAME = 'kubernetes.default.svc.cluster.local';

const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 2000;

function checkContext(deps: RecoveryDeps): CheckContext {
  const { client, probes, vars, say, labId, signal, timeoutScale, log } = deps;
  return { client, probes, vars, say, state: deps.state ?? new MemoryRunState(), labId, signal, timeoutScale, log };
}

function timeout(message: string, hint: string, diagnostics: string[] = []): KindlabError {
  return new KindlabError({ code: 'timeout', message, hint, diagnostics });
}

/**
 * Runs `attempt` until it returns null (success), pausing 250 ms, 500 ms, 1 s, 2 s, 2 s… in
 * between, and never past `deadline`; returns the last reason it gave.
 */
async function retryUntil(attempt: () => Promise<string | null>, deadline: number, signal: AbortSignal): Promise<string | null> {
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    const reason = await attempt();
    if (reason === null) return null;
    if (Date.now() + pause > deadline) return reason;
    try {
      await sleep(pause, undefined, { signal });
    } catch {
      throw cancelled();
    }
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

/** When the node's container last started, from docker (in seconds), and whether it runs. */
async function containerStart(name: string, deps: RecoveryDeps): Promise<number> {
  const { say } = deps;
  // A separator no timestamp contains: Podman prints StartedAt with spaces in it.
  const r = await deps.tools.run('docker', ['inspect', '--format', '{{.State.StartedAt}}|{{.State.Running}}', name], { allowFailure: true, timeoutMs: 20_000, signal: deps.signal });
  const [startedAt, running] = r.stdout.trim().split('|').map((x) => x.trim());
  const since = secondsOf(startedAt);
  if (r.exitCode !== 0 || since === null) {
    throw new KindlabError({
      code: 'command-failed',
      message: say(`cannot tell when node container ${name} started: docker inspect said ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, `无法得知节点容器 ${name} 何时启动：docker inspect 返回 ${r.stderr.trim() || r.stdout.trim() || `退出码 ${r.exitCode}`}`),
      hint: say('Is Docker running, and is this the cluster kindlab built (kindlab status)?', 'Docker 是否在运行？这是 kindlab 创建的集群吗（kindlab status）？'),
      command: ['docker', 'inspect', name],
      exitCode: r.exitCode,
    });
  }
  if (running !== 'true') {
    throw new KindlabError({
      code: 'command-failed',
      message: say(`node container ${name} is not running`, `节点容器 ${name} 没有运行`),
      hint: say(`Start it first: docker start ${name} (the fast reset starts it too: kindlab reset --fast).`, `请先启动它：docker start ${name}（快速重置也会启动它：kindlab reset --fast）。`),
      appHint: say(
        `Start it first: docker start ${name} in the terminal (a ${APP_LABELS.resetFast.en} ${APP_LABELS.reset.en} on the ${APP_LABELS.clusterScreen.en} screen starts it too).`,
        `请先启动它：在终端运行 docker start ${name}（在“${APP_LABELS.clusterScreen.zh}”页面选“${APP_LABELS.resetFast.zh}”再点“${APP_LABELS.reset.zh}”也会启动它）。`,
      ),
    });
  }
  return since;
}

export async function waitForDataPlane(gate: DataPlaneGate, deps: RecoveryDeps): Promise<string> {
  const { client, say } = deps;
  const timeoutMs = gate.timeoutSeconds * 1000 * deps.timeoutScale;
  const deadline = Date.now() + timeoutMs;
  const found = await nodeAddress(client, gate.node);
  if (!found) {
    throw new KindlabError({ code: 'kube-api', message: say(`no ${gate.node} node with an address`, `没有带地址的 ${gate.node} 节点`), hint: say('The cluster is not the one kindlab builds; run kindlab status.', '该集群不是 kindlab 创建的集群；请运行 kindlab status。') });
  }
  const name = found.name;
  const since = await containerStart(name, deps);
  deps.log(say(`node container ${name} started at ${new Date(since * 1000).toISOString()}; waiting for its kubelet and node agents to report since then`, `节点容器 ${name} 启动于 ${new Date(since * 1000).toISOString()}；正在等待它的 kubelet 和节点代理在此之后重新上报`));
  const verdict = await watchUntil(
    client,
    [
      { apiVersion: 'v1', kind: 'Node', fieldSelector: `metadata.name=${name}` },
      { apiVersion: 'v1', kind: 'Pod', fieldSelector: `spec.nodeName=${name}` },
    ],
    async () => {
      const node = await client.get('v1', 'Node', name);
      const pods = (await client.list('v1', 'Pod', { fieldSelector: `spec.nodeName=${name}` })).items;
      return nodeRecovery({ nodeName: name, node, pods, since }, say);
    },
    {
      timeoutMs,
      signal: deps.signal,
      what: say(`the data plane of ${name}`, `${name} 的数据平面`),
      onProgress: (v) => deps.progress(0.8 * (v.fraction ?? 0), v.message ?? ''),
      hint: say(
        `Look at the node's own pods: kubectl get pods -A -o wide --field-selector spec.nodeName=${name} (kube-proxy and the CNI's pod must be Running and Ready).`,
        `请查看该节点上的 Pod：kubectl get pods -A -o wide --field-selector spec.nodeName=${name}（kube-proxy 和 CNI 的 Pod 必须为 Running 且 Ready）。`,
      ),
    },
  );
  deps.log(`✓ ${verdict.message ?? ''}`);
  if (!gate.nodePort) return verdict.message ?? '';

  // Stale forwarding rules can answer too (a 404 from whatever pod took an old address), so the
  // node port counts only once it answers the way the step's own check expects.
  const check: CheckOf<'http'> = {
    id: 'node-port-answers',
    type: 'http',
    target: { nodePort: { ...gate.nodePort, node: gate.node } },
    path: gate.path ?? '/',
    expectStatus: gate.expectStatus ?? 200,
    ...(gate.expectBody ? { expectBody: gate.expectBody } : {}),
    expectNoAnswer: false,
    viaDns: false,
  };
  const ctx = checkContext(deps);
  let attempts = 0;
  const last = await retryUntil(
    async () => {
      attempts++;
      // The checker itself, not runCheck: this loop is the retry, bounded by the gate's own time.
      const r = await checkerFor('http').run(check, ctx);
      deps.progress(0.9, r.observed);
      return r.status === 'pass' ? null : r.observed;
    },
    deadline,
    deps.signal,
  );
  const where = say(`the node port of ${gate.nodePort.namespace}/${gate.nodePort.name} (port ${gate.nodePort.port}) on ${name}`, `${name} 上 ${gate.nodePort.namespace}/${gate.nodePort.name}（端口 ${gate.nodePort.port}）的节点端口`);
  if (last !== null) {
    throw timeout(
      say(`${where} did not answer as expected within ${gate.timeoutSeconds} s: ${last}`, `${where}在 ${gate.timeoutSeconds} 秒内没有按预期响应：${last}`),
      say(`kube-proxy on ${name} may still be rewriting its rules; run the step again, or look at kubectl get pods -n kube-system -o wide.`, `${name} 上的 kube-proxy 可能仍在重写规则；请重新运行本步骤，或查看 kubectl get pods -n kube-system -o wide。`),
    );
  }
  const done = say(`${where} answers (after ${attempts} ${attempts === 1 ? 'try' : 'tries'})`, `${where} 已响应（尝试 ${attempts} 次）`);
  deps.log(`✓ ${done}`);
  return `${verdict.message ?? ''}\n${done}`;
}

async function dnsFacts(client: KubeClient): Promise<DnsFacts> {
  const [deployment, pods, nodes, slices] = await Promise.all([
    client.get('apps/v1', 'Deployment', 'coredns', 'kube-system'),
    client.list('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }),
    client.list('v1', 'Node'),
    client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' }),
  ]);
  return { deployment, pods: pods.items, nodes: nodes.items, slices: slices.items };
}

/** Cluster DNS answers again: the API side first (watched), then a real query to every server. */
export async function waitForClusterDns(timeoutSeconds: number, deps: RecoveryDeps): Promise<string> {
  const { client, say } = deps;
  const timeoutMs = timeoutSeconds * 1000 * deps.timeoutScale;
  const deadline = Date.now() + timeoutMs;
  const what = say('cluster DNS (CoreDNS)', '集群 DNS（CoreDNS）');
  const hint = say(
    'CoreDNS is not back yet: kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide. Its pods need a Ready node with a working CNI; a stopped node comes back with docker start (or kindlab reset --fast).',
    'CoreDNS 尚未恢复：kubectl get pods -n kube-system -l k8s-app=kube-dns -o wide。它的 Pod 需要一个 Ready 且 CNI 正常的节点；已停止的节点可用 docker start（或 kindlab reset --fast）恢复。',
  );
  const kubernetes = await client.get('v1', 'Service', 'kubernetes', 'default');
  const want = (kubernetes?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? null;
  let summary = '';
  let asked = 0;
  const last = await retryUntil(
    async () => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return say('out of time', '时间已用完');
      const verdict = await watchUntil(
        client,
        [
          { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kube-system', fieldSelector: 'metadata.name=coredns' },
          { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' },
          { apiVersion: 'v1', kind: 'Node' },
          { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' },
        ],
        async () => dnsRecovery(await dnsFacts(client), say),
        { timeoutMs: remaining, signal: deps.signal, what, hint, onProgress: (v) => deps.progress(0.7 * (v.fraction ?? 0), v.message ?? '') },
      );
      summary = verdict.message ?? '';
      const servers = (verdict as { servers?: string[] }).servers ?? [];
      // Each CoreDNS pod on its own (kube-dns would spread the queries and hide a dead one),
      // and the kube-dns Service, the way every pod asks. Side by side: one probe pod's time.
      const targets = [...servers, null];
      asked += targets.length;
      const answers = await Promise.all(targets.map((server) => deps.probes.dnsFromPod({ namespace: 'default', labels: {}, name: DNS_PROBE_NAME, tcp: false, timeoutS: 2, ...(server ? { server } : {}) })));
      for (const [i, obs] of answers.entries()) {
        const server = targets[i];
        const ok = obs.outcome === 'answer' && (!want || obs.records.some((r) => r.type === 'A' && r.value === want));
        if (!ok) return say(`${server ? `CoreDNS at ${server}` : 'the kube-dns Service'} did not answer ${DNS_PROBE_NAME}: ${obs.detail}`, `${server ? `${server} 上的 CoreDNS` : 'kube-dns Service'} 没有应答 ${DNS_PROBE_NAME}：${obs.detail}`);
      }
      deps.progress(0.9, answers.at(-1)?.detail ?? '');
      return null;
    },
    deadline,
    deps.signal,
  ).catch((err: unknown) => {
    // The API side ran out of time: its own timeout names what was still missing.
    if (err instanceof KindlabError && err.failure.code === 'timeout') throw new KindlabError({ ...err.failure, hint });
    throw err;
  });
  if (last !== null) throw timeout(say(`${what}: not answering after ${timeoutSeconds} s (${last})`, `${what}：${timeoutSeconds} 秒后仍没有应答（${last}）`), hint);
  const done = say(`${summary}; ${DNS_PROBE_NAME} resolves through every CoreDNS pod and through kube-dns`, `${summary}；${DNS_PROBE_NAME} 可通过每个 CoreDNS Pod 以及 kube-dns 解析`);
  deps.log(`✓ ${done} (${asked} ${say('queries', '次查询')})`);
  return done;
}
