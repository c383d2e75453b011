// What the cluster screen's cache card draws, from the engine's CacheStatus and what is running.
// Pure, so that every state the card can be in (loading, unreadable, off, empty, partly filled,
// full; an operation of its own or a cluster operation running) is checked without a browser.
import type { CacheImage, CacheMode, CacheStatus, OpKind } from '../api/contract.ts';

/** The operations the card starts itself. */
export type CacheOpKind = Extract<OpKind, 'cache-warm' | 'cache-clear' | 'bundle-import'>;

export const CACHE_OP_KINDS: readonly CacheOpKind[] = ['cache-warm', 'cache-clear', 'bundle-import'];

export type CacheState = 'loading' | 'unreadable' | 'off' | 'empty' | 'partial' | 'full';

export interface UpstreamRow {
  upstream: string;
  container: string;
  endpoint: string;
  state: 'running' | 'stopped' | 'absent';
  /** Formatted bytes on its volume, when known. */
  size: string | null;
}

export interface MissingRow {
  ref: string;
  usedBy: string;
}

export interface CacheView {
  state: CacheState;
  mode: CacheMode | null;
  cachedCount: number;
  totalCount: number;
  missingCount: number;
  /** cached / total, 0 when nothing is known. */
  fraction: number;
  tone: 'ok' | 'accent' | 'muted';
  /** Formatted bytes on all cache volumes; null before a status came. */
  size: string | null;
  upstreams: UpstreamRow[];
  /** The images still to download, each with who runs it. */
  missing: MissingRow[];
  /** Why the buttons are off right now: the card's own operation, or one on the cluster. */
  blockedBy: 'cache-op' | 'cluster-op' | null;
  canWarm: boolean;
  canClear: boolean;
  canImport: boolean;
  canRefresh: boolean;
}

export interface CacheViewInput {
  status: CacheStatus | null;
  loading: boolean;
  /** The last status request failed. */
  unreadable: boolean;
  /** A cache operation of this window or of another one is running. */
  running: CacheOpKind | null;
  /** A build, reset or delete is running: the caches are in use or about to change. */
  clusterBusy: boolean;
  /** What the bundle path field holds. */
  importPath: string;
}

/** 1234567 → "1.2 MB" (decimal units, as docker prints image sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

function stateOf(status: CacheStatus | null, loading: boolean, unreadable: boolean): CacheState {
  if (!status) return unreadable ? 'unreadable' : 'loading';
  if (!status.enabled) return 'off';
  if (status.totalCount > 0 && status.cachedCount >= status.totalCount) return 'full';
  // Without a count, a fresh status on its way is "loading", not "empty".
  if (status.cachedCount === 0) return loading && status.totalCount === 0 ? 'loading' : 'empty';
  return 'partial';
}

function missingRow(image: CacheImage): MissingRow {
  return { ref: image.ref, usedBy: image.usedBy.join(', ') };
}

export function cacheView(input: CacheViewInput): CacheView {
  const { status, loading, unreadable, running, clusterBusy } = input;
  const state = stateOf(status, loading, unreadable);
  const cachedCount = status?.cachedCount ?? 0;
  const totalCount = status?.totalCount ?? 0;
  const blockedBy = running ? 'cache-op' : clusterBusy ? 'cluster-op' : null;
  const idle = blockedBy === null;
  const upstreams: UpstreamRow[] = (status?.upstreams ?? []).map((u) => ({
    upstream: u.upstream,
    container: u.container,
    endpoint: u.endpoint,
    state: u.running ? 'running' : u.exists ? 'stopped' : 'absent',
    size: u.sizeBytes === null ? null : formatBytes(u.sizeBytes),
  }));
  const on = status?.enabled === true;
  return {
    state,
    mode: status?.mode ?? null,
    cachedCount,
    totalCount,
    missingCount: Math.max(0, totalCount - cachedCount),
    fraction: totalCount > 0 ? Math.min(1, cachedCount / totalCount) : 0,
    tone: state === 'full' ? 'ok' : state === 'off' || state === 'unreadable' ? 'muted' : 'accent',
    size: status ? formatBytes(status.totalBytes) : null,
    upstreams,
    missing: (status?.images ?? []).filter((i) => !i.cached).map(missingRow),
    blockedBy,
    // Nothing to fetch when every image is there; a cache that is off is not filled behind the learner's back.
    canWarm: idle && on && state !== 'full',
    // Clearing is offered whenever something may be on disk, even with the cache turned off since.
    canClear: idle && status !== null && (status.upstreams.some((u) => u.exists) || status.totalBytes > 0),
    canImport: idle && input.importPath.trim() !== '',
    canRefresh: !loading && running === null,
  };
}
