// Tier 2: every CLI command in 中文 (--lang zh), on a machine without a cluster, with one, and on
// broken machines, answers in Chinese: no sentence in Latin letters is left that is not a
// command, a name or a value (test/support/latin-leftovers.ts decides). Help texts (--help) are
// commander's and stay English; `config kind` prints YAML, a value through and through.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeWorld, runCli } from '../fakes/harness.ts';
import { type LeftoverOptions, latinLeftovers } from '../support/latin-leftovers.ts';
import { world } from './world.ts';

/**
 * What is not the CLI's to translate: the tools' own words (kind's progress, the scheduler's
 * reasons, Docker's errors, the lab schema's problems), and the phases' ids, which label their lines beside their titles
 * as they do in --json.
 */
const VALUES: LeftoverOptions = {
  values: [
    /Cannot connect to the Docker daemon at \S+ Is the docker daemon running\?/,
    /Error response from daemon: .*/,
    /Command Output:/,
    /^\|\s+[✓•✗]?\s*(?:Ensuring node image|Preparing nodes|Writing configuration|Starting control-plane|Installing CNI|Installing StorageClass|Joining worker nodes)\b.*/,
    /\bUnschedulable — .*/,
    // a lab file's problems are for the lab's author, in the YAML parser's and the schema's words
    /^[\w-]+\/lab\.yaml: .*/,
    /^\|\s+(?:Creating cluster|Deleting cluster|Deleted nodes|Set kubectl context|You can now use your cluster|Have a question|Not sure what to do next|Thanks for using kind|kubectl cluster-info)\b.*/,
    /^(?:[▸✗✓↷■·]\s+)?[a-z][a-z0-9-]*(?=：|\s\d+%)/m,
    /^\[[a-z][a-z0-9-]*\]$/m,
  ],
};

/** The indented tail of a tool's stderr under 错误输出：, as the tool printed it. */
function withoutToolOutput(text: string): string {
  return text.replace(/^(\s*)错误输出：\n(?:\1\s+.*(?:\n|$))*/gm, '');
}

interface Said {
  cmd: string;
  code: number | null;
  leftovers: string[];
}

async function say(w: FakeWorld, args: string[], timeoutMs = 120_000): Promise<Said> {
  const r = await runCli(['--lang', 'zh', ...args], w, { timeoutMs });
  return { cmd: `kindlab --lang zh ${args.join(' ')}`, code: r.code, leftovers: latinLeftovers(withoutToolOutput(`${r.stdout}\n${r.stderr}`), VALUES) };
}

function report(said: Said[]): string {
  return said
    .filter((s) => s.leftovers.length > 0)
    .map((s) => `${s.cmd} (exit ${s.code}):\n${s.leftovers.map((l) => `    ${l}`).join('\n')}`)
    .join('\n');
}

describe('every CLI command answers in Chinese with --lang zh', () => {
  it('before a cluster, while building it, with it, and after it is gone', async () => {
    const w = await world();
    const said: Said[] = [];
    const inspect = join('test', 'fixtures', 'docker', 'network-kind.json');
    for (const args of [
      ['doctor'],
      ['status'],
      ['down'],
      ['pools'],
      ['pools', '--inspect', inspect],
      ['pools', '--inspect', join(w.root, 'missing.json')],
      ['up', '--dry-run'],
      ['manifests', 'list'],
      ['labs', 'list'],
      ['labs', 'validate'],
      ['lab', 'run', 'services', '--dry-run'],
      ['lab', 'run', 'services', '--step', '1'],
      ['reset', '--fast'],
      // bad input
      ['up', '--bogus'],
      ['lab', 'run'],
      ['lab', 'run', 'services', '--step', 'x'],
      ['lab', 'run', 'no-such-lab', '--dry-run'],
      ['pools', '--inspect'],
      ['frobnicate'],
      ['reset'],
    ]) {
      said.push(await say(w, args));
    }
    const up = await say(w, ['up']);
    expect(up.code).toBe(0);
    said.push(up);
    for (const args of [['up'], ['status'], ['pools'], ['doctor'], ['lab', 'run', 'services', '--step', '1'], ['reset', '--fast'], ['down']]) {
      said.push(await say(w, args));
    }
    expect(report(said)).toBe('');
  });

  it('on broken machines: no kind and cgroup v1, a stopped Docker daemon', async () => {
    const said: Said[] = [];
    const noKind = await world({ state: { cgroupVersion: '1' } });
    noKind.removeTool('kind');
    for (const args of [['doctor'], ['up'], ['status'], ['down']]) said.push(await say(noKind, args));
    const down = await world({ state: { daemon: 'down' } });
    for (const args of [['doctor'], ['up'], ['status'], ['pools'], ['lab', 'run', 'services']]) said.push(await say(down, args));
    expect(report(said)).toBe('');
  });
});
