// policyCanary: before a step grades NetworkPolicies, prove that this cluster enforces them.
// In a throwaway namespace a client reaches a server; after a deny-all policy the same
// connection must stop getting through, and stay stopped. Stopped means either way a CNI blocks:
// Calico drops (the client times out), kube-router rejects (the client sees "connection
// refused"); since the server answered a moment before, a refusal cannot be a closed port. If
// either half fails, grading policies would be meaningless (a CNI that ignores them lets every
// "blocked" check fail, or makes a wrong policy look right).
import { randomBytes } from 'node:crypto';
import { KindlabError } from '../../errors.ts';
import { fromText } from '../../i18n/text.ts';
import type { KubeObject } from '../../kube/client.ts';
import { diagnose } from '../../kube/diagnose.ts';
import { named, podReady } from '../../kube/readiness.ts';
import { waitFor } from '../../kube/wait.ts';
import { LAB_LABEL, PROBE_LABEL } from '../manifest.ts';
import type { TcpObservation } from '../probe-output.ts';
import { podIP } from './cluster-facts.ts';
import { HOLD_MS, SETTLE_MS, settleThenHold, settleWithBackoff } from './settle.ts';
import { type CheckContext, type CheckOutcome, type Checker, failed, passed } from './types.ts';

const CANARY_SERVER_IMAGE = 'nginx:1.30.4-alpine';
const SERVER = 'canary-server';
const PROBE_TIMEOUT_S = 3;
/** How a CNI stops a connection that a policy denies. */
const stopped = (o: TcpObservation) => o.outcome === 'blocked' || o.outcome === 'refused';

const CNI_PODS = 'kubectl get pods -n calico-system (Calico), kubectl get pods -n kube-system -l k8s-app=kube-router (kube-router)';

function canaryObjects(ns: string, labId: string): { namespace: KubeObject; server: KubeObject; denyAll: KubeObject } {
  const labels = { [PROBE_LABEL]: 'true', [LAB_LABEL]: labId };
  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
    server: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: SERVER, namespace: ns, labels: { ...labels, app: SERVER } },
      spec: {
        terminationGracePeriodSeconds: 0,
        automountServiceAccountToken: false,
        containers: [{ name: 'nginx', image: CANARY_SERVER_IMAGE, ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } } }],
      },
    },
    denyAll: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: ns, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  };
}

