// Builds what runner and checkers need around an in-memory API, for the lab tests.
import type { Lang } from '../../../../electron/api.ts';
import { inLang } from '../../../../electron/engine/i18n/text.ts';
import type { CheckContext } from '../../../../electron/engine/labs/checks/types.ts';
import type { LoadedLab } from '../../../../electron/engine/labs/loader.ts';
import { type Lookup, type ProbeRunner, createProbeRunner } from '../../../../electron/engine/labs/probes.ts';
import type { RunnerDeps } from '../../../../electron/engine/labs/runner.ts';
import { sayer } from '../../../../electron/engine/labs/say.ts';
import { labSchema } from '../../../../electron/engine/labs/schema.ts';
import { MemoryRunState, type RunState } from '../../../../electron/engine/labs/state.ts';
import { EXAMPLE_VARS, type LabVars } from '../../../../electron/engine/labs/vars.ts';
import type { FakeKubeClient } from './fake-kube.ts';
import { FakeTools } from './fake-tools.ts';

export const TEST_IMAGES = { probe: 'curlimages/curl:8.22.0', netshoot: 'nicolaka/netshoot:v0.15' };

export interface HarnessOptions {
  tools?: FakeTools;
  /** The checkers' words in one language (readable assertions); runs speak both, see runner.ts. */
  lang?: Lang;
  lookup?: Lookup;
  vars?: LabVars;
  state?: RunState;
  signal?: AbortSignal;
  labId?: string;
  probes?: ProbeRunner;
}

export function probesFor(client: FakeKubeClient, o: HarnessOptions = {}): ProbeRunner {
  return (
    o.probes ??
    createProbeRunner({
      client,
      tools: o.tools ?? new FakeTools(),
      images: TEST_IMAGES,
      say: sayer(o.lang ?? 'en'),
      timeoutScale: 0.01,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.lookup ? { lookup: o.lookup } : {}),
      podLabels: { 'kindlab.io/lab': o.labId ?? 'test' },
    })
  );
}

export function checkContext(client: FakeKubeClient, o: HarnessOptions = {}): CheckContext & { lines: string[] } {
  const lines: string[] = [];
  const lang = o.lang ?? 'en';
  return {
    client,
    probes: probesFor(client, o),
    vars: o.vars ?? EXAMPLE_VARS,
    say: sayer(lang),
    state: o.state ?? new MemoryRunState(),
    labId: o.labId ?? 'test',
    signal: o.signal ?? new AbortController().signal,
    timeoutScale: 0.01,
    log: (l) => lines.push(l),
    lines,
  };
}

export function runnerDeps(client: FakeKubeClient, o: HarnessOptions & { dataPlane?: boolean } = {}): RunnerDeps & { lines: string[]; tools: FakeTools } {
  const lines: string[] = [];
  const tools = o.tools ?? new FakeTools();
  return {
    client,
    tools,
    kubeconfig: '/data/clusters/cluster01/kubeconfig',
    vars: o.vars ?? EXAMPLE_VARS,
    lang: o.lang ?? 'en',
    signal: o.signal ?? new AbortController().signal,
    dataPlane: o.dataPlane ?? true,
    probes: probesFor(client, { ...o, tools }),
    state: o.state ?? new MemoryRunState(),
    // A run speaks both languages; the tests read its lines in the one they name.
    log: (l) => lines.push(inLang(l, o.lang ?? 'en')),
    progress: () => undefined,
    timeoutScale: 0.01,
    lines,
  };
}

/** A LoadedLab from a lab.yaml-shaped object (defaults applied by the schema) and manifest texts. */
export function labFrom(spec: unknown, manifests: Record<string, string> = {}, dir = '/labs/test'): LoadedLab {
  const parsed = labSchema.parse(spec);
  const steps = parsed.steps.map((s) => `# ${s.title.en}\n\nSee {{workerNode}}.`);
  return {
    id: parsed.id,
    dir,
    spec: parsed,
    texts: { en: { intro: 'intro', steps }, zh: { intro: '简介', steps } },
    manifests: new Map(Object.entries(manifests)),
  };
}

/** The smallest valid step around given actions and checks. */
export function step(id: string, body: { actions?: unknown[]; checks?: unknown[]; requiresVar?: string[]; bookNote?: { en: string; zh: string } }): unknown {
  return {
    id,
    title: { en: `Step ${id}`, zh: `步骤 ${id}` },
    text: { en: `steps/${id}.en.md`, zh: `steps/${id}.zh.md` },
    actions: body.actions ?? [],
    checks: body.checks ?? [],
    ...(body.checks?.length ? {} : { noCheckReason: { en: 'none', zh: '无' } }),
    ...(body.requiresVar ? { requiresVar: body.requiresVar } : {}),
    ...(body.bookNote ? { bookNote: body.bookNote } : {}),
  };
}

export function lab(id: string, steps: unknown[], manifests: Record<string, string> = {}): LoadedLab {
  return labFrom({ id, order: 1, title: { en: id, zh: id }, summary: { en: id, zh: id }, steps, cleanup: [{ deleteNamespace: 'sales' }] }, manifests);
}
