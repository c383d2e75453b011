// How the rest of the engine uses the doctor: the full report for `kindlab doctor` and the
// setup screen, and the preflight subset that gates `up` (only what can stop a cluster from
// being built; kubectl and DNS matter later, in the terminal and the ingress lab).
import type { ClusterSettings, DoctorReport } from '../../api.ts';
import type { EngineContext } from '../context.ts';
import { cancelled } from '../errors.ts';
import { DoctorFacts, defaultProbes } from './facts.ts';
import { DOCTOR_CHECKS } from './registry.ts';
import { defaultDoctor, runDoctor } from './run.ts';

// 'downloads': an offline machine is told before the first image pull, not ten minutes into it.
const PREFLIGHT_CHECK_IDS: ReadonlySet<string> = new Set(['docker-cli', 'docker-daemon', 'kind', 'cgroup', 'memory', 'cpus', 'disk', 'ports', 'inotify', 'downloads']);

export function runFullDoctor(ctx: EngineContext, settings: ClusterSettings): Promise<DoctorReport> {
  return defaultDoctor(ctx, settings);
}

export async function preflightDoctor(ctx: EngineContext, settings: ClusterSettings, _clusterExists: boolean, signal: AbortSignal): Promise<DoctorReport> {
  if (signal.aborted) throw cancelled('preflight');
  const checks = DOCTOR_CHECKS.filter((c) => PREFLIGHT_CHECK_IDS.has(c.id));
  // The signal kills the running tool probes (a `docker info` that hangs on a wedged daemon).
  // The cancel is reported once they have exited, so no docker or kind outlives the operation.
  const facts = new DoctorFacts({ ...defaultProbes(ctx), signal }, ctx.pins);
  const report = runDoctor(checks, facts, settings);
  const cancelledOnceStopped = async (): Promise<never> => {
    await facts.toolsSettled();
    throw cancelled('preflight');
  };
  return Promise.race([
    // A report finished from killed probes would read as a broken machine: it is a cancel.
    report.then((r) => (signal.aborted ? cancelledOnceStopped() : r)),
    // Checks that wait on no tool (ports, disk) are not held for.
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => void cancelledOnceStopped().catch(reject), { once: true })),
  ]);
}
