import { describe, expect, it } from 'vitest';
import type { KubeObject } from './client.ts';
import { allOf, named, podReady } from './readiness.ts';

const pod = (name: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
} as KubeObject);

const pods = [pod('a', true), pod('b', true), pod('c', false)];

describe('readiness judges speak the learner’s language', () => {
  it('allOf: "2/3 pods ready" in English by default and with lang en', () => {
    expect(allOf(podReady, 'pods')(pods)).toMatchObject({ done: false, message: '2/3 pods ready' });
    expect(allOf(podReady, { en: 'pods', zh: 'Pod' }, 1, 'en')(pods).message).toBe('2/3 pods ready');
  });

  it('allOf: Chinese with lang zh, with a Chinese or a Latin noun', () => {
    expect(allOf(podReady, { en: 'pods', zh: 'Pod' }, 1, 'zh')(pods).message).toBe('2/3 个 Pod 已就绪');
    expect(allOf(podReady, { en: 'nodes', zh: '节点' }, 2, 'zh')([pod('n1', true)]).message).toBe('1/2 个节点已就绪');
  });

  it('named: each state in both languages', () => {
    const missing = named('x', podReady, 'pod', 'zh')([]);
    expect(missing.message).toBe('pod x 尚未创建');
    expect(named('c', podReady, 'pod', 'zh')(pods).message).toBe('pod c 尚未就绪');
    expect(named('a', podReady, 'pod', 'zh')(pods).message).toBe('pod a 已就绪');
    expect(named('x', podReady, 'pod')([]).message).toBe('pod x not created yet');
    expect(named('c', podReady, 'pod', 'en')(pods).message).toBe('pod c not ready yet');
    expect(named('a', podReady, 'pod', 'en')(pods).message).toBe('pod a ready');
  });
});
