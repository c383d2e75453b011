// Live views: list + watch one kind of object and stream rows to the UI, resuming after the
// server closes a watch. One watch per view; closing the view stops it.
import { existsSync } from 'node:fs';
import type { ClusterSettings, EventEnvelope, Failure, WatchTarget } from '../../api.ts';
import { APP_LABELS } from '../../shared/app-labels.ts';
import type { EngineContext } from '../context.ts';
import { KindlabError, toFailure } from '../errors.ts';
import type { KubeClient, KubeObject } from '../kube/client.ts';
import { clusterPaths } from '../paths.ts';
import { WATCH_KINDS, toRow } from './rows.ts';

const NO_CLUSTER_YET: Failure = {
  code: 'cluster-missing',
  message: { en: 'there is no cluster yet', zh: '还没有集群' },
  hint: {
    en: `Build the cluster (${APP_LABELS.buildCluster.en} on the ${APP_LABELS.clusterScreen.en} screen, or kindlab up); this view starts by itself once it is there.`,
    zh: `请先创建集群（在“${APP_LABELS.clusterScreen.zh}”页面点“${APP_LABELS.buildCluster.zh}”，或运行 kindlab up）；集群建好后这个视图会自动开始。`,
  },
};

export class WatchManager {
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly makeClient: (kubeconfig: string) => KubeClient,
    private readonly emit: (e: EventEnvelope) => void,
  ) {}

  async start(watchId: string, target: WatchTarget, settings: ClusterSettings): Promise<void> {
    const ref = WATCH_KINDS[target.kind];
    if (!ref) throw new KindlabError({ code: 'bad-input', message: `cannot watch "${String(target.kind)}"`, hint: `Watchable kinds: ${Object.keys(WATCH_KINDS).join(', ')}` });
    this.stop(watchId);
    const ac = new AbortController();
    this.active.set(watchId, ac);
    const { kubeconfig } = clusterPaths(this.ctx.dataDir, settings.name);
    const client = this.makeClient(kubeconfig);
    const send = (payload: Parameters<typeof this.emit>[0]['payload']) => this.emit({ event: 'watch', payload } as EventEnvelope);
    const opts = { ...(target.namespace ? { namespace: target.namespace } : {}), ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}) };
    void (async () => {
      let failures = 0;
      while (!ac.signal.aborted) {
        // No kubeconfig yet: no cluster yet, not a lost one. Said once, then looked for again
        // quietly, so the view comes alive by itself once the cluster is built.
        if (!existsSync(kubeconfig)) {
          if (failures++ === 0) send({ watchId, type: 'error', failure: NO_CLUSTER_YET });
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
        try {
          const list = await client.list(ref.apiVersion, ref.kind, opts);
          send({ watchId, type: 'snapshot', rows: list.items.map((o) => toRow(target.kind, o)) });
          failures = 0;
          await client.watch(ref.apiVersion, ref.kind, { ...opts, resourceVersion: list.resourceVersion }, (type, obj: KubeObject) => {
            if (type === 'BOOKMARK') return;
            if (type === 'DELETED') send({ watchId, type: 'delete', uid: String(obj.metadata.uid ?? `${obj.metadata.namespace}/${obj.metadata.name}`) });
            else send({ watchId, type: 'upsert', row: toRow(target.kind, obj) });
          }, ac.signal);
        } catch (err) {
          if (ac.signal.aborted) return;
          failures++;
          send({ watchId, type: 'error', failure: toFailure(err) });
          // The cluster may be restarting: back off, then list again.
          await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5))));
        }
      }
    })();
  }

  stop(watchId: string): void {
    this.active.get(watchId)?.abort();
    this.active.delete(watchId);
  }

  stopAll(): void {
    for (const id of [...this.active.keys()]) this.stop(id);
  }
}
