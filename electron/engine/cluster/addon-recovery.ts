// The fast reset's add-on pass. An add-on that is not ready is usually just recovering: a lab
// stopped and started a node a moment ago, and the CNI, the ingress controller and MetalLB's
// speaker are restarting there. Reinstalling it then downloads its manifest (a reset that needs
// the internet) and re-applies what was fine. So an add-on that is not ready is first watched,
// within a bound, until its health says ready; only one that is missing (or whose objects differ
// from what kindlab installs: the pools' health calls that missing), or that has not recovered
// when the bound runs out, is installed again.
import type { LocalizedText } from '../../api.ts';
import type { Addon, AddonContext, Health } from '../addons/types.ts';
import { KindlabError, isCancellation } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { watchUntil } from '../kube/watch-until.ts';

export type RecoverableAddon = Pick<Addon, 'title' | 'health' | 'install'>;

export interface RestoreOptions {
  client: KubeClient;
  signal: AbortSignal;
  /** How long an add-on that is not ready may take to recover by itself. */
  recoverMs: number;
  log(line: string): void;
  progress(fraction: number, message: string): void;
}

export interface RestoreResult {
  /** Add-ons that were not ready and became ready without being touched (their English titles). */
  recovered: string[];
  /** Add-ons installed again. */
  reinstalled: string[];
}

/** What recovering add-ons change: their pods, the nodes (a CNI), the endpoints of their webhooks. */
const RECOVERY_TARGETS = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Node' },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
];

/** Watches until the add-on's health is ready or missing; returns the last health (not ready when the bound ran out). */
async function awaitRecovery(addon: RecoverableAddon, ctx: AddonContext, opts: RestoreOptions, first: Health): Promise<Health> {
  let last = first;
  try {
    await watchUntil(
      opts.client,
      RECOVERY_TARGETS,
      async () => {
        last = await addon.health(ctx);
        return { done: last.state === 'ready' || last.state === 'missing', message: last.message };
      },
      {
        timeoutMs: opts.recoverMs,
        signal: opts.signal,
        what: both(addon.title),
        recheckMs: 3000,
        onProgress: (v) => opts.progress(0.5, `${both(addon.title)}: ${v.message ?? ''}`),
      },
    );
  } catch (err) {
    if (isCancellation(err) || !(err instanceof KindlabError) || err.failure.code !== 'timeout') throw err;
  }
  return last;
}

export async function restoreAddons(addons: readonly RecoverableAddon[], contextFor: (addon: RecoverableAddon) => AddonContext, opts: RestoreOptions): Promise<RestoreResult> {
  const t = (text: LocalizedText) => both(text);
  const result: RestoreResult = { recovered: [], reinstalled: [] };
  for (const [i, addon] of addons.entries()) {
    const title = t(addon.title);
    const ctx = contextFor(addon);
    opts.progress(i / addons.length, title);
    let h = await addon.health(ctx);
    if (h.state === 'ready') continue;
    if (h.state !== 'missing') {
      const secs = Math.round(opts.recoverMs / 1000);
      opts.log(t({ en: `${title}: ${h.message}; waiting up to ${secs} s for it to recover by itself`, zh: `${title}：${h.message}；最多等待 ${secs} 秒，看它能否自行恢复` }));
      h = await awaitRecovery(addon, ctx, opts, h);
      if (h.state === 'ready') {
        opts.log(t({ en: `${title}: recovered, nothing reinstalled`, zh: `${title}：已自行恢复，无需重新安装` }));
        result.recovered.push(addon.title.en);
        continue;
      }
    }
    opts.log(t({ en: `${title}: ${h.message}; restoring`, zh: `${title}：${h.message}；正在恢复` }));
    await addon.install(ctx);
    result.reinstalled.push(addon.title.en);
  }
  opts.progress(1, '');
  return result;
}
