// tcp: from a pod carrying given labels, a TCP connection to a pod (by selector) or a Service
// is open, blocked (a NetworkPolicy stops it: dropped on Calico, rejected on kube-router) or
// refused (reached, nobody listening). The probe pod's labels are what a NetworkPolicy's
// podSelector sees. tcp-verdict.ts decides what a refusal means; one client pod tries again
// within the settle window and holds a block (tcp-session.ts, judgeSeries in settle.ts).
import type { Layer } from '../../../api.ts';
import type { KubeObject } from '../../kube/client.ts';
import { podReady } from '../../kube/readiness.ts';
import { selectorFromLabels } from '../../kube/labels.ts';
import type { TcpObservation } from '../probe-output.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { type TcpAttempt, sessionPauses } from '../tcp-session.ts';
import { type PolicyRef, type ServicePort, getService, livePods, podIP, policiesSelecting, serviceSpec } from './cluster-facts.ts';
import { podTrouble } from './pod-trouble.ts';
import { diagnoseServicePath } from './service-path.ts';
import { HOLD_MS, SETTLE_MS, judgeSeries, settleWithBackoff } from './settle.ts';
import { type TcpPathFacts, type TcpReading, declaresListener, meetsTcp, readTcp } from './tcp-verdict.ts';
import { type CheckContext, type CheckOutcome, type Checker, type LayerVerdict, failed, passed } from './types.ts';

type TcpCheck = CheckOf<'tcp'>;

const WORDS = {
  open: { en: 'open', zh: '开放' },
  blocked: { en: 'blocked by a policy (dropped: a timeout; or rejected: refused although something listens)', zh: '被策略阻断（丢弃：超时；或拒绝：虽有程序监听却被拒绝）' },
  refused: { en: 'refused (nothing listens there)', zh: '被拒绝（没有程序监听）' },
} as const;

function fromText(c: TcpCheck, say: Say): string {
  const labels = selectorFromLabels(c.from.labels);
  return say(`a pod in ${c.from.namespace}${labels ? ` labelled ${labels}` : ''}`, `${c.from.namespace} 中${labels ? `带 ${labels} 标签的` : '的'} Pod`);
}

function toText(c: TcpCheck, say: Say): string {
  return 'pod' in c.to ? say(`pods ${c.to.pod.selector} in ${c.to.pod.namespace}`, `${c.to.pod.namespace} 中的 Pod ${c.to.pod.selector}`) : say(`Service ${c.to.service.namespace}/${c.to.service.name}`, `Service ${c.to.service.namespace}/${c.to.service.name}`);
}

function expectation(c: TcpCheck, say: Say): string {
  const w = WORDS[c.expect];
  return say(`From ${fromText(c, say)}, TCP port ${c.port} of ${toText(c, say)} is ${w.en}`, `从${fromText(c, say)}访问${toText(c, say)}的 TCP 端口 ${c.port}：${w.zh}`);
}

interface Destination {
  ip: string;
  namespace: string;
  /** A pod that receives the connection, for its labels (policy matching) and declared ports. */
  pod?: KubeObject;
  /** Through a Service: its ports, to find the targetPort. */
  servicePorts?: ServicePort[];
}

