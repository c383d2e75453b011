// Turns watched rows into the picture "Service → EndpointSlice → Pods": which pods a Service
// selects and which of them its EndpointSlices list as ready, as a tree. Pure: the
// data comes from the engine's rows (electron/engine/watch/rows.ts); only the grouping is here.
import { ADDON_AND_SYSTEM_NAMESPACES } from '../../../../electron/shared/system-namespaces.ts';
import type { ResourceRow } from '../api/contract.ts';

/** Add-on and system namespaces: not part of any lab, hidden from the lab picture. */
const SYSTEM_NAMESPACES = ADDON_AND_SYSTEM_NAMESPACES;

export interface PodBox {
  row: ResourceRow;
  /** The selector's labels, to highlight on the pod. */
  matched: string[];
}

export interface SliceBranch {
  slice: ResourceRow;
  /** Selected pods whose IP this slice lists as a ready endpoint. */
  pods: PodBox[];
}

export interface ServiceGroup {
  service: ResourceRow;
  slices: SliceBranch[];
  /** Pods the selector matches that no slice lists as ready: the ones to worry about. */
  unready: PodBox[];
}

export function parseSelector(selector: string | undefined): [string, string][] {
  if (!selector) return [];
  return selector
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

const byName = (a: ResourceRow, b: ResourceRow) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
const addressesOf = (slice: ResourceRow) => (slice.fields.addresses ?? '').split(',').filter(Boolean);

/** Service → its EndpointSlices → the pods behind each, plus selected pods that are not ready. */
export function serviceGroups(services: readonly ResourceRow[], slices: readonly ResourceRow[], pods: readonly ResourceRow[]): ServiceGroup[] {
  const visible = (r: ResourceRow) => !SYSTEM_NAMESPACES.has(r.namespace ?? '');
  return services
    .filter((s) => visible(s) && !(s.namespace === 'default' && s.name === 'kubernetes'))
    .sort(byName)
    .map((service) => {
      const selector = parseSelector(service.fields.selector);
      const matched = selector.map(([k, v]) => `${k}=${v}`);
      const selected =
        selector.length === 0 ? [] : pods.filter((p) => p.namespace === service.namespace && selector.every(([k, v]) => p.labels[k] === v)).sort(byName);
      const placed = new Set<string>();
      const branches = slices
        .filter((sl) => sl.namespace === service.namespace && sl.fields.service === service.name)
        .sort(byName)
        .map((slice) => {
          const ready = new Set(addressesOf(slice));
          const own = selected.filter((p) => !placed.has(p.uid) && ready.has(p.fields.podIP ?? ''));
          for (const p of own) placed.add(p.uid);
          return { slice, pods: own.map((row) => ({ row, matched })) };
        });
      return { service, slices: branches, unready: selected.filter((p) => !placed.has(p.uid)).map((row) => ({ row, matched })) };
    });
}
