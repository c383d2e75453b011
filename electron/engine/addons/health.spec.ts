import { describe, expect, it } from 'vitest';
import type { PoolPlan } from '../../api.ts';
import { inLang } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { calicoAddon } from './calico.ts';
import { ingressAddon } from './ingress.ts';
import { metallbAddon, poolsAddon } from './metallb.ts';
import type { Pins } from './pins.ts';

// An empty cluster: nothing served, nothing found.
const client = { served: async () => false, get: async () => null, list: async () => ({ items: [], resourceVersion: '1' }) } as unknown as KubeClient;
const pins = { calico: { version: 'v3' }, ingressNginx: { version: 'v1' }, metallb: { version: 'v0' } } as unknown as Pins;
const poolPlan = async () => ({ subnet: '172.18.0.0/16', pools: [] }) as unknown as PoolPlan;

describe('add-on health messages', () => {
  const ctx = { client, pins, poolPlan };
  const said = async (a: { health: typeof calicoAddon.health }, lang: 'en' | 'zh') => inLang((await a.health(ctx)).message, lang);
  it('are in English', async () => {
    expect(await said(calicoAddon, 'en')).toBe('not installed');
    expect(await said(ingressAddon, 'en')).toBe('not installed');
    expect(await said(metallbAddon, 'en')).toBe('not installed');
    expect(await said(poolsAddon, 'en')).toBe('MetalLB not installed');
  });

  it('and in Chinese, both at once', async () => {
    expect((await calicoAddon.health(ctx)).state).toBe('missing');
    expect(await said(calicoAddon, 'zh')).toBe('未安装');
    expect(await said(ingressAddon, 'zh')).toBe('未安装');
    expect(await said(metallbAddon, 'zh')).toBe('未安装');
    expect(await said(poolsAddon, 'zh')).toBe('MetalLB 未安装');
  });
});
