// podsReady: exactly `count` Ready pods carry the selector's labels in the namespace.
import { podReady } from '../../kube/readiness.ts';
import { livePods } from './cluster-facts.ts';
import { podTrouble } from './pod-trouble.ts';
import { type Checker, failed, passed } from './types.ts';

export const podsReadyChecker: Checker<'podsReady'> = {
  type: 'podsReady',
  dataPlane: false,
  settleOn: (c) => ({ apiVersion: 'v1', kind: 'Pod', namespace: c.namespace, labelSelector: c.selector }),
  describe: (c, say) => say(`${c.count} pod(s) labelled ${c.selector} in ${c.namespace} are Ready`, `${c.namespace} 中带 ${c.selector} 标签的 ${c.count} 个 Pod 处于 Ready 状态`),
  async run(c, { client, say, labId }) {
    const expected = podsReadyChecker.describe(c, say);
    const pods = await livePods(client, c.namespace, c.selector);
    const ready = pods.filter(podReady);
    const observed = say(`${ready.length} of ${pods.length} matching pod(s) Ready`, `${pods.length} 个匹配的 Pod 中有 ${ready.length} 个 Ready`);
    if (ready.length === c.count) return passed(expected, observed);
    if (pods.length === 0) {
      return failed(
        expected,
        say(`no pod in ${c.namespace} carries ${c.selector}`, `${c.namespace} 中没有带 ${c.selector} 标签的 Pod`),
        'pod',
        say(
          `Was the workload applied, in the right namespace? kubectl get pods -n ${c.namespace} --show-labels lists what is there and its labels.`,
          `工作负载是否已应用到正确的命名空间？kubectl get pods -n ${c.namespace} --show-labels 会列出现有的 Pod 及其标签。`,
        ),
      );
    }
    if (ready.length > c.count) {
      return failed(
        expected,
        observed,
        'pod',
        say(`More pods are Ready than the step expects: check the replicas (kubectl get deploy -n ${c.namespace}).`, `Ready 的 Pod 比本步骤预期的多：请检查副本数（kubectl get deploy -n ${c.namespace}）。`),
      );
    }
    const t = podTrouble(pods, say, labId);
    return failed(expected, `${observed} — ${t.observed}`, 'pod', t.hint);
  },
};
