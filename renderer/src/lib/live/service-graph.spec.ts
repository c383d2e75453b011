import { describe, expect, it } from 'vitest';
import type { ResourceRow, WatchEvent } from '../api/contract.ts';
import { parseSelector, serviceGroups } from './service-graph.ts';
import { applyWatchEvents } from './watch-rows.ts';

const row = (kind: ResourceRow['kind'], name: string, fields: Record<string, string>, labels: Record<string, string> = {}, namespace = 'default'): ResourceRow => ({
  uid: `${kind}/${namespace}/${name}`,
  kind,
  namespace,
  name,
  status: 'x',
  labels,
  fields,
});

const svc = row('services', 'nginx-frontend', { type: 'ClusterIP', selector: 'run=nginx-frontend', ports: '80/TCP,443/TCP' });
const pods = [1, 2, 3].map((i) => row('pods', `nginx-frontend-${i}`, { podIP: `10.240.1.${i}`, node: 'cluster01-worker' }, { run: 'nginx-frontend' }));
const slice = row('endpointslices', 'nginx-frontend-abc', { service: 'nginx-frontend', addresses: '10.240.1.1,10.240.1.2', ports: '80/TCP' });

describe('serviceGroups', () => {
  it('hangs the ready pods under their slice and keeps selected but unready pods apart', () => {
    const [g] = serviceGroups([svc, row('services', 'kubernetes', {})], [slice], [...pods, row('pods', 'other', { podIP: '10.240.1.9' }, { run: 'x' })]);
    expect(g?.slices.map((b) => [b.slice.name, b.pods.map((p) => p.row.name)])).toEqual([['nginx-frontend-abc', ['nginx-frontend-1', 'nginx-frontend-2']]]);
    expect(g?.unready.map((p) => p.row.name)).toEqual(['nginx-frontend-3']);
    expect(g?.slices[0]?.pods[0]?.matched).toEqual(['run=nginx-frontend']);
  });

  it('hides system namespaces and the kubernetes Service; a Service without selector has no pods', () => {
    const sys = row('services', 'ingress-nginx-controller', { selector: 'a=b' }, {}, 'ingress-nginx');
    expect(serviceGroups([sys, row('services', 'kubernetes', {})], [], [])).toEqual([]);
    const ext = row('services', 'sql-db', { type: 'ExternalName', externalIP: 'db.example.com' }, {}, 'finance');
    expect(serviceGroups([ext], [], pods)).toEqual([{ service: ext, slices: [], unready: [] }]);
  });

  it('parses selectors', () => {
    expect(parseSelector('a=b, c=d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseSelector('')).toEqual([]);
  });
});

describe('applyWatchEvents', () => {
  it('replaces on snapshot, upserts and deletes by uid', () => {
    const events: WatchEvent[] = [
      { watchId: 'w', type: 'snapshot', rows: pods },
      { watchId: 'w', type: 'delete', uid: pods[0]?.uid ?? '' },
      { watchId: 'w', type: 'upsert', row: { ...(pods[1] as ResourceRow), status: 'Terminating' } },
    ];
    const rows = applyWatchEvents(new Map(), events);
    expect([...rows.keys()]).toEqual([pods[1]?.uid, pods[2]?.uid]);
    expect(rows.get(pods[1]?.uid ?? '')?.status).toBe('Terminating');
  });
});
