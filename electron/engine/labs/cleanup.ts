// Removing what a lab created: the objects its cleanup list names, and every object that
// carries its label (manifests applied by the runner, probe pods, canary namespaces). The add-ons'
// own objects (label app.kubernetes.io/managed-by=kindlab) and the system namespaces stay, even
// if a lab re-applied one of them.
import { KindlabError, isCancellation, throwIfCancelled } from '../errors.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { waitFor } from '../kube/wait.ts';
import type { LoadedLab } from './loader.ts';
import { LAB_LABEL, namespaceFor, prepareObjects } from './manifest.ts';
import type { Say } from './say.ts';
import type { LabVars } from './vars.ts';
import { type KindRef, NAMESPACED_LAB_KINDS } from '../kube/kinds.ts';
import { SYSTEM_NAMESPACES } from '../../shared/system-namespaces.ts';
import type { ProbeRunner, ToolExec } from './probes.ts';
import { waitForClusterDns } from './recovery.ts';

export interface CleanupDeps {
  client: KubeClient;
  vars: LabVars;
  say: Say;
  signal: AbortSignal;
  timeoutScale: number;
  log(line: string): void;
  /**
   * For cleanup entries that wait on the data plane (waitClusterDns): without them, or with
   * dataPlane false (pods that do not really run), such a wait is skipped with a line in the log.
   */
  probes?: ProbeRunner;
  tools?: ToolExec;
  dataPlane?: boolean;
}

