// Why pods are not Ready, in one observation and one hint: image pulls (rate limit, a tag that
// does not exist, Bitnami's move, no network: kube/pull-failure.ts), crash loops, unschedulable
// pods, or simply still starting.
import type { KubeObject } from '../../kube/client.ts';
import { pullFailureOf } from '../../kube/pull-failure.ts';
import { isPullProblem, podProblems, podReady, podStateLine } from '../../kube/readiness.ts';
import type { Say } from '../say.ts';

/** `labId` names the lab whose manifests pin the pods' images, for a missing image's fix. */
export function podTrouble(pods: KubeObject[], say: Say, labId?: string): { observed: string; hint: string } {
  const notReady = pods.filter((p) => !podReady(p));
  const first = notReady[0];
  if (!first) return { observed: say('all matching pods are Ready', '所有匹配的 Pod 都已 Ready'), hint: '' };
  const problem = notReady.flatMap((p) => podProblems(p))[0];
  const where = `${first.metadata.namespace}/${first.metadata.name}`;
  const observed = podStateLine(problem ? (notReady.find((p) => p.metadata.name === problem.pod) ?? first) : first);
  if (problem && isPullProblem(problem)) {
    // The class of the pull (rate limit, missing image, network) decides the fix; a lab's check
    // result is read in the window and on the command line alike, so it names both ways out.
    const f = pullFailureOf(problem, first.metadata.namespace ?? 'default', [], labId ? { usedBy: { en: `the lab ${labId}`, zh: `实验 ${labId}` } } : {});
    const cls = f.class === 'unknown' ? '' : say(` (${f.label.en})`, `（${f.label.zh}）`);
    return { observed: `${observed}${cls}`, hint: say(f.anyHint.en, f.anyHint.zh) };
  }
  if (problem && problem.reason === 'Unschedulable') {
    return { observed, hint: say(`The scheduler cannot place ${where}: ${problem.message}`, `调度器无法放置 ${where}：${problem.message}`) };
  }
  if (problem) {
    return {
      observed,
      hint: say(
        `The container of ${where} keeps failing (${problem.reason}): read kubectl logs ${first.metadata.name} -n ${first.metadata.namespace} --previous.`,
        `${where} 的容器反复失败（${problem.reason}）：请查看 kubectl logs ${first.metadata.name} -n ${first.metadata.namespace} --previous。`,
      ),
    };
  }
  return {
    observed,
    hint: say(
      `${where} is not Ready yet; kubectl describe pod ${first.metadata.name} -n ${first.metadata.namespace} shows its events and its readiness probe.`,
      `${where} 尚未 Ready；kubectl describe pod ${first.metadata.name} -n ${first.metadata.namespace} 可查看其事件和就绪探针。`,
    ),
  };
}