/** Where the connection goes, and a pod that receives it. */
async function destination(c: TcpCheck, ctx: CheckContext): Promise<Destination | LayerVerdict> {
  const { client, say } = ctx;
  if ('pod' in c.to) {
    const { namespace, selector } = c.to.pod;
    const pods = await livePods(client, namespace, selector);
    const ready = pods.find((p) => podReady(p) && podIP(p));
    if (ready) return { ip: podIP(ready) ?? '', namespace, pod: ready };
    if (pods.length === 0) {
      return { layer: 'pod', observed: say(`no pod in ${namespace} matches ${selector}`, `${namespace} 中没有匹配 ${selector} 的 Pod`), hint: say(`Check the labels: kubectl get pods -n ${namespace} --show-labels.`, `请检查标签：kubectl get pods -n ${namespace} --show-labels。`) };
    }
    const t = podTrouble(pods, say, ctx.labId);
    return { layer: 'pod', observed: t.observed, hint: t.hint };
  }
  const { namespace, name } = c.to.service;
  const svc = await getService(client, namespace, name);
  const ip = svc ? serviceSpec(svc).clusterIP : undefined;
  if (!svc || !ip || ip === 'None') {
    const path = await diagnoseServicePath(client, namespace, name, say);
    if (!path.ok) return path;
    return { layer: 'service', observed: say(`${name} has no ClusterIP`, `${name} 没有 ClusterIP`), hint: say('Probe a pod instead of a headless Service.', '对无头 Service 请改为探测 Pod。') };
  }
  const pods = await livePods(client, namespace, selectorFromLabels(serviceSpec(svc).selector ?? {})).catch(() => []);
  const pod = pods.find((p) => podReady(p)) ?? pods[0];
  return { ip, namespace, ...(pod ? { pod } : {}), servicePorts: serviceSpec(svc).ports ?? [] };
}

interface PolicyFacts {
  /** Policies that select the target pods for Ingress. */
  ingress: PolicyRef[];
  /** Policies that select the client pods for Egress. */
  egress: PolicyRef[];
}

async function policiesOnPath(c: TcpCheck, dest: Destination, ctx: CheckContext): Promise<PolicyFacts> {
  const [target, client] = await Promise.all([policiesSelecting(ctx.client, dest.namespace, dest.pod?.metadata.labels), policiesSelecting(ctx.client, c.from.namespace, c.from.labels)]);
  return { ingress: target.filter((p) => p.types.includes('Ingress')), egress: client.filter((p) => p.types.includes('Egress')) };
}

function pathFacts(c: TcpCheck, dest: Destination, policies: PolicyFacts): TcpPathFacts {
  return { listener: declaresListener(dest.pod, c.port, dest.servicePorts), policy: policies.ingress.length + policies.egress.length > 0 };
}

/** The observation in words that fit the reading (a refusal means different things). */
function observedText(obs: TcpObservation, reading: TcpReading, facts: TcpPathFacts, say: Say): string {
  if (reading === 'rejected') {
    return say(
      'connection refused, although the pod declares a listener on that port and a NetworkPolicy is in the way: the CNI rejected the connection (kube-router rejects where Calico drops)',
      '连接被拒绝，但该 Pod 声明了在此端口监听，且有 NetworkPolicy 挡在路径上：是 CNI 拒绝了连接（Calico 丢弃的情况下，kube-router 会拒绝）',
    );
  }
  if (reading === 'closed') {
    return facts.policy
      ? say('connection refused, and the pod declares no listener on that port: nothing listens there (a refusal here says nothing about the policy)', '连接被拒绝，且该 Pod 没有声明在此端口监听：那里没有程序监听（这种拒绝说明不了策略的任何问题）')
      : say('connection refused: the packet arrived, no policy is in the way, and nothing listens on that port', '连接被拒绝：数据包到达了，路径上没有策略，但该端口没有程序监听');
  }
  return obs.detail;
}

const names = (ps: PolicyRef[]) => ps.map((p) => p.name);

