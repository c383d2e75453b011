// What curl, nc, dig and nslookup printed on a real kind cluster (test/fixtures/probes/, recorded by
// scripts/record-probes.ts): for the probe parsers' specs. A sample ran either in a container on
// the kind network (stdout and stderr apart) or in a pod (one log, as the kubelet keeps it).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../fixtures/probes/', import.meta.url));

export interface ProbeSample {
  name: string;
  shows: string;
  where: string;
  argv: string[];
  exitCode: number;
  stdout?: string;
  stderr?: string;
  log?: string;
  durationMs: number;
}

export function probeSample(name: string): ProbeSample {
  return JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as ProbeSample;
}

/** Every recorded sample whose name starts with `prefix` (curl-, nc-, dig-, …). */
export function probeSamples(prefix: string): ProbeSample[] {
  return readdirSync(DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => probeSample(f.replace(/\.json$/, '')));
}

/** What a tool printed, as the engine reads it: the pod's log, or stdout and stderr together. */
export function printed(s: ProbeSample): string {
  return s.log ?? `${s.stdout ?? ''}${s.stderr ?? ''}`;
}
