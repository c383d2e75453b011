// The cluster as the UI knows it: the last status, and the lifecycle operation this window
// started (build, reset, delete) with its outcome. Progress comes from the ops store.
import type { ClusterStatus, Failure, OpKind } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import { newId } from './ops.svelte.ts';
import { choices } from './choices.svelte.ts';
import { api } from './session.svelte.ts';

export type LifecycleKind = Extract<OpKind, 'up' | 'down' | 'reset-fast' | 'reset-full'>;

export interface LifecycleRun {
  opId: string;
  kind: LifecycleKind;
  /** The request has answered (resolved or failed). */
  settled: boolean;
  /** Why it failed; also set when it failed before any event (e.g. busy). */
  failure: Failure | null;
}

class ClusterStore {
  status = $state.raw<ClusterStatus | null>(null);
  /** The kind network's subnet, when the engine could read it. */
  subnet = $state<string | null>(null);
  statusFailure = $state.raw<Failure | null>(null);
  loading = $state(false);
  run = $state.raw<LifecycleRun | null>(null);
  cancelling = $state(false);

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.status = await api().invoke('cluster:status', {});
      this.statusFailure = null;
      if (this.status.exists && this.subnet === null) {
        this.subnet = await api()
          .invoke('pools:compute', {})
          .then((p) => p.subnet)
          .catch(() => null);
      }
    } catch (err) {
      this.statusFailure = failureOf(err);
    } finally {
      this.loading = false;
    }
  }

  get busy(): boolean {
    return this.run !== null && !this.run.settled;
  }

  async start(kind: LifecycleKind): Promise<void> {
    if (this.busy) return;
    const run: LifecycleRun = { opId: newId('op'), kind, settled: false, failure: null };
    this.run = run;
    const { opId } = run;
    try {
      // A new cluster and a full reset are built from the advanced options; "Build again" and a
      // fast reset keep what the cluster was built with (the engine remembers it).
      const fresh = kind === 'reset-full' || (kind === 'up' && !this.status?.exists);
      const settings = fresh ? choices.settings() : {};
      if (kind === 'up') this.status = await api().invoke('cluster:up', { opId, settings });
      else if (kind === 'down') await api().invoke('cluster:down', { opId });
      else this.status = await api().invoke('cluster:reset', { opId, settings, mode: kind === 'reset-fast' ? 'fast' : 'full' });
      this.run = { ...run, settled: true };
    } catch (err) {
      this.run = { ...run, settled: true, failure: failureOf(err) };
    } finally {
      this.cancelling = false;
      if (kind === 'down') this.subnet = null;
      void this.refresh();
    }
  }

  async cancel(opId: string): Promise<void> {
    this.cancelling = true;
    try {
      await api().invoke('op:cancel', { opId });
    } catch {
      this.cancelling = false;
    }
  }
}

export const cluster = new ClusterStore();