async function explain(c: TcpCheck, obs: TcpObservation, reading: TcpReading, dest: Destination, ctx: CheckContext): Promise<{ layer: Layer; hint: string }> {
  const { client, say } = ctx;
  if (reading === 'unknown') {
    return { layer: 'cluster', hint: say('The probe pod could not test the connection; see the observation.', '探测 Pod 无法测试该连接，请看观测结果。') };
  }
  const policies = await policiesOnPath(c, dest, ctx);
  const inNames = names(policies.ingress).join(', ');
  const from = selectorFromLabels(c.from.labels) || say('(no labels)', '（无标签）');
  if (c.expect === 'open') {
    if (reading === 'dropped' || reading === 'rejected') {
      if (policies.egress.length) {
        const list = names(policies.egress);
        return {
          layer: 'policy',
          hint: say(
            `NetworkPolicy ${list.join(', ')} selects the client pods (${from}) for Egress and no egress rule lets them out to port ${c.port}: a connection needs an egress allowance at the client as well as an ingress allowance at the target.`,
            `NetworkPolicy ${list.join('、')} 在 Egress 方向上选中了客户端 Pod（${from}），却没有出站规则允许它们访问端口 ${c.port}：一个连接既需要客户端的出站许可，也需要目标的入站许可。`,
          ),
        };
      }
      if (policies.ingress.length) {
        return {
          layer: 'policy',
          hint: say(
            `NetworkPolicy ${inNames} selects the target pods and no rule admits ${from} on port ${c.port}. Policies only add allowances: one ingress item must match the client's labels (and namespace) and list the port.`,
            `NetworkPolicy ${names(policies.ingress).join('、')} 选中了目标 Pod，但没有任何规则允许 ${from} 访问端口 ${c.port}。策略只会增加放行：必须有一条 ingress 规则匹配客户端的标签（和命名空间）并列出该端口。`,
          ),
        };
      }
      if ('service' in c.to) {
        const path = await diagnoseServicePath(client, c.to.service.namespace, c.to.service.name, say);
        if (!path.ok) return path;
      }
      return { layer: 'cni', hint: say('No NetworkPolicy selects the target or the client, yet the packets are dropped: check the pod network (the CNI\'s pods: kubectl get pods -A -o wide).', '没有 NetworkPolicy 选中目标或客户端，数据包却被丢弃：请检查 Pod 网络（CNI 的 Pod：kubectl get pods -A -o wide）。') };
    }
    return {
      layer: 'pod',
      hint: policies.ingress.length || policies.egress.length
        ? say(
            `Refused, and the target declares no container port ${c.port}: either nothing listens there, or a policy rejected the connection (kube-router rejects, Calico drops). Check the container's port first (PostgreSQL listens on 5432), then the policies.`,
            `连接被拒绝，且目标没有声明容器端口 ${c.port}：要么那里没有程序监听，要么是策略拒绝了连接（kube-router 拒绝，Calico 丢弃）。请先检查容器端口（PostgreSQL 监听 5432），再检查策略。`,
          )
        : say(`The connection reached the pod but nothing listens on port ${c.port}: check the container's port (PostgreSQL listens on 5432).`, `连接到达了 Pod，但端口 ${c.port} 上没有程序在监听：请检查容器端口（PostgreSQL 监听 5432）。`),
    };
  }
  if (c.expect === 'blocked') {
    if (reading === 'closed') {
      return {
        layer: 'pod',
        hint: say(
          `Refused, but nothing is known to listen on port ${c.port} of the target, so the refusal does not show a block: a closed port and a CNI that rejects (kube-router) look the same to the client. A block is visible only where something answered before the policy; check the target's container ports (kubectl get pod -n ${dest.namespace} -o yaml).`,
          `连接被拒绝，但不知道目标的端口 ${c.port} 上有程序监听，所以这次拒绝证明不了阻断：在客户端看来，端口未开放和 CNI 拒绝（kube-router）是一样的。只有在策略生效前有应答的端口上，阻断才看得出来；请检查目标的容器端口（kubectl get pod -n ${dest.namespace} -o yaml）。`,
        ),
      };
    }
    if (!policies.ingress.length && !policies.egress.length) {
      return {
        layer: 'policy',
        hint: say(
          `No NetworkPolicy in ${dest.namespace} selects the target pods, so all traffic is allowed. Check the policy's namespace and that spec.podSelector matches the target's labels (not the client's).`,
          `${dest.namespace} 中没有 NetworkPolicy 选中目标 Pod，因此所有流量都被放行。请检查策略所在的命名空间，以及 spec.podSelector 是否匹配目标（而不是客户端）的标签。`,
        ),
      };
    }
    const all = [...names(policies.ingress), ...names(policies.egress)];
    return {
      layer: 'policy',
      hint: say(
        `Policies ${all.join(', ')} are on the path, and one of them admits ${from}. Policies are additive: any policy that allows the client wins — look for a broad rule (an empty from, or a chart's default policy).`,
        `策略 ${all.join('、')} 位于路径上，且其中某条允许了 ${from}。策略是叠加的：只要有一条策略放行客户端就会放行——请查找过宽的规则（空的 from，或 Chart 自带的默认策略）。`,
      ),
    };
  }
  if (reading === 'rejected' || reading === 'dropped') {
    const all = [...names(policies.ingress), ...names(policies.egress)];
    return {
      layer: all.length ? 'policy' : 'cni',
      hint: all.length
        ? say(`The step expects a closed port, but policy ${all.join(', ')} stops the connection before the pod can refuse it: run this step before the policies are applied (its actions remove them).`, `本步骤预期端口未开放，但策略 ${all.join('、')} 在 Pod 拒绝之前就拦下了连接：请在应用策略之前运行本步骤（它的操作会删除这些策略）。`)
        : say('No policy is in the way, yet the connection timed out: check the pod network.', '路径上没有策略，连接却超时了：请检查 Pod 网络。'),
    };
  }
  return { layer: 'pod', hint: say('The step expects nothing to listen on that port; check which container answers.', '本步骤预期该端口没有程序监听；请检查是哪个容器在响应。') };
}

