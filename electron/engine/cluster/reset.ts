// The fast reset's cleaning pass. It removes only what the labs made: every object that carries a
// lab's label (all the runner applies, the canary's namespaces, the probe pods) and the
// namespaces among them. What a learner typed from a lab's text carries no label; each lab's
// own cleanup list names it, and the lab service runs those lists just before this pass.
// Everything else stays: the cluster's own objects, the add-ons, and whatever another component
// or the learner put there. A real cluster showed why: sweeping every kube-system Service except
// kube-dns deleted another component's Service. The add-ons' state is restored afterwards
// (lifecycle.ts, addon-recovery.ts).
import type { LocalizedText } from '../../api.ts';
import { throwIfCancelled } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import { waitFor } from '../kube/wait.ts';
import { removeLabelled, removePodsAtOnce } from '../labs/cleanup.ts';
import { LAB_LABEL, PROBE_LABEL } from '../labs/manifest.ts';
import { sayBoth } from '../labs/say.ts';
import { EXAMPLE_VARS } from '../labs/vars.ts';

export { restoreAddons } from './addon-recovery.ts';

export interface ResetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  log(line: string): void;
  progress(fraction: number, message: string): void;
}

export async function resetFastSteps(client: KubeClient, opts: ResetOptions): Promise<number> {
  const t = (text: LocalizedText) => both(text);
  // Selectors on the label's key alone: every lab's objects, whichever lab made them.
  const deps = { client, vars: EXAMPLE_VARS, say: sayBoth, signal: opts.signal, timeoutScale: 1, log: opts.log };
  opts.progress(0.05, t({ en: 'objects labelled by the labs', zh: '带实验标签的对象' }));
  const labelled = await removeLabelled(LAB_LABEL, deps);
  throwIfCancelled(opts.signal);
  opts.progress(0.4, t({ en: 'probe pods', zh: '探测 Pod' }));
  const probes = await removeLabelled(PROBE_LABEL, deps);
  const gone = new Set([...labelled.namespaces, ...probes.namespaces]);
  if (gone.size > 0) {
    await removePodsAtOnce(client, gone, opts.signal);
    opts.progress(0.7, t({ en: 'waiting for namespaces to terminate', zh: '正在等待命名空间终止' }));
    await waitFor(
      client,
      { apiVersion: 'v1', kind: 'Namespace' },
      (list) => {
        const left = list.filter((ns) => gone.has(ns.metadata.name)).length;
        return { done: left === 0, fraction: 1 - left / gone.size, message: t({ en: `${left} namespaces terminating`, zh: `${left} 个命名空间正在终止` }) };
      },
      {
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        what: t({ en: 'lab namespaces to terminate', zh: '等待实验命名空间终止' }),
        onProgress: (v) => opts.progress(0.7 + 0.3 * (v.fraction ?? 0), v.message ?? ''),
      },
    );
  }
  return labelled.removed + probes.removed;
}
