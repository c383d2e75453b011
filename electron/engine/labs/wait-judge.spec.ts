import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/client.ts';
import { sayer } from './say.ts';
import { loadBalancerAddress, waitJudge } from './wait-judge.ts';

const say = sayer('en');
const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, ...extra });

describe('waitJudge', () => {
  it('available: a Deployment with all replicas available', () => {
    const judge = waitJudge('available', 'Deployment', 'web', say);
    expect(judge([]).done).toBe(false);
    expect(judge([obj('Deployment', 'web', { spec: { replicas: 2 }, status: { updatedReplicas: 2, availableReplicas: 1, readyReplicas: 1 } })]).done).toBe(false);
    expect(judge([obj('Deployment', 'web', { spec: { replicas: 2 }, status: { updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 } })]).done).toBe(true);
  });

  it('ready: judged by kind', () => {
    const pod = obj('Pod', 'db-0', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(waitJudge('ready', 'Pod', 'db-0', say)([pod]).done).toBe(true);
    expect(waitJudge('ready', 'StatefulSet', 'db', say)([obj('StatefulSet', 'db', { spec: { replicas: 1 }, status: { readyReplicas: 1 } })]).done).toBe(true);
    expect(waitJudge('ready', 'Node', 'n', say)([obj('Node', 'n', { status: { conditions: [{ type: 'Ready', status: 'False' }] } })]).done).toBe(false);
  });

  it('complete, exists, deleted and loadBalancerIP', () => {
    expect(waitJudge('complete', 'Job', 'j', say)([obj('Job', 'j', { status: { succeeded: 1 } })]).done).toBe(true);
    expect(waitJudge('exists', 'Service', 's', say)([obj('Service', 's')]).done).toBe(true);
    expect(waitJudge('deleted', 'Service', 's', say)([obj('Service', 's')]).done).toBe(false);
    expect(waitJudge('deleted', 'Service', 's', say)([]).done).toBe(true);
    const lb = obj('Service', 'nginx-lb', { status: { loadBalancer: { ingress: [{ ip: '172.18.200.100', ipMode: 'VIP' }] } } });
    expect(waitJudge('loadBalancerIP', 'Service', 'nginx-lb', say)([lb]).done).toBe(true);
    expect(waitJudge('loadBalancerIP', 'Service', 'nginx-lb', say)([obj('Service', 'nginx-lb', { status: { loadBalancer: {} } })]).done).toBe(false);
    expect(loadBalancerAddress(lb)).toBe('172.18.200.100');
  });
});