/** Seconds, for the learner: 1.8, 0.25, 12. */
const secs = (s: number) => String(Math.round(s * 100) / 100);

/** How the earlier tries of one client ended, e.g. "refused ×3". */
function earlierText(attempts: TcpAttempt[], upTo: number, say: Say): string {
  const counts = new Map<string, number>();
  for (const a of attempts.slice(0, upTo)) {
    const w = a.obs.outcome === 'open' ? say('open', '开放') : a.obs.outcome === 'refused' ? say('refused', '被拒绝') : a.obs.outcome === 'blocked' ? say('timed out', '超时') : say('failed', '出错');
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].map(([w, n]) => `${w} ×${n}`).join(', ');
}

export const tcpChecker: Checker<'tcp'> = {
  type: 'tcp',
  dataPlane: true,
  describe: expectation,
  // No settleBy: the check settles (and holds a block) itself, with one client pod that tries
  // again from inside (tcp-session.ts). A client made afresh for every try is never what the
  // policies see yet on kube-router, which adds a new pod to them about a second after it starts.
  async run(c, ctx): Promise<CheckOutcome> {
    const { probes, say } = ctx;
    const expected = expectation(c, say);
    const windowMs = SETTLE_MS * ctx.timeoutScale;
    // The target may still be starting (a pod not Ready yet): that is worth waiting for too.
    const dest = await settleWithBackoff(await destination(c, ctx), (d) => !('layer' in d), () => destination(c, ctx), { timeoutMs: windowMs, signal: ctx.signal });
    if ('layer' in dest) return failed(expected, dest.observed, dest.layer, dest.hint);
    // What a refusal means depends on the path (is something listening, is a policy in the way).
    const facts = pathFacts(c, dest, await policiesOnPath(c, dest, ctx));
    const passes = (o: TcpObservation) => meetsTcp(c.expect, readTcp(o.outcome, facts));
    const mode = c.expect === 'blocked' ? 'hold' : 'retry';
    const windowS = windowMs / 1000;
    const holdS = Math.min(HOLD_MS * ctx.timeoutScale, windowMs) / 1000;
    const judge = (attempts: TcpAttempt[], ended: boolean) => judgeSeries(attempts.map((a) => ({ startS: a.startS, endS: a.endS, value: a })), (a) => passes(a.obs), mode, { windowS, holdS, ended });
    const session = await probes.tcpSessionFromPod({
      namespace: c.from.namespace,
      labels: c.from.labels,
      ip: dest.ip,
      port: c.port,
      timeoutS: c.timeoutSeconds,
      pausesS: sessionPauses(windowS, mode === 'hold'),
      stopOnOpen: c.expect === 'open',
      enough: (attempts) => judge(attempts, false).phase !== 'pending',
    });
    const at = `${dest.ip}:${c.port} — `;
    if (session.error) return failed(expected, `${at}${session.error.detail}`, 'cluster', say('The probe pod could not test the connection; see the observation.', '探测 Pod 无法测试该连接，请看观测结果。'));
    const j = judge(session.attempts, true);
    if (j.phase === 'pending') return failed(expected, `${at}?`, 'cluster', say('The probe pod could not test the connection.', '探测 Pod 无法测试该连接。'));
    const { obs, index } = j.value;
    const reading = readTcp(obs.outcome, facts);
    const text = `${at}${observedText(obs, reading, facts, say)}`;
    const tries = session.attempts.length;
    const lastS = session.attempts[tries - 1]?.startS ?? 0;
    if (j.phase === 'passed') {
      if (index === 0) return passed(expected, text);
      const observed = `${text}${say(
        ` (try ${index + 1} from the same client pod, ${secs(j.sinceS)} s after its first; before: ${earlierText(session.attempts, index, say)})`,
        `（同一个客户端 Pod 的第 ${index + 1} 次尝试，在第一次之后 ${secs(j.sinceS)} 秒；之前：${earlierText(session.attempts, index, say)}）`,
      )}`;
      const late = c.expect === 'open' && session.attempts.slice(0, index).some((a) => a.obs.outcome === 'refused' || a.obs.outcome === 'blocked');
      return passed(
        expected,
        observed,
        late
          ? {
              hint: say(
                'A new pod gets in only a moment after it starts: the CNI first has to add its address to the policies that allow it (kube-router takes about a second). A client started with kubectl run that connects at once can therefore be refused; let it wait a moment, or type the command in its shell.',
                '新 Pod 要在启动片刻之后才能连通：CNI 得先把它的地址加入允许它的策略中（kube-router 大约需要一秒）。因此，用 kubectl run 启动后立即连接的客户端可能会被拒绝；让它稍等片刻，或者在它的 shell 里输入命令。',
              ),
            }
          : {},
      );
    }
    if (j.phase === 'held') {
      return passed(expected, `${text}${say(` (and still so ${secs(j.value.startS - j.sinceS)} s later, ${index + 1} tries from the same client pod)`, `（${secs(j.value.startS - j.sinceS)} 秒后依然如此，同一个客户端 Pod 共尝试 ${index + 1} 次）`)}`);
    }
    if (j.phase === 'short') {
      return failed(expected, `${text}${say(` (the client pod ended after ${tries} tries, before the block had held for ${secs(holdS)} s)`, `（客户端 Pod 尝试 ${tries} 次后就结束了，阻断尚未保持 ${secs(holdS)} 秒）`)}`, 'cluster', say('The probe pod ended too early to judge the block; run the check again.', '探测 Pod 结束得太早，无法判断阻断；请重新运行检查。'));
    }
    const why = await explain(c, obs, reading, dest, ctx);
    if (j.phase === 'broken') {
      return failed(expected, say(`it was silent at first, then within ${secs(j.value.startS - j.sinceS)} s: ${text}`, `起初没有应答，但在 ${secs(j.value.startS - j.sinceS)} 秒内又出现：${text}`), why.layer, why.hint);
    }
    const observed = tries > 1 ? `${text}${say(` (${tries} tries from one client pod over ${secs(lastS)} s)`, `（同一个客户端 Pod 在 ${secs(lastS)} 秒内尝试了 ${tries} 次）`)}` : text;
    return failed(expected, observed, why.layer, why.hint);
  },
};
