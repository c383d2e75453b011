// The book tests its NetworkPolicies with telnet from netshoot, and learners type what the book
// shows: every probe step of the netpol lab offers that telnet, bounded by `timeout` so that a
// dropped packet ends in seconds, from the same namespace and labels as the step's nc probe, in
// a form that needs no placeholder. "Run step" (and so tier 5, which runs every lab step on a
// real cluster) runs each of these lines as an action and holds its output to an expectation.
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../electron/engine/labs/argv.ts';
import { DEFAULT_LABS_DIR, loadLabs } from '../../electron/engine/labs/loader.ts';
import { prepareObjects } from '../../electron/engine/labs/manifest.ts';
import type { LabAction } from '../../electron/engine/labs/schema.ts';
import { EXAMPLE_VARS } from '../../electron/engine/labs/vars.ts';
import { textCommands } from '../controlplane/text-commands.ts';

const { labs } = loadLabs(DEFAULT_LABS_DIR);
const lab = labs.find((l) => l.id === 'netpol');
if (!lab) throw new Error('the netpol lab did not load');
const objects = [...lab.manifests.entries()].flatMap(([path, text]) => prepareObjects(text, EXAMPLE_VARS, lab.id, path));

interface Probe {
  namespace: string;
  labels: string;
  /** The pod's own shell script (`sh -c '…'`). */
  script: string;
}

/** namespace, labels and script of a `kubectl run … --image nicolaka/netshoot:… -- sh -c '…'` line. */
function probe(line: string): Probe | null {
  // The nc lines name the pod by <pod-ip>, which the learner fills in.
  const { args } = splitCommand(line.replace(/<[a-z][\w-]*>/g, 'x'));
  const flag = (name: string) => args[args.indexOf(name) + 1] ?? '';
  const dd = args.indexOf('--');
  if (args[0] !== 'run' || !flag('--image').startsWith('nicolaka/netshoot:') || dd < 0) return null;
  const inner = args.slice(dd + 1);
  const script = inner[0] === 'sh' && inner[1] === '-c' ? (inner[2] ?? '') : inner.join(' ');
  return { namespace: flag('-n'), labels: flag('--labels'), script };
}

/** The host a telnet connects to must exist in the lab: a Service, or a StatefulSet pod through its headless Service. */
function labDefines(host: string, namespace: string): boolean {
  const inNs = objects.filter((o) => (o.metadata.namespace ?? 'default') === namespace);
  const services = inNs.filter((o) => o.kind === 'Service');
  if (services.some((s) => s.metadata.name === host)) return true;
  const m = /^(.+)-(\d+)\.([^.]+)$/.exec(host);
  if (!m) return false;
  const [, sts, , svc] = m;
  const headless = services.find((s) => s.metadata.name === svc && (s.spec as { clusterIP?: string } | undefined)?.clusterIP === 'None');
  const set = inNs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === sts);
  return !!headless && (set?.spec as { serviceName?: string } | undefined)?.serviceName === svc;
}

const probeSteps = lab.spec.steps.map((step, i) => ({ step, i })).filter(({ step }) => step.checks.some((c) => c.type === 'tcp'));

describe('netpol: the book’s telnet beside every nc probe', () => {
  it('has probe steps', () => {
    expect(probeSteps.length).toBeGreaterThanOrEqual(6);
  });

  describe.each(probeSteps.map(({ step, i }) => [step.id, step, i] as const))('step %s', (_id, step, i) => {
    for (const lang of ['en', 'zh'] as const) {
      const md = lab.texts[lang].steps[i] ?? '';
      const lines = textCommands(md).filter((c) => c.typed).map((c) => c.line);
      const telnets = lines.filter((l) => /\btelnet\b/.test(l));
      const ncs = lines.map(probe).filter((p): p is Probe => !!p && /\bnc -zv\b/.test(p.script));

      it(`${lang}: shows a telnet bounded by timeout, from the clients of its nc probes, with no placeholder`, () => {
        expect(telnets.length, 'telnet lines').toBeGreaterThan(0);
        for (const line of telnets) {
          expect(line, 'a value the learner would have to fill in').not.toMatch(/<[a-z][\w-]*>/);
          const p = probe(line);
          expect(p, line).not.toBeNull();
          if (!p) continue;
          const m = /\btimeout (\d+) telnet (\S+) (\d+)\b/.exec(p.script);
          expect(m, `${line}: telnet must run under timeout`).not.toBeNull();
          expect(Number(m?.[1]), 'seconds a dropped packet may hold the learner').toBeLessThanOrEqual(10);
          expect(labDefines(m?.[2] ?? '', p.namespace), `${m?.[2]} is a name the lab defines in ${p.namespace}`).toBe(true);
          expect(ncs.some((n) => n.namespace === p.namespace && n.labels === p.labels), `${line}: no nc probe of this step runs from ${p.namespace} with ${p.labels}`).toBe(true);
        }
      });

      it(`${lang}: says how to read what telnet prints`, () => {
        const text = md + (lab.texts[lang].steps[1] ?? '');
        for (const s of ['Connected to', 'Connection refused', 'exit code 143']) expect(text).toContain(s);
      });
    }

    it('runs every telnet line it shows, as an action with an expectation (what "Run step" and tier 5 execute)', () => {
      const shown = textCommands(lab.texts.en.steps[i] ?? '').filter((c) => c.typed && /\btelnet\b/.test(c.line)).map((c) => c.line.replace(' --tty', ''));
      const runs = step.actions.filter((a): a is Extract<LabAction, { run: string }> => 'run' in a && /\btelnet\b/.test(a.run));
      expect(runs.map((a) => a.run)).toEqual(shown);
      for (const a of runs) {
        expect(a.needs, a.run).toBe('dataplane');
        expect((a.expect?.contains?.length ?? 0) + (a.expect?.matches?.length ?? 0), `${a.run}: what must it print?`).toBeGreaterThan(0);
      }
    });
  });
});
