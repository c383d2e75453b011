// The image cache as the UI knows it: the last CacheStatus, and the cache operation this window
// started (download the lab images, clear the cache, import a bundle) with its outcome. Progress
// comes from the ops store, as for a cluster build.
import type { BundleResult, CacheStatus, ClusterSettings, Failure } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import type { CacheOpKind } from '../cluster/cache-view.ts';
import { newId } from './ops.svelte.ts';
import { api } from './session.svelte.ts';

export interface CacheRun {
  opId: string;
  kind: CacheOpKind;
  /** The request has answered (resolved or failed). */
  settled: boolean;
  failure: Failure | null;
  /** What `cache:clear` removed. */
  removed?: string[];
  /** What `bundle:import` read. */
  bundle?: BundleResult;
}

class CacheStore {
  status = $state.raw<CacheStatus | null>(null);
  statusFailure = $state.raw<Failure | null>(null);
  loading = $state(false);
  run = $state.raw<CacheRun | null>(null);
  cancelling = $state(false);
  /** The bundle path field: kept across screen switches, a path is tedious to type twice. */
  importPath = $state('');
  /** What the last status was asked for, so a refresh after an operation asks the same. */
  private settings: Partial<ClusterSettings> = {};

  get busy(): boolean {
    return this.run !== null && !this.run.settled;
  }

  /** `settings`: what decides whether the cache is on (the next build's picks before a cluster exists). */
  async refresh(settings: Partial<ClusterSettings> = this.settings): Promise<void> {
    this.settings = settings;
    this.loading = true;
    try {
      this.status = await api().invoke('cache:status', { settings });
      this.statusFailure = null;
    } catch (err) {
      this.statusFailure = failureOf(err);
    } finally {
      this.loading = false;
    }
  }

  warm(): Promise<void> {
    return this.start('cache-warm', async (opId) => {
      this.status = await api().invoke('cache:warm', { opId, settings: this.settings });
      return {};
    });
  }

  clear(): Promise<void> {
    return this.start('cache-clear', async (opId) => {
      const { removed } = await api().invoke('cache:clear', { opId });
      return { removed };
    });
  }

  importBundle(): Promise<void> {
    const file = this.importPath.trim();
    if (!file) return Promise.resolve();
    return this.start('bundle-import', async (opId) => ({ bundle: await api().invoke('bundle:import', { opId, file }) }));
  }

  async cancel(opId: string): Promise<void> {
    this.cancelling = true;
    try {
      await api().invoke('op:cancel', { opId });
    } catch {
      this.cancelling = false;
    }
  }

  private async start(kind: CacheOpKind, request: (opId: string) => Promise<Pick<CacheRun, 'removed' | 'bundle'>>): Promise<void> {
    if (this.busy) return;
    const run: CacheRun = { opId: newId('op'), kind, settled: false, failure: null };
    this.run = run;
    try {
      const outcome = await request(run.opId);
      this.run = { ...run, ...outcome, settled: true };
    } catch (err) {
      this.run = { ...run, settled: true, failure: failureOf(err) };
    } finally {
      this.cancelling = false;
      // A warm answers with the new status; clear and import change what is cached: read it again.
      if (kind !== 'cache-warm' || this.run.failure) void this.refresh();
    }
  }
}

export const cache = new CacheStore();
