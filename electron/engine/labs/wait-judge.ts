// What each `wait:` condition of a lab means, as a judge over the watched objects. Pure.
import type { KubeObject } from '../kube/client.ts';
import { daemonSetReady, deploymentReady, hasCondition, jobComplete, nodeReady, podReady, statefulSetReady } from '../kube/readiness.ts';
import type { Verdict } from '../kube/wait.ts';
import type { Say } from './say.ts';

export type WaitCondition = 'available' | 'ready' | 'complete' | 'exists' | 'deleted' | 'loadBalancerIP';

/** The first address MetalLB (or any LB implementation) published for a Service. */
export function loadBalancerAddress(svc: KubeObject | null | undefined): string | null {
  const ingress = (svc as { status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } } | null | undefined)?.status?.loadBalancer?.ingress;
  const first = ingress?.[0];
  return first?.ip ?? first?.hostname ?? null;
}

function predicate(condition: WaitCondition, kind: string): (o: KubeObject) => boolean {
  switch (condition) {
    case 'available':
      return kind === 'Deployment' ? deploymentReady : (o) => hasCondition(o, 'Available');
    case 'ready':
      if (kind === 'Pod') return podReady;
      if (kind === 'StatefulSet') return statefulSetReady;
      if (kind === 'DaemonSet') return daemonSetReady;
      if (kind === 'Node') return nodeReady;
      if (kind === 'Deployment') return deploymentReady;
      return (o) => hasCondition(o, 'Ready');
    case 'complete':
      return kind === 'Job' ? jobComplete : (o) => hasCondition(o, 'Complete');
    case 'loadBalancerIP':
      return (o) => loadBalancerAddress(o) !== null;
    case 'exists':
    case 'deleted':
      return () => true;
  }
}

export function waitJudge(condition: WaitCondition, kind: string, name: string, say: Say): (objs: KubeObject[]) => Verdict {
  const pred = predicate(condition, kind);
  return (objs) => {
    const o = objs.find((x) => x.metadata.name === name);
    if (condition === 'deleted') {
      return o ? { done: false, fraction: 0.5, message: say(`${kind} ${name} still exists`, `${kind} ${name} 仍然存在`) } : { done: true, fraction: 1, message: say(`${kind} ${name} is gone`, `${kind} ${name} 已删除`) };
    }
    if (!o) return { done: false, fraction: 0, message: say(`${kind} ${name} does not exist yet`, `${kind} ${name} 尚未创建`) };
    const ok = pred(o);
    return {
      done: ok,
      fraction: ok ? 1 : 0.5,
      message: ok ? say(`${kind} ${name}: ${condition}`, `${kind} ${name}：${condition}`) : say(`${kind} ${name}: not ${condition} yet`, `${kind} ${name}：尚未 ${condition}`),
    };
  };
}
