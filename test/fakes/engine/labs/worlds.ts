// Small simulated clusters the lab tests share.
import type { KubeObject } from '../../../../electron/engine/kube/client.ts';
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

export type TryOutcome = 'open' | 'refused' | 'timeout';

/**
 * A tcp check's client pod (`sh -c 'nc …; sleep …; nc …'`, tcp-session.ts): its log when try `i`
 * ends as `outcome(i)` says, up to the first accepted one when the script stops there. Not a
 * session pod: undefined.
 */
export function sessionPod(pod: KubeObject, outcome: (i: number) => TryOutcome): { phase: 'Succeeded'; exitCode: 0; log: string } | undefined {
  const [sh, flag, script = ''] = containerCommand(pod);
  if (sh !== 'sh' || flag !== '-c' || !script.includes('kindlab-attempt:')) return undefined;
  const m = /nc -z -v -w \d+ (\S+) (\d+)/.exec(script);
  const [ip, port] = [m?.[1] ?? '', m?.[2] ?? ''];
  const tries = script.split('nc -z -v').length - 1;
  const stopOnOpen = script.includes('&& exit 0');
  const lines: string[] = [];
  for (let i = 0; i < tries; i++) {
    const o = outcome(i);
    if (o === 'open') lines.push(`Connection to ${ip} ${port} port [tcp/*] succeeded!`, 'kindlab-attempt:0');
    else if (o === 'refused') lines.push(`nc: connect to ${ip} port ${port} (tcp) failed: Connection refused`, 'kindlab-attempt:1');
    else lines.push(`nc: connect to ${ip} port ${port} (tcp) timed out: Operation now in progress`, 'kindlab-attempt:1');
    if (o === 'open' && stopOnOpen) break;
  }
  return { phase: 'Succeeded', exitCode: 0, log: `${lines.join('\n')}\n` };
}
