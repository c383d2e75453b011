// Ctrl+C during a real `kindlab up`: the CLI must stop at once with exit 130 and leave no process of
// its own behind (kind, docker, kubectl), whatever it was doing; the next `up` then finishes the
// half-built cluster. Processes are found by a marker in their environment, which every child of
// the CLI inherits (the node containers' own processes do not: they are containerd's children).
import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Table } from './table.ts';

const REPO = new URL('../../', import.meta.url).pathname;

async function processesWith(marker: string): Promise<string[]> {
  const out: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const env = await readFile(join('/proc', pid, 'environ'), 'utf8').catch(() => '');
    if (env.includes(marker)) out.push(`${pid} ${(await readFile(join('/proc', pid, 'cmdline'), 'utf8').catch(() => '')).replace(/\0/g, ' ').trim()}`);
  }
  return out;
}

/** Runs `kindlab up FLAGS`, sends SIGINT at the first stderr line matching `when`, and judges what is left. */
export async function cancelDuringUp(flags: string[], when: RegExp, table: Table): Promise<void> {
  const stage = 'Ctrl+C during up';
  const marker = `KINDLAB_TIER5_CANCEL=${randomUUID()}`;
  const [k, v] = marker.split('=') as [string, string];
  const t0 = Date.now();
  const child = execa(process.execPath, [join(REPO, 'bin', 'kindlab.js'), ...flags, 'up'], { env: { [k]: v }, reject: false, all: false, timeout: 900_000 });
  let sent = 0;
  let trigger = '';
  child.stderr?.setEncoding('utf8');
  let buffered = '';
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!sent && when.test(line)) {
        trigger = line.trim();
        sent = Date.now();
        child.kill('SIGINT');
      }
    }
  });
  const r = await child;
  const stoppedMs = sent ? Date.now() - sent : 0;
  const left = await processesWith(marker);
  const s = (Date.now() - t0) / 1000;
  const problems = [
    !sent ? `the trigger ${when} never appeared` : null,
    r.exitCode !== 130 ? `exit ${r.exitCode ?? r.signal}, not 130` : null,
    left.length ? `processes left behind: ${left.join('; ')}` : null,
    !/Cancelled during/.test(r.stderr ?? '') ? 'no "Cancelled during …" line' : null,
  ].filter((x): x is string => x !== null);
  table.add({ stage, phase: '(total)', seconds: s, result: problems.length ? `FAILED: ${problems.join('; ')}` : `ok: SIGINT at "${trigger}", exit 130 after ${(stoppedMs / 1000).toFixed(1)} s, no process left` });
  if (problems.length) table.fail(stage, problems.join('; '));
}
