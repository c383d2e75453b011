// Every lab, step by step, for real: the engine's own runner applies each manifest with strict
// field validation, runs each kubectl command of the lab's actions (and checks its output), and
// runs every check that goes through the Kubernetes API. Then every kubectl command the step's
// text shows runs too, and its output is held against the text's "What you should see"
// (text-check.ts). Checks and commands that need packets to flow or pods to really run are
// listed as skipped, each with its reason.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult, StepRunResult } from '../../electron/api.ts';
import { textIn } from '../../electron/shared/text.ts';
import { loadLabs } from '../../electron/engine/labs/loader.ts';
import { cleanupLab } from '../../electron/engine/labs/cleanup.ts';
import { createProbeRunner } from '../../electron/engine/labs/probes.ts';
import { runStep } from '../../electron/engine/labs/runner.ts';
import { MemoryRunState } from '../../electron/engine/labs/state.ts';
import { sayer } from '../../electron/engine/labs/say.ts';
import type { LabVars } from '../../electron/engine/labs/vars.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import { client, installAddonApis, kubeconfig, labVars, tools } from './world.ts';
import { type TextCheck, checkStepText } from './text-check.ts';

// KINDLAB_LABS_DIR runs this tier on another labs folder (e.g. a deliberately broken copy).
const { labs, problems } = loadLabs(process.env.KINDLAB_LABS_DIR || undefined);
const results: { lab: string; step: StepRunResult }[] = [];
const texts: { where: string; text: TextCheck }[] = [];
const state = new MemoryRunState();
let vars: LabVars;

function line(r: { lab: string; step: StepRunResult }, c: CheckResult): string {
  return `${r.lab} #${r.step.index + 1} ${r.step.id} / ${c.id}: ${c.observed}`;
}

beforeAll(async () => {
  await installAddonApis();
  vars = await labVars();
});

afterAll(() => {
  const checks = results.flatMap((r) => r.step.checks.map((c) => ({ r, c })));
  const ran = checks.filter((x) => x.c.status !== 'skipped');
  const skipped = checks.filter((x) => x.c.status === 'skipped');
  const actions = results.flatMap((r) => r.step.actions);
  console.log(`\ncontrol-plane tier: ${ran.length} checks run (${ran.filter((x) => x.c.status === 'pass').length} passed), ${skipped.length} skipped; ${actions.filter((a) => a.status === 'done').length} actions done, ${actions.filter((a) => a.status === 'skipped').length} skipped`);
  console.log('skipped checks and why:');
  for (const x of skipped) console.log(`  - ${line(x.r, x.c)}`);
  const skippedActions = results.flatMap((r) => r.step.actions.filter((a) => a.status === 'skipped').map((a) => `${r.lab} #${r.step.index + 1}: ${textIn(a.description, 'en')} — ${textIn(a.output, 'en')}`));
  console.log('skipped actions and why:');
  for (const s of skippedActions) console.log(`  - ${s}`);
  const ranText = texts.flatMap((t) => t.text.ran);
  const skippedText = texts.flatMap((t) => t.text.skipped.map((s) => `${t.where}: ${s.line} — ${s.why}`));
  const unchecked = texts.flatMap((t) => t.text.unchecked.map((u) => `${u.what} — ${u.why}`));
  console.log(`text commands: ${ranText.length} run (${ranText.filter((r) => !r.note).length} succeeded, ${ranText.filter((r) => r.note).length} as the text explains), ${skippedText.length} skipped; "What you should see": ${texts.reduce((n, t) => n + t.text.compared, 0)} samples and claims compared, ${unchecked.length} not checkable here`);
  console.log('text commands run with a note:');
  for (const t of texts) for (const r of t.text.ran.filter((x) => x.note)) console.log(`  - ${t.where}: ${r.line} — ${r.note ?? ''}`);
  console.log('skipped text commands and why:');
  for (const s of skippedText) console.log(`  - ${s}`);
  console.log('"What you should see" not checked and why:');
  for (const u of unchecked) console.log(`  - ${u}`);
});

it('every lab loads without problems', () => {
  expect(problems).toEqual([]);
  expect(labs.length).toBeGreaterThanOrEqual(7);
});

for (const lab of labs) {
  describe(`lab ${lab.id}`, () => {
    lab.spec.steps.forEach((step, index) => {
      it(`step ${index + 1} ${step.id}`, async () => {
        const c = client();
        const t = tools();
        const signal = new AbortController().signal;
        const log: string[] = [];
        const r = await runStep(lab, index, {
          client: c,
          tools: t,
          kubeconfig: kubeconfig(),
          vars,
          lang: 'en',
          signal,
          dataPlane: false,
          probes: createProbeRunner({ client: c, tools: t, images: DEFAULT_PINS.images, timeoutScale: 1, signal }),
          state,
          log: (l) => log.push(l),
          progress: () => undefined,
          timeoutScale: 1,
        });
        results.push({ lab: lab.id, step: r });
        // The commands the text shows, after the actions, as the learner would type them.
        const text = await checkStepText(lab, index, { kubectl: join(inject('cpBin'), 'kubectl'), kubeconfig: kubeconfig(), vars });
        texts.push({ where: `${lab.id} #${index + 1}`, text });
        const failedActions = r.actions.filter((a) => a.status === 'failed').map((a) => `${textIn(a.description, 'en')}\n${textIn(a.output, 'en')}`);
        const failedChecks = r.checks.filter((x) => x.status === 'fail').map((x) => `${x.id}: expected ${x.expected}; observed ${x.observed}${x.hint ? ` (${x.layer}: ${x.hint})` : ''}`);
        if (failedActions.length || failedChecks.length) console.log(log.join('\n'));
        expect(failedActions).toEqual([]);
        expect(failedChecks).toEqual([]);
        expect(text.failures).toEqual([]);
      });
    });

    it('cleans up after itself', async () => {
      const c = client();
      await cleanupLab(lab, { client: c, vars, say: sayer('en'), log: () => undefined, signal: new AbortController().signal, timeoutScale: 1 });
      // Nothing labelled for this lab is left, and its namespaces are gone.
      for (const kind of ['Deployment', 'Service', 'Pod']) {
        const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
        const left = await c.list(apiVersion, kind, { labelSelector: `kindlab.io/lab=${lab.id}` });
        expect(left.items.filter((o) => !o.metadata.deletionTimestamp).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
      }
      const namespaces = lab.spec.cleanup.flatMap((e) => ('deleteNamespace' in e ? [e.deleteNamespace] : []));
      for (const ns of namespaces) expect(await c.get('v1', 'Namespace', ns)).toBeNull();
    });
  });
}
