// Small simulated clusters the lab tests share.
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient } from './fake-kube.ts';

export const containerCommand = (pod: KubeObject): string[] => (pod.spec as { containers: { command?: string[] }[] }).containers[0]?.command ?? [];

/** A cluster whose CNI enforces NetworkPolicies (dropping like Calico, or rejecting like kube-router), or ignores them. */
export function canaryWorld(enforces: boolean, client = new FakeKubeClient(), blocks: 'drop' | 'reject' = 'drop'): FakeKubeClient {
  return client.scriptPods((pod) => {
    if (pod.metadata.name === 'canary-server') return { ready: true, podIP: '10.240.1.50' };
    if (containerCommand(pod)[0] !== 'nc' || !pod.metadata.namespace?.startsWith('kindlab-canary-')) return undefined;
    const denied = enforces && client.all('NetworkPolicy').some((p) => p.metadata.namespace === pod.metadata.namespace);
    if (!denied) return { phase: 'Succeeded', log: 'Connection to 10.240.1.50 80 port [http] succeeded!' };
    return blocks === 'reject'
      ? { phase: 'Failed', exitCode: 1, log: 'nc: connect to 10.240.1.50 port 80 (tcp) failed: Connection refused' }
      : { phase: 'Failed', exitCode: 1, log: 'nc: connect to 10.240.1.50 port 80 (tcp) timed out: Operation now in progress' };
  });
}
