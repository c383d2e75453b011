// Builds the control plane (cached outside the repo: minutes cold, instant warm), starts it on
// loopback for the whole run, and stops it afterwards — also when the run is interrupted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const SCRIPTS = join(process.cwd(), 'scripts', 'controlplane');

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    cpBin: string;
    cpState: string;
  }
}

function run(script: string, args: string[], capture = false): string {
  const r = spawnSync('bash', [join(SCRIPTS, script), ...args], { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed with exit code ${r.status}`);
  return r.stdout ?? '';
}

export default function setup(project: TestProject): () => void {
  const t0 = Date.now();
  const binDir = run('build.sh', [], true).trim().split('\n').pop() ?? '';
  console.log(`control plane binaries ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${binDir}`);
  const parent = mkdtempSync(join(tmpdir(), 'kindlab-cp-'));
  const state = join(parent, 'state');
  const t1 = Date.now();
  const out = run('start.sh', [state], true);
  const kubeconfig = /KUBECONFIG=(\S+)/.exec(out)?.[1];
  if (!kubeconfig) throw new Error(`start.sh printed no KUBECONFIG line:\n${out}`);
  console.log(`control plane started in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  const env = readFileSync(join(state, 'env'), 'utf8');
  const bin = /KINDLAB_CP_BIN=(\S+)/.exec(env)?.[1] ?? binDir;
  project.provide('kubeconfig', kubeconfig);
  project.provide('cpBin', bin.replace(/^['"]|['"]$/g, ''));
  project.provide('cpState', state);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run('stop.sh', [state]);
    // stop.sh removes state/; its parent goes too, unless the state was kept (KINDLAB_CP_KEEP=1).
    try {
      rmdirSync(parent);
    } catch {
      // not empty: kept for a look
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return stop;
}
