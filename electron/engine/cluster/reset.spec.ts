import { describe, expect, it } from 'vitest';
import type { Lang } from '../../api.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { resetFastSteps } from './reset.ts';

/** A cluster with one namespace a lab created: deleting it makes it disappear. */
function fakeClient(): KubeClient {
  const namespaces = new Set(['default', 'kube-system', 'lab-1']);
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return {
    served: async (_api: string, kind: string) => kind === 'Namespace',
    list: async (_api: string, kind: string) => ({ items: kind === 'Namespace' ? [...namespaces].map(ns) : [], resourceVersion: '1' }),
    delete: async (_api: string, kind: string, name: string) => kind === 'Namespace' && namespaces.delete(name),
    watch: async () => undefined,
  } as unknown as KubeClient;
}

async function progressLines(lang?: Lang): Promise<string[]> {
  const lines: string[] = [];
  const removed = await resetFastSteps(fakeClient(), {
    signal: new AbortController().signal,
    timeoutMs: 5_000,
    log: () => undefined,
    progress: (_f, m) => lines.push(m),
    ...(lang ? { lang } : {}),
  });
  expect(removed).toBe(1);
  return lines;
}

describe('the fast reset’s progress messages', () => {
  it('are English by default and with lang en', async () => {
    for (const lines of [await progressLines(), await progressLines('en')]) {
      expect(lines).toEqual([
        'namespaces created by labs',
        'objects in default',
        'objects in kube-system',
        'extra MetalLB pools',
        'waiting for namespaces to terminate',
        '0 namespaces terminating',
      ]);
    }
  });

  it('are Chinese with lang zh', async () => {
    expect(await progressLines('zh')).toEqual([
      '实验创建的命名空间',
      'default 命名空间中的对象',
      'kube-system 命名空间中的对象',
      '多余的 MetalLB 地址池',
      '正在等待命名空间终止',
      '0 个命名空间正在终止',
    ]);
  });
});
