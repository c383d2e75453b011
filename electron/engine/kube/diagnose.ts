// When a wait runs out, say why: the pods' states, the latest warning events and the last log
// lines of containers that are not ready, and the class and fix of a failed image pull. This is
// what a learner would otherwise dig out with kubectl describe and kubectl logs.
import { both } from '../i18n/text.ts';
import type { KubeClient, KubeObject } from './client.ts';
import { pullFailure } from './pull-failure.ts';
import { podProblems, podReady, podStateLine } from './readiness.ts';

interface EventObj extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
}

function when(e: EventObj): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
}

export function summarizeEvents(events: KubeObject[], limit = 8): string[] {
  return (events as EventObj[])
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => when(a).localeCompare(when(b)))
    .slice(-limit)
    .map((e) => `event ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.reason ?? ''} ${(e.message ?? '').split('\n')[0]}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`.trim());
}

export interface DiagnoseScope {
  namespace: string;
  labelSelector?: string;
}

export async function diagnose(client: KubeClient, scope: DiagnoseScope): Promise<string[]> {
  const lines: string[] = [];
  const pods = await client.list('v1', 'Pod', { namespace: scope.namespace, ...(scope.labelSelector ? { labelSelector: scope.labelSelector } : {}) }).catch(() => null);
  if (!pods) return [`(the API did not answer while collecting diagnostics for ${scope.namespace})`];
  if (pods.items.length === 0) lines.push(`no pods in ${scope.namespace}${scope.labelSelector ? ` matching ${scope.labelSelector}` : ''}`);
  for (const p of pods.items.slice(0, 10)) lines.push(podStateLine(p));
  const events = await client.list('v1', 'Event', { namespace: scope.namespace }).catch(() => null);
  if (events) lines.push(...summarizeEvents(events.items));
  // A pull that failed is named with its class and fix (rate limit, missing image, network), so
  // that a wait that ran out on a slow or absent network still ends with what to do.
  for (const p of pods.items.slice(0, 10)) {
    const f = pullFailure(p, events?.items ?? []);
    if (!f || f.class === 'unknown') continue;
    lines.push(both({ en: `pull ${f.pod}: ${f.label.en} — ${f.anyHint.en}`, zh: `拉取 ${f.pod}：${f.label.zh}——${f.anyHint.zh}` }));
    break;
  }
  const stuck = pods.items.filter((p) => !podReady(p) && podProblems(p).every((x) => x.reason !== 'ImagePullBackOff' && x.reason !== 'ErrImagePull')).slice(0, 2);
  for (const p of stuck) {
    const log = await client.podLogs(scope.namespace, p.metadata.name, { tailLines: 5 }).catch(() => '');
    for (const l of log.split('\n').filter(Boolean).slice(-5)) lines.push(`log ${p.metadata.name}: ${l}`);
  }
  return lines;
}