async function runCanary(ctx: CheckContext, expected: string): Promise<CheckOutcome> {
  const { client, probes, say, signal } = ctx;
  const ns = `kindlab-canary-${randomBytes(3).toString('hex')}`;
  const objs = canaryObjects(ns, ctx.labId);
  ctx.log(say(`NetworkPolicy canary in namespace ${ns}`, `在命名空间 ${ns} 中运行 NetworkPolicy 金丝雀测试`));
  await client.create(objs.namespace, { signal });
  try {
    await client.create(objs.server, { signal });
    let server: KubeObject | undefined;
    try {
      const list = await waitFor(client, { apiVersion: 'v1', kind: 'Pod', namespace: ns, fieldSelector: `metadata.name=${SERVER}` }, named(SERVER, podReady, 'pod'), {
        timeoutMs: 180_000 * ctx.timeoutScale,
        signal,
        what: 'canary server pod',
        diagnose: () => diagnose(client, { namespace: ns }),
      });
      server = list.find((p) => p.metadata.name === SERVER);
    } catch (err) {
      if (!(err instanceof KindlabError) || err.failure.code !== 'timeout') throw err;
      return failed(expected, say(`the canary's server pod did not become Ready: ${(err.failure.diagnostics ?? []).map(fromText).join(' | ')}`, `金丝雀的服务端 Pod 未能 Ready：${(err.failure.diagnostics ?? []).map(fromText).join(' | ')}`), 'cluster', say(`Pods cannot start in this cluster (image ${CANARY_SERVER_IMAGE}); fix that first — kindlab status shows the add-ons.`, `该集群中的 Pod 无法启动（镜像 ${CANARY_SERVER_IMAGE}）；请先解决这个问题——kindlab status 会显示各插件的状态。`));
    }
    const ip = server ? podIP(server) : null;
    if (!ip) return failed(expected, say('the canary server has no pod IP', '金丝雀服务端没有 Pod IP'), 'cni', say(`The CNI gave the pod no address: check its pods (${CNI_PODS}).`, `CNI 没有给 Pod 分配地址：请检查它的 Pod（${CNI_PODS}）。`));
    const probe = () => probes.tcpFromPod({ namespace: ns, labels: { app: 'canary-client' }, ip, port: 80, timeoutS: PROBE_TIMEOUT_S });
    const window = { timeoutMs: SETTLE_MS * ctx.timeoutScale, signal };
    // A new pod's network (and, on kube-router, its place in the policy sets) may lag a moment.
    const before = await settleWithBackoff(await probe(), (o) => o.outcome === 'open' || o.outcome === 'probe-error', probe, window);
    if (before.outcome !== 'open') {
      return failed(
        expected,
        say(`without any policy: ${before.detail}`, `没有任何策略时：${before.detail}`),
        before.outcome === 'probe-error' ? 'cluster' : 'cni',
        say(`Two pods in one namespace cannot talk even without a policy: the pod network is broken. Check that the CNI's pods run (${CNI_PODS}) and that the nodes are Ready.`, `即使没有策略，同一命名空间中的两个 Pod 也无法通信：Pod 网络有问题。请确认 CNI 的 Pod 正在运行（${CNI_PODS}），且节点处于 Ready 状态。`),
      );
    }
    await client.apply(objs.denyAll, { fieldManager: 'kindlab-canary', signal });
    // The CNI programs the policy a moment later; there is no API status to watch for it.
    const held = await settleThenHold(await probe(), stopped, probe, { ...window, holdMs: HOLD_MS * ctx.timeoutScale });
    const after = held.value;
    const how =
      after.outcome === 'refused'
        ? say('refused: this CNI rejects what a policy denies (as kube-router does), and the server answered a moment before', '被拒绝：该 CNI 会拒绝策略不允许的连接（kube-router 就是这样），而服务端片刻之前还有应答')
        : after.detail;
    const observed = say(`without a policy: open; with deny-all: ${how}`, `没有策略时：开放；应用 deny-all 后：${how}`);
    if (held.phase === 'held') return passed(expected, observed);
    if (after.outcome === 'probe-error' || after.outcome === 'error') return failed(expected, observed, 'cluster', say('The canary\'s probe could not run; see the observation.', '金丝雀的探测无法运行，请看观测结果。'));
    return failed(
      expected,
      held.phase === 'broken' ? say(`without a policy: open; with deny-all: stopped at first, then ${after.detail}`, `没有策略时：开放；应用 deny-all 后：起初被阻断，随后${after.detail}`) : observed,
      'cni',
      say(
        `NetworkPolicy is not enforced in this cluster: a deny-all policy did not stop the connection for good. The CNI must enforce policies (Calico or kube-router, with kind's disableDefaultCNI: true) and its pods must be running (${CNI_PODS}); kindnet on WSL2 is known to ignore policies.`,
        `该集群没有执行 NetworkPolicy：deny-all 策略没有持续阻止连接。CNI 必须执行策略（Calico 或 kube-router，kind 配置 disableDefaultCNI: true），且其 Pod 正在运行（${CNI_PODS}）；已知 WSL2 上的 kindnet 会忽略策略。`,
      ),
    );
  } finally {
    await client.delete('v1', 'Namespace', ns).catch(() => false);
  }
}

export const policyCanaryChecker: Checker<'policyCanary'> = {
  type: 'policyCanary',
  dataPlane: true,
  describe: (_c, say) => say('NetworkPolicies are enforced: pods reach each other, and a deny-all policy blocks them', 'NetworkPolicy 会被执行：Pod 之间可以互通，而 deny-all 策略会阻断它们'),
  run: (c, ctx) => runCanary(ctx, policyCanaryChecker.describe(c, ctx.say)),
};
