import { describe, expect, it } from 'vitest';
import type { PoolPlan } from '../../api.ts';
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
  it('are English without a language and with lang en', async () => {
    for (const ctx of [{ client, pins, poolPlan }, { client, pins, poolPlan, lang: 'en' as const }]) {
      expect((await calicoAddon.health(ctx)).message).toBe('not installed');
      expect((await ingressAddon.health(ctx)).message).toBe('not installed');
      expect((await metallbAddon.health(ctx)).message).toBe('not installed');
      expect((await poolsAddon.health(ctx)).message).toBe('MetalLB not installed');
    }
  });

  it('are Chinese with lang zh', async () => {
    const ctx = { client, pins, poolPlan, lang: 'zh' as const };
    expect(await calicoAddon.health(ctx)).toMatchObject({ state: 'missing', message: '未安装' });
    expect((await ingressAddon.health(ctx)).message).toBe('未安装');
    expect((await metallbAddon.health(ctx)).message).toBe('未安装');
    expect((await poolsAddon.health(ctx)).message).toBe('MetalLB 未安装');
  });
});