/** Kinds a lab may create, swept by label; namespaced ones across all namespaces, Namespace last. */
const LABELLED_KINDS: readonly KindRef[] = [
  ...NAMESPACED_LAB_KINDS,
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' },
  { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement' },
  { apiVersion: 'v1', kind: 'Namespace' },
];

const isAddonObject = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kindlab';

async function remove(client: KubeClient, apiVersion: string, kind: string, name: string, namespace: string | undefined, deps: CleanupDeps): Promise<boolean> {
  if (kind === 'Namespace' && SYSTEM_NAMESPACES.has(name)) return false;
  const gone = await client.delete(apiVersion, kind, name, namespaceFor(kind, namespace));
  if (gone) deps.log(`${deps.say('deleted', '已删除')} ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
  return gone;
}

/** Deletes every object matching the label selector; returns the count and the namespaces deleted. */
export async function removeLabelled(selector: string, deps: CleanupDeps): Promise<{ removed: number; namespaces: string[] }> {
  let removed = 0;
  const namespaces: string[] = [];
  // Asked all at once: one round trip each, and a real API server answers them side by side.
  const lists = await Promise.all(
    LABELLED_KINDS.map(async (k) => ((await deps.client.served(k.apiVersion, k.kind).catch(() => false)) ? { k, items: (await deps.client.list(k.apiVersion, k.kind, { labelSelector: selector })).items } : { k, items: [] })),
  );
  // Deleted in the kinds' order, Namespace last.
  for (const { k, items } of lists) {
    throwIfCancelled(deps.signal);
    for (const o of items) {
      if (isAddonObject(o) || o.metadata.deletionTimestamp) continue;
      if (await remove(deps.client, k.apiVersion, k.kind, o.metadata.name, o.metadata.namespace, deps)) {
        removed++;
        if (k.kind === 'Namespace') namespaces.push(o.metadata.name);
      }
    }
  }
  return { removed, namespaces };
}

/**
 * What the labs have left on the cluster, by lab: the objects carrying a lab's label (namespaces
 * count as one each, not with their contents), for `status` and the cluster screen.
 */
export async function countLabObjects(client: KubeClient): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const inLabNamespace = new Set<string>();
  const lists = await Promise.all(
    LABELLED_KINDS.map(async (k) => ((await client.served(k.apiVersion, k.kind).catch(() => false)) ? { k, items: (await client.list(k.apiVersion, k.kind, { labelSelector: LAB_LABEL })).items } : { k, items: [] })),
  );
  for (const { k, items } of lists) if (k.kind === 'Namespace') for (const ns of items) inLabNamespace.add(ns.metadata.name);
  for (const { k, items } of lists) {
    for (const o of items) {
      if (isAddonObject(o) || o.metadata.deletionTimestamp) continue;
      if (k.kind !== 'Namespace' && o.metadata.namespace && inLabNamespace.has(o.metadata.namespace)) continue;
      const lab = o.metadata.labels?.[LAB_LABEL] ?? '?';
      counts[lab] = (counts[lab] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * Deletes the pods of namespaces being deleted without a grace period. A namespace terminates only
 * when its last pod is gone, and the namespace controller gives each pod its full grace period:
 * 30 s for a netshoot or busybox that sleeps and ignores SIGTERM. What a lab's cleanup or a reset
 * throws away needs no graceful stop (a real fast reset waited 27–47 s for it).
 */
export async function removePodsAtOnce(client: KubeClient, namespaces: Iterable<string>, signal: AbortSignal): Promise<void> {
  await Promise.all(
    [...namespaces].map(async (namespace) => {
      const pods = await client.list('v1', 'Pod', { namespace });
      throwIfCancelled(signal);
      await Promise.all(pods.items.map((p) => client.delete('v1', 'Pod', p.metadata.name, namespace, { gracePeriodSeconds: 0 }).catch(() => false)));
    }),
  );
}

/** Waits until deleted namespaces are gone, so a re-run does not meet "namespace is terminating". */
export async function awaitNamespacesGone(names: string[], deps: CleanupDeps): Promise<void> {
  if (names.length === 0) return;
  const gone = new Set(names);
  try {
    await removePodsAtOnce(deps.client, gone, deps.signal);
    await waitFor(
      deps.client,
      { apiVersion: 'v1', kind: 'Namespace' },
      (list) => {
        const left = list.filter((ns) => gone.has(ns.metadata.name)).length;
        return { done: left === 0, fraction: 1 - left / gone.size, message: deps.say(`${left} namespace(s) terminating`, `${left} 个命名空间正在终止`) };
      },
      { timeoutMs: 120_000 * deps.timeoutScale, signal: deps.signal, what: 'lab namespaces to terminate' },
    );
  } catch (err) {
    if (isCancellation(err) || !(err instanceof KindlabError) || err.failure.code !== 'timeout') throw err;
    deps.log(deps.say(`namespaces still terminating: ${names.join(', ')}`, `命名空间仍在终止中：${names.join('、')}`));
  }
}

/**
 * One lab's cleanup list plus everything labelled with the lab; returns how many objects went.
 * Without `waitForNamespaces` (the fast reset, which cleans every lab and waits once at the end),
 * the namespaces it deleted are added to `terminating`, for the caller to wait for.
 */
export interface CleanupOptions {
  waitForNamespaces: boolean;
  terminating?: string[];
  /**
   * The fast reset: it sweeps every lab's label once after all the lists, so each lab skips its own
   * sweep, and its DNS waits are handed over (`later`) to run beside the namespaces' termination.
   */
  sweep?: boolean;
  later?: (() => Promise<void>)[];
}

export async function cleanupLab(lab: LoadedLab, deps: CleanupDeps, opts: CleanupOptions = { waitForNamespaces: true }): Promise<number> {
  let removed = 0;
  const namespaces: string[] = [];
  const dnsWaits: number[] = [];
  for (const entry of lab.spec.cleanup) {
    throwIfCancelled(deps.signal);
    if ('waitClusterDns' in entry) {
      // Waits come last, after everything the lab made is gone.
      dnsWaits.push(entry.waitClusterDns.timeoutSeconds);
    } else if ('delete' in entry) {
      const r = entry.delete;
      if (await remove(deps.client, r.apiVersion, r.kind, r.name, r.namespace, deps)) removed++;
    } else if ('deleteNamespace' in entry) {
      if (await remove(deps.client, 'v1', 'Namespace', entry.deleteNamespace, undefined, deps)) {
        removed++;
        namespaces.push(entry.deleteNamespace);
      }
    } else {
      let objs: KubeObject[] = [];
      try {
        objs = prepareObjects(lab.manifests.get(entry.deleteManifest) ?? '', deps.vars, lab.id, entry.deleteManifest);
      } catch (err) {
        deps.log(`${entry.deleteManifest}: ${(err as Error).message}`);
      }
      for (const o of objs.reverse()) if (await remove(deps.client, o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, deps)) removed++;
    }
  }
  const labelled = opts.sweep === false ? { removed: 0, namespaces: [] } : await removeLabelled(`${LAB_LABEL}=${lab.id}`, deps);
  removed += labelled.removed;
  if (opts.waitForNamespaces) await awaitNamespacesGone([...namespaces, ...labelled.namespaces], deps);
  else opts.terminating?.push(...namespaces, ...labelled.namespaces);
  for (const seconds of dnsWaits) {
    if (opts.later) opts.later.push(() => cleanupDnsWait(lab, seconds, deps));
    else await cleanupDnsWait(lab, seconds, deps);
  }
  return removed;
}

/** A lab that stopped the node CoreDNS runs on hands the cluster back only once DNS answers again. */
async function cleanupDnsWait(lab: LoadedLab, timeoutSeconds: number, deps: CleanupDeps): Promise<void> {
  const { say } = deps;
  if (!deps.probes || !deps.tools || deps.dataPlane === false) {
    deps.log(say(`${lab.id}: not waiting for cluster DNS here (no data plane to ask)`, `${lab.id}：此处不等待集群 DNS（没有可询问的数据平面）`));
    return;
  }
  deps.log(say(`${lab.id}: waiting until cluster DNS answers again (this lab stops the node CoreDNS runs on)`, `${lab.id}：正在等待集群 DNS 恢复应答（本实验会停掉 CoreDNS 所在的节点）`));
  await waitForClusterDns(timeoutSeconds, {
    client: deps.client,
    tools: deps.tools,
    probes: deps.probes,
    vars: deps.vars,
    say,
    labId: lab.id,
    signal: deps.signal,
    timeoutScale: deps.timeoutScale,
    log: deps.log,
    progress: () => undefined,
  });
}
