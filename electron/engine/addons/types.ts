// One add-on installer: a health check that lets `up` skip what is already fine, and an
// install that is safe to run again on a half-built cluster.
import type { AddonHealth, ClusterSettings, LocalizedText, PoolPlan } from '../../api.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Pins } from './pins.ts';

export interface AddonContext {
  client: KubeClient;
  pins: Pins;
  settings: ClusterSettings;
  signal: AbortSignal;
  /** Multiplies every readiness bound. */
  timeoutScale: number;
  /** The verified text of a pinned manifest (prefetched while the cluster is created). */
  manifest(id: string): Promise<string>;
  /** The address pools for this cluster's kind network. */
  poolPlan(): Promise<PoolPlan>;
  progress(fraction: number, message: string): void;
  log(line: string): void;
}

/** An add-on's health inside the engine: its message an engine string (both languages) until `status` hands it over. */
export type Health = Omit<AddonHealth, 'message'> & { message: string };

export interface Addon {
  id: AddonHealth['id'] | 'pools';
  /** The lifecycle phase that installs it: cni, ingress, metallb or pools. */
  phase: string;
  title: LocalizedText;
  /** The title of that phase, e.g. "Install Calico". */
  installTitle: LocalizedText;
  /** What `up --dry-run` shows for it, in order. */
  plan(pins: Pins): AddonPlanStep[];
  health(ctx: Pick<AddonContext, 'client' | 'pins' | 'poolPlan'>): Promise<Health>;
  install(ctx: AddonContext): Promise<void>;
}

/** A manifest by its pin id, or an apply, patch or wait described in a line. */
export type AddonPlanStep =
  | { kind: 'manifest'; manifest: string; description: string }
  | { kind: 'command'; description: string; argv: string[] }
  | { kind: 'apply' | 'patch' | 'wait'; description: string; version?: string };

export function seconds(ctx: { timeoutScale: number }, s: number): number {
  return Math.round(s * 1000 * ctx.timeoutScale);
}
