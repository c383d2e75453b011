// The fast reset's cleaning pass: everything a learner or a lab may have created, found by
// where it lives rather than by a label (typed commands carry no label), while the cluster's
// own objects and the add-ons are left alone. The add-ons' state is restored afterwards by
// re-running their health checks and installers (lifecycle.ts).
import type { Lang, LocalizedText } from '../../api.ts';
import { throwIfCancelled } from '../errors.ts';
import { pick } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { type KindRef, NAMESPACED_LAB_KINDS } from '../kube/kinds.ts';
import { SYSTEM_NAMESPACES } from '../kube/system-namespaces.ts';
import { waitFor } from '../kube/wait.ts';

export { SYSTEM_NAMESPACES } from '../kube/system-namespaces.ts';

interface SweptKind extends KindRef {
  /** Objects of this kind that stay. */
  keep?: (o: KubeObject) => boolean;
}

/** What `default` keeps: the cluster's own objects, and pods a workload owns (they go with it). */
const KEEP_IN_DEFAULT: Record<string, (o: KubeObject) => boolean> = {
  Pod: (o) => (o.metadata.ownerReferences ?? []).length > 0,
  Service: (o) => o.metadata.name === 'kubernetes',
  ConfigMap: (o) => o.metadata.name === 'kube-root-ca.crt',
  Secret: (o) => (o as { type?: string }).type === 'kubernetes.io/service-account-token',
  ServiceAccount: (o) => o.metadata.name === 'default',
};

const LEARNER_KINDS_IN_DEFAULT: SweptKind[] = NAMESPACED_LAB_KINDS.map((k) => ({ ...k, ...(KEEP_IN_DEFAULT[k.kind] ? { keep: KEEP_IN_DEFAULT[k.kind] } : {}) }));

const LEARNER_KINDS_IN_KUBE_SYSTEM: SweptKind[] = [
  { apiVersion: 'v1', kind: 'Service', keep: (o) => o.metadata.name === 'kube-dns' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
];

export interface ResetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  log(line: string): void;
  progress(fraction: number, message: string): void;
  /** The language of progress messages; English when absent. */
  lang?: Lang;
}

async function deleteKinds(client: KubeClient, namespace: string, kinds: SweptKind[], opts: ResetOptions): Promise<number> {
  let n = 0;
  for (const k of kinds) {
    throwIfCancelled(opts.signal, undefined, opts.lang);
    const list = await client.list(k.apiVersion, k.kind, { namespace });
    for (const o of list.items) {
      if (k.keep?.(o)) continue;
      if (await client.delete(k.apiVersion, k.kind, o.metadata.name, namespace, { propagation: 'Background' })) {
        n++;
        opts.log(`deleted ${k.kind} ${namespace}/${o.metadata.name}`);
      }
    }
  }
  return n;
}

export async function resetFastSteps(client: KubeClient, opts: ResetOptions): Promise<number> {
  const lang = opts.lang ?? 'en';
  const t = (text: LocalizedText) => pick(text, lang);
  let removed = 0;
  opts.progress(0.05, t({ en: 'namespaces created by labs', zh: '实验创建的命名空间' }));
  const namespaces = await client.list('v1', 'Namespace');
  const extra = namespaces.items.filter((ns) => !SYSTEM_NAMESPACES.has(ns.metadata.name) && !ns.metadata.deletionTimestamp).map((ns) => ns.metadata.name);
  await Promise.all(
    extra.map(async (name) => {
      if (await client.delete('v1', 'Namespace', name)) {
        removed++;
        opts.log(`deleted namespace ${name}`);
      }
    }),
  );
  opts.progress(0.3, t({ en: 'objects in default', zh: 'default 命名空间中的对象' }));
  removed += await deleteKinds(client, 'default', LEARNER_KINDS_IN_DEFAULT, opts);
  opts.progress(0.5, t({ en: 'objects in kube-system', zh: 'kube-system 命名空间中的对象' }));
  removed += await deleteKinds(client, 'kube-system', LEARNER_KINDS_IN_KUBE_SYSTEM, opts);
  opts.progress(0.6, t({ en: 'extra MetalLB pools', zh: '多余的 MetalLB 地址池' }));
  if (await client.served('metallb.io/v1beta1', 'IPAddressPool').catch(() => false)) {
    const managed = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kindlab';
    removed += await deleteKinds(
      client,
      'metallb-system',
      [
        { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', keep: managed },
        { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', keep: managed },
      ],
      opts,
    );
  }
  if (extra.length > 0) {
    opts.progress(0.7, t({ en: 'waiting for namespaces to terminate', zh: '正在等待命名空间终止' }));
    const gone = new Set(extra);
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
        lang,
        what: t({ en: 'lab namespaces to terminate', zh: '等待实验命名空间终止' }),
        onProgress: (v) => opts.progress(0.7 + 0.3 * (v.fraction ?? 0), v.message ?? ''),
      },
    );
  }
  return removed;
}
