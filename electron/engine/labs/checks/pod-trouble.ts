// Why pods are not Ready, in one observation and one hint: image pulls (rate limit, a tag that
// does not exist, Bitnami's move), crash loops, unschedulable pods, or simply still starting.
import type { KubeObject } from '../../kube/client.ts';
import { podProblems, podReady, podStateLine } from '../../kube/readiness.ts';
import { classifyStderr } from '../../tools/hints.ts';
import type { Say } from '../say.ts';

export function podTrouble(pods: KubeObject[], say: Say): { observed: string; hint: string } {
  const notReady = pods.filter((p) => !podReady(p));
  const first = notReady[0];
  if (!first) return { observed: say('all matching pods are Ready', '所有匹配的 Pod 都已 Ready'), hint: '' };
  const problem = notReady.flatMap((p) => podProblems(p))[0];
  const where = `${first.metadata.namespace}/${first.metadata.name}`;
  const observed = podStateLine(problem ? (notReady.find((p) => p.metadata.name === problem.pod) ?? first) : first);
  if (problem && /ImagePull|ErrImage|InvalidImageName/.test(problem.reason)) {
    const cls = classifyStderr(problem.message);
    if (cls) return { observed, hint: say(cls.hint.en, cls.hint.zh) };
    if (/bitnami\//.test(problem.image ?? '')) {
      return {
        observed,
        hint: say(
          `The image ${problem.image} is a Bitnami image; Bitnami moved them to a frozen legacy registry in 2025. Use an official image pinned by tag (e.g. nginx:1.30.4-alpine).`,
          `镜像 ${problem.image} 是 Bitnami 镜像，Bitnami 已在 2025 年把它们移到冻结的旧仓库。请改用按标签固定的官方镜像（例如 nginx:1.30.4-alpine）。`,
        ),
      };
    }
    return {
      observed,
      hint: say(
        `The node cannot pull ${problem.image ?? 'the image'}: check the image name and tag (kubectl describe pod ${first.metadata.name} -n ${first.metadata.namespace} shows the registry's message) and the machine's internet access.`,
        `节点无法拉取 ${problem.image ?? '镜像'}：请检查镜像名称和标签（kubectl describe pod ${first.metadata.name} -n ${first.metadata.namespace} 会显示镜像仓库的消息）以及本机的网络。`,
      ),
    };
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
