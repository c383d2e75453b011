import { describe, expect, it } from 'vitest';
import { inLang } from '../i18n/text.ts';
import type { KubeObject } from './client.ts';
import { allOf, named, podReady } from './readiness.ts';

const pod = (name: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
} as KubeObject);

const pods = [pod('a', true), pod('b', true), pod('c', false)];

describe('readiness judges speak both of the learner’s languages', () => {
  const say = (m: string | undefined, lang: 'en' | 'zh') => inLang(m ?? '', lang);
  it('allOf: "2/3 pods ready" in English', () => {
    expect(say(allOf(podReady, 'pods')(pods).message, 'en')).toBe('2/3 pods ready');
    expect(allOf(podReady, 'pods')(pods).done).toBe(false);
    expect(say(allOf(podReady, { en: 'pods', zh: 'Pod' }, 1)(pods).message, 'en')).toBe('2/3 pods ready');
  });

  it('allOf: in Chinese, with a Chinese or a Latin noun', () => {
    expect(say(allOf(podReady, { en: 'pods', zh: 'Pod' }, 1)(pods).message, 'zh')).toBe('2/3 个 Pod 已就绪');
    expect(say(allOf(podReady, { en: 'nodes', zh: '节点' }, 2)([pod('n1', true)]).message, 'zh')).toBe('1/2 个节点已就绪');
  });

  it('named: each state in both languages', () => {
    expect(say(named('x', podReady, 'pod')([]).message, 'zh')).toBe('pod x 尚未创建');
    expect(say(named('c', podReady, 'pod')(pods).message, 'zh')).toBe('pod c 尚未就绪');
    expect(say(named('a', podReady, 'pod')(pods).message, 'zh')).toBe('pod a 已就绪');
    expect(say(named('x', podReady, 'pod')([]).message, 'en')).toBe('pod x not created yet');
    expect(say(named('c', podReady, 'pod')(pods).message, 'en')).toBe('pod c not ready yet');
    expect(say(named('a', podReady, 'pod')(pods).message, 'en')).toBe('pod a ready');
  });
});
