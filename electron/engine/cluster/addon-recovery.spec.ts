import { describe, expect, it } from 'vitest';
import type { AddonContext, Health } from '../addons/types.ts';
import { inLang } from '../i18n/text.ts';
import { FakeKubeClient } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { type RecoverableAddon, restoreAddons } from './addon-recovery.ts';

/** An add-on whose health is whatever its speaker pod says; `installs` counts reinstalls. */
function addon(client: FakeKubeClient, name: string, missing = false): RecoverableAddon & { installs: number } {
  const a = {
    installs: 0,
    title: { en: name, zh: `插件 ${name}` },
    async health(): Promise<Health> {
      const pod = await client.get('v1', 'Pod', `${name}-speaker`, 'metallb-system');
      const base = { id: 'metallb' as const, version: 'v0' };
      if (missing || !pod) return { ...base, state: 'missing', message: 'not installed' };
      const ready = JSON.stringify(pod).includes('"Ready","status":"True"');
      return { ...base, state: ready ? 'ready' : 'degraded', message: ready ? 'ready' : 'speakers not ready' };
    },
    async install() {
      a.installs++;
    },
  };
  return a;
}

const speaker = (name: string, ready: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `${name}-speaker`, namespace: 'metallb-system' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function options(client: FakeKubeClient, recoverMs = 5000, lang: 'en' | 'zh' = 'en') {
  const lines: string[] = [];
  // The lines come in both languages; the test reads them in one.
  return { client, signal: new AbortController().signal, recoverMs, log: (l: string) => lines.push(inLang(l, lang)), progress: () => undefined, lines };
}

const ctx = () => ({}) as AddonContext;

describe('restoreAddons', () => {
  it('waits for an add-on that is merely recovering and reinstalls nothing', async () => {
    const client = new FakeKubeClient([speaker('metallb', false)]);
    const a = addon(client, 'metallb');
    const o = options(client);
    setTimeout(() => client.update(speaker('metallb', true)), 50);
    const started = Date.now();
    const r = await restoreAddons([a], ctx, o);
    expect(r).toEqual({ recovered: ['metallb'], reinstalled: [] });
    expect(a.installs).toBe(0);
    // Woken by the pod's change, not by the bound or the re-check.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(o.lines).toEqual(['metallb: speakers not ready; waiting up to 5 s for it to recover by itself', 'metallb: recovered, nothing reinstalled']);
  });

  it('reinstalls a missing add-on at once, without waiting', async () => {
    const client = new FakeKubeClient();
    const a = addon(client, 'metallb', true);
    const o = options(client, 60_000);
    const started = Date.now();
    expect(await restoreAddons([a], ctx, o)).toEqual({ recovered: [], reinstalled: ['metallb'] });
    expect(a.installs).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(o.lines).toEqual(['metallb: not installed; restoring']);
  });

  it('reinstalls an add-on that has not recovered when the bound runs out', async () => {
    const client = new FakeKubeClient([speaker('metallb', false)]);
    const a = addon(client, 'metallb');
    const o = options(client, 200, 'zh');
    expect(await restoreAddons([a], ctx, o)).toEqual({ recovered: [], reinstalled: ['metallb'] });
    expect(a.installs).toBe(1);
    expect(o.lines).toEqual(['插件 metallb：speakers not ready；最多等待 0 秒，看它能否自行恢复', '插件 metallb：speakers not ready；正在恢复']);
  });

  it('stops waiting when the add-on turns out to be missing, and leaves ready ones alone', async () => {
    const client = new FakeKubeClient([speaker('a', false), speaker('b', true)]);
    const a = addon(client, 'a');
    const b = addon(client, 'b');
    setTimeout(() => void client.delete('v1', 'Pod', 'a-speaker', 'metallb-system'), 50);
    const r = await restoreAddons([a, b], ctx, options(client, 60_000));
    expect(r).toEqual({ recovered: [], reinstalled: ['a'] });
    expect([a.installs, b.installs]).toEqual([1, 0]);
  });
});
