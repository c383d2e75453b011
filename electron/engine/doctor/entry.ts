// How the rest of the engine uses the doctor: the full report for `kindlab doctor` and the
// setup screen, and the preflight subset that gates `up` (only what can stop a cluster from
// being built; kubectl and DNS matter later, in the terminal and the ingress lab).
import type { ClusterSettings, DoctorReport } from '../../api.ts';
import type { EngineContext } from '../context.ts';
import { cancelled } from '../errors.ts';
import { DoctorFacts, defaultProbes } from './facts.ts';
import { DOCTOR_CHECKS } from './registry.ts';
import { defaultDoctor, runDoctor } from './run.ts';

export const PREFLIGHT_CHECK_IDS: ReadonlySet<string> = new Set(['docker-cli', 'docker-daemon', 'kind', 'cgroup', 'memory', 'cpus', 'disk', 'ports', 'inotify']);

export function runFullDoctor(ctx: EngineContext, settings: ClusterSettings): Promise<DoctorReport> {
  return defaultDoctor(ctx, settings);
}

export async function preflightDoctor(ctx: EngineContext, settings: ClusterSettings, _clusterExists: boolean, signal: AbortSignal): Promise<DoctorReport> {
  const checks = DOCTOR_CHECKS.filter((c) => PREFLIGHT_CHECK_IDS.has(c.id));
  const report = runDoctor(checks, new DoctorFacts(defaultProbes(ctx), ctx.pins), ctx.lang, settings);
  if (signal.aborted) throw cancelled('preflight');
  return Promise.race([
    report,
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(cancelled('preflight')), { once: true })),
  ]);
}
