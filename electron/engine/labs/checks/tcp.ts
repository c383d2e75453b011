// tcp: from a pod carrying given labels, a TCP connection to a pod (by selector) or a Service
// is open, blocked (dropped: a NetworkPolicy or a dead path) or refused (reached, nobody
// listening). The probe pod's labels are what a NetworkPolicy's podSelector sees.
import type { Layer } from '../../../api.ts';
import { podReady } from '../../kube/readiness.ts';
import { selectorFromLabels } from '../../kube/labels.ts';
import type { TcpObservation } from '../probe-output.ts';
import type { Say } from '../say.ts';
import type { CheckOf } from '../schema.ts';
import { getService, livePods, podIP, policiesSelecting, serviceSpec } from './cluster-facts.ts';
import { podTrouble } from './pod-trouble.ts';
import { diagnoseServicePath } from './service-path.ts';
import { type CheckContext, type CheckOutcome, type Checker, type LayerVerdict, failed, passed } from './types.ts';

type TcpCheck = CheckOf<'tcp'>;

const WORDS = {
  open: { en: 'open', zh: '开放' },
  blocked: { en: 'blocked (dropped, times out)', zh: '被阻断（丢弃，超时）' },
  refused: { en: 'refused', zh: '被拒绝' },
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

/** Where the connection goes, and the labels of the pods that receive it (for policy matching). */
async function destination(c: TcpCheck, ctx: CheckContext): Promise<{ ip: string; namespace: string; podLabels?: Record<string, string> } | LayerVerdict> {
  const { client, say } = ctx;
  if ('pod' in c.to) {
    const { namespace, selector } = c.to.pod;
    const pods = await livePods(client, namespace, selector);
    const ready = pods.find((p) => podReady(p) && podIP(p));
    if (ready) return { ip: podIP(ready) ?? '', namespace, ...(ready.metadata.labels ? { podLabels: ready.metadata.labels } : {}) };
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
  const labels = pods[0]?.metadata.labels;
  return { ip, namespace, ...(labels ? { podLabels: labels } : {}) };
}

async function explain(c: TcpCheck, obs: TcpObservation, dest: { namespace: string; podLabels?: Record<string, string> }, ctx: CheckContext): Promise<{ layer: Layer; hint: string }> {
  const { client, say } = ctx;
  if (obs.outcome === 'probe-error' || obs.outcome === 'error') {
    return { layer: 'cluster', hint: say('The probe pod could not test the connection; see the observation.', '探测 Pod 无法测试该连接，请看观测结果。') };
  }
  const policies = await policiesSelecting(client, dest.namespace, dest.podLabels);
  const ingressPolicies = policies.filter((p) => p.types.includes('Ingress'));
  const names = ingressPolicies.map((p) => p.name).join(', ');
  const from = selectorFromLabels(c.from.labels) || say('(no labels)', '（无标签）');
  if (c.expect === 'open') {
    if (obs.outcome === 'blocked') {
      if (ingressPolicies.length) {
        return {
          layer: 'policy',
          hint: say(
            `NetworkPolicy ${names} selects the target pods and no rule admits ${from} on port ${c.port}. Policies only add allowances: one ingress item must match the client's labels (and namespace) and list the port.`,
            `NetworkPolicy ${names} 选中了目标 Pod，但没有任何规则允许 ${from} 访问端口 ${c.port}。策略只会增加放行：必须有一条 ingress 规则匹配客户端的标签（和命名空间）并列出该端口。`,
          ),
        };
      }
      if ('service' in c.to) {
        const path = await diagnoseServicePath(client, c.to.service.namespace, c.to.service.name, say);
        if (!path.ok) return path;
      }
      return { layer: 'cni', hint: say('No NetworkPolicy selects the target, yet the packets are dropped: check the pod network (kubectl get pods -n calico-system).', '没有 NetworkPolicy 选中目标，数据包却被丢弃：请检查 Pod 网络（kubectl get pods -n calico-system）。') };
    }
    return {
      layer: 'pod',
      hint: say(`The connection reached the pod but nothing listens on port ${c.port}: check the container's port (PostgreSQL listens on 5432).`, `连接到达了 Pod，但端口 ${c.port} 上没有程序在监听：请检查容器端口（PostgreSQL 监听 5432）。`),
    };
  }
  if (c.expect === 'blocked') {
    if (!ingressPolicies.length) {
      return {
        layer: 'policy',
        hint: say(
          `No NetworkPolicy in ${dest.namespace} selects the target pods, so all traffic is allowed. Check the policy's namespace and that spec.podSelector matches the target's labels (not the client's).`,
          `${dest.namespace} 中没有 NetworkPolicy 选中目标 Pod，因此所有流量都被放行。请检查策略所在的命名空间，以及 spec.podSelector 是否匹配目标（而不是客户端）的标签。`,
        ),
      };
    }
    return {
      layer: 'policy',
      hint: say(
        `Policies ${names} select the target, and one of them admits ${from}. Policies are additive: any policy that allows the client wins — look for a broad rule (an empty from, or a chart's default policy).`,
        `策略 ${names} 选中了目标，且其中某条允许了 ${from}。策略是叠加的：只要有一条策略放行客户端就会放行——请查找过宽的规则（空的 from，或 Chart 自带的默认策略）。`,
      ),
    };
  }
  return { layer: 'pod', hint: say('The step expects nothing to listen on that port; check which container answers.', '本步骤预期该端口没有程序监听；请检查是哪个容器在响应。') };
}

export const tcpChecker: Checker<'tcp'> = {
  type: 'tcp',
  dataPlane: true,
  describe: expectation,
  async run(c, ctx): Promise<CheckOutcome> {
    const { probes, say } = ctx;
    const expected = expectation(c, say);
    const dest = await destination(c, ctx);
    if ('layer' in dest) return failed(expected, dest.observed, dest.layer, dest.hint);
    const obs = await probes.tcpFromPod({ namespace: c.from.namespace, labels: c.from.labels, ip: dest.ip, port: c.port, timeoutS: c.timeoutSeconds });
    const observed = `${dest.ip}:${c.port} — ${obs.detail}`;
    if (obs.outcome === c.expect) return passed(expected, observed);
    const why = await explain(c, obs, dest, ctx);
    return failed(expected, observed, why.layer, why.hint);
  },
};
