// tcp: from a pod carrying given labels, a TCP connection to a pod (by selector) or a Service
// is open, blocked (a NetworkPolicy stops it: dropped on Calico, rejected on kube-router) or
// refused (reached, nobody listening). The probe pod's labels are what a NetworkPolicy's
// podSelector sees. tcp-verdict.ts decides what a refusal means.
import type { Layer } from '../../../api.ts';
import type { KubeObject } from '../../kube/client.ts';
import { podReady } from '../../kube/readiness.ts';
import { selectorFromLabels } from '../../kube/labels.ts';
import type { TcpObservation } from '../probe-output.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { type PolicyRef, type ServicePort, getService, livePods, podIP, policiesSelecting, serviceSpec } from './cluster-facts.ts';
import { podTrouble } from './pod-trouble.ts';
import { diagnoseServicePath } from './service-path.ts';
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
    const t = podTrouble(pods, say);
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

export const tcpChecker: Checker<'tcp'> = {
  type: 'tcp',
  dataPlane: true,
  describe: expectation,
  // A new probe pod waits for the CNI (kube-router puts its address in the policy's sets a moment
  // after it starts), a new policy for the CNI to program it; a block must then stay a block.
  settleBy: (c) => (c.expect === 'blocked' ? 'hold' : 'retry'),
  async run(c, ctx): Promise<CheckOutcome> {
    const { probes, say } = ctx;
    const expected = expectation(c, say);
    const dest = await destination(c, ctx);
    if ('layer' in dest) return failed(expected, dest.observed, dest.layer, dest.hint);
    const obs = await probes.tcpFromPod({ namespace: c.from.namespace, labels: c.from.labels, ip: dest.ip, port: c.port, timeoutS: c.timeoutSeconds });
    // Only a refusal needs the path's facts (is something listening, is a policy in the way).
    const facts = obs.outcome === 'refused' ? pathFacts(c, dest, await policiesOnPath(c, dest, ctx)) : { listener: false, policy: false };
    const reading = readTcp(obs.outcome, facts);
    const observed = `${dest.ip}:${c.port} — ${observedText(obs, reading, facts, say)}`;
    if (meetsTcp(c.expect, reading)) return passed(expected, observed);
    const why = await explain(c, obs, reading, dest, ctx);
    return failed(expected, observed, why.layer, why.hint);
  },
};
