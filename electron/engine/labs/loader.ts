// Loads every lab folder, validates it, and reports each problem as file + path + reason.
// One broken lab never stops the others from loading.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { LabProblem, LabSummary, Lang } from '../../api.ts';
import { projectRoot } from '../root.ts';
import { CHECK_TYPES, type LabFile, labSchema } from './schema.ts';
import { commandImages, imageProblem } from './images.ts';
import { isLabVariable, variablesIn } from './vars.ts';

export const DEFAULT_LABS_DIR = join(projectRoot(), 'labs');

export interface ManifestDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface LoadedLab {
  id: string;
  dir: string;
  spec: LabFile;
  /** Markdown by language: intro (may be empty) and one text per step. */
  texts: Record<Lang, { intro: string; steps: string[] }>;
  /** Raw manifest text by path relative to the lab folder (templates: {{vars}} unresolved). */
  manifests: Map<string, string>;
}

export interface LoadResult {
  labs: LoadedLab[];
  problems: LabProblem[];
}

/** zod issue path → steps[2].checks[0].port */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function zodProblems(lab: string, file: string, error: z.ZodError): LabProblem[] {
  const problems: LabProblem[] = [];
  for (const issue of error.issues) {
    // A failed union reports one issue per branch; name the branch that got furthest.
    if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)) {
      const branches = issue.errors as { path: PropertyKey[]; message: string }[][];
      const best = [...branches].sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0];
      const first = best?.[0];
      if (first && first.path.length > 0) {
        problems.push({ lab, file, path: formatPath([...issue.path, ...first.path]), reason: first.message });
        continue;
      }
      const last = issue.path[issue.path.length - 1];
      const reason =
        last === 'type' && issue.path.includes('checks')
          ? `unknown check type; use one of ${CHECK_TYPES.join(', ')}`
          : 'does not match any known form (see docs/labs.md for the action and check types)';
      problems.push({ lab, file, path: formatPath(issue.path), reason });
      continue;
    }
    problems.push({ lab, file, path: formatPath(issue.path), reason: issue.message });
  }
  return problems;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function manifestPaths(spec: LabFile): { path: string; where: string }[] {
  const out: { path: string; where: string }[] = [];
  spec.steps.forEach((s, i) =>
    s.actions.forEach((a, j) => {
      if ('apply' in a) out.push({ path: a.apply, where: `steps[${i}].actions[${j}].apply` });
      if ('deleteManifest' in a) out.push({ path: a.deleteManifest, where: `steps[${i}].actions[${j}].deleteManifest` });
    }),
  );
  spec.cleanup.forEach((c, i) => {
    if ('deleteManifest' in c) out.push({ path: c.deleteManifest, where: `cleanup[${i}].deleteManifest` });
  });
  return out;
}

/** Problems inside one manifest: structure, images, variables. */
export function manifestProblems(lab: string, file: string, text: string): LabProblem[] {
  const problems: LabProblem[] = [];
  const p = (path: string, reason: string) => problems.push({ lab, file, path, reason });
  for (const v of variablesIn(text)) if (!isLabVariable(v)) p('(text)', `unknown variable {{${v}}}`);
  const lc = new LineCounter();
  const docs = parseAllDocuments(text.replace(/\{\{\s*(\w+)\s*\}\}/g, 'x$1x'), { lineCounter: lc });
  if (!Array.isArray(docs)) return [...problems, { lab, file, path: '(top level)', reason: 'not a YAML stream' }];
  docs.forEach((doc, i) => {
    const where = docs.length > 1 ? `document ${i + 1}` : '(top level)';
    const at = (path: string) => (docs.length > 1 ? `${where}.${path}` : path);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e?.pos ? lc.linePos(e.pos[0]) : undefined;
      p(pos ? `line ${pos.line}, column ${pos.col}` : where, `YAML error: ${e?.message.split('\n')[0] ?? 'invalid'}`);
      return;
    }
    const obj = doc.toJS() as ManifestDoc | null;
    if (obj === null) return;
    if (typeof obj !== 'object') return p(where, 'a manifest document must be a Kubernetes object');
    if (!obj.apiVersion) p(at('apiVersion'), 'missing apiVersion');
    if (!obj.kind) p(at('kind'), 'missing kind');
    if (!obj.metadata?.name) p(at('metadata.name'), 'missing metadata.name');
    for (const img of imagesOf(obj)) {
      const problem = imageProblem(img.image);
      if (problem) p(at(img.path), problem);
    }
  });
  return problems;
}

/** Every container image in a workload or pod, with its path. */
export function imagesOf(obj: ManifestDoc): { image: string; path: string }[] {
  const out: { image: string; path: string }[] = [];
  const spec = obj.spec as Record<string, unknown> | undefined;
  const podSpec = (obj.kind === 'Pod' ? spec : (spec?.template as { spec?: unknown } | undefined)?.spec ?? (spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template?.spec) as
    | Record<string, unknown>
    | undefined;
  const prefix = obj.kind === 'Pod' ? 'spec' : 'spec.template.spec';
  for (const key of ['initContainers', 'containers'] as const) {
    const list = podSpec?.[key];
    if (!Array.isArray(list)) continue;
    list.forEach((c: { image?: unknown }, i) => {
      if (typeof c.image === 'string') out.push({ image: c.image, path: `${prefix}.${key}[${i}].image` });
    });
  }
  return out;
}

function loadOne(labsDir: string, id: string, problems: LabProblem[]): LoadedLab | null {
  const dir = join(labsDir, id);
  const labFile = `${id}/lab.yaml`;
  const before = problems.length;
  const text = readText(join(dir, 'lab.yaml'));
  if (text === null) {
    problems.push({ lab: id, file: labFile, path: '(file)', reason: 'missing lab.yaml' });
    return null;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    // Only the first: one syntax slip makes the parser report a cascade of follow-on errors,
    // and the author needs the line where it started.
    const e = doc.errors[0] as (typeof doc.errors)[number];
    const pos = lc.linePos(e.pos[0]);
    problems.push({ lab: id, file: labFile, path: `line ${pos.line}, column ${pos.col}`, reason: `YAML error: ${e.message.split('\n')[0]}` });
    return null;
  }
  const parsed = labSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    problems.push(...zodProblems(id, labFile, parsed.error));
    return null;
  }
  const spec = parsed.data;
  if (spec.id !== id) problems.push({ lab: id, file: labFile, path: 'id', reason: `id "${spec.id}" must equal the folder name "${id}"` });

  const texts: LoadedLab['texts'] = { en: { intro: '', steps: [] }, zh: { intro: '', steps: [] } };
  const readMd = (rel: string, where: string): string => {
    const t = readText(join(dir, rel));
    if (t === null) {
      problems.push({ lab: id, file: labFile, path: where, reason: `file ${rel} does not exist` });
      return '';
    }
    if (t.trim() === '') problems.push({ lab: id, file: `${id}/${rel}`, path: '(file)', reason: 'the text is empty' });
    for (const v of variablesIn(t)) if (!isLabVariable(v)) problems.push({ lab: id, file: `${id}/${rel}`, path: '(text)', reason: `unknown variable {{${v}}}` });
    return t;
  };
  for (const lang of ['en', 'zh'] as const) {
    if (spec.intro) texts[lang].intro = readMd(spec.intro[lang], `intro.${lang}`);
    spec.steps.forEach((s, i) => texts[lang].steps.push(readMd(s.text[lang], `steps[${i}].text.${lang}`)));
  }
  // A Chinese file that is a copy of the English one is an untranslated step, not a translation.
  const untranslated = (en: string, zh: string, rel: string) => {
    if (en.trim() !== '' && en.trim() === zh.trim()) problems.push({ lab: id, file: `${id}/${rel}`, path: '(file)', reason: 'the Chinese text is a copy of the English one; translate it' });
  };
  if (spec.intro) untranslated(texts.en.intro, texts.zh.intro, spec.intro.zh);
  spec.steps.forEach((s, i) => untranslated(texts.en.steps[i] ?? '', texts.zh.steps[i] ?? '', s.text.zh));

  const manifests = new Map<string, string>();
  for (const m of manifestPaths(spec)) {
    if (manifests.has(m.path)) continue;
    const t = readText(join(dir, m.path));
    if (t === null) {
      problems.push({ lab: id, file: labFile, path: m.where, reason: `file ${m.path} does not exist` });
      continue;
    }
    manifests.set(m.path, t);
    problems.push(...manifestProblems(id, `${id}/${m.path}`, t));
  }
  spec.steps.forEach((s, i) =>
    s.actions.forEach((a, j) => {
      if (!('run' in a)) return;
      const where = `steps[${i}].actions[${j}].run`;
      for (const v of variablesIn(a.run)) if (!isLabVariable(v)) problems.push({ lab: id, file: labFile, path: where, reason: `unknown variable {{${v}}}` });
      // Images typed in commands (kubectl run --image …) follow the same rule as manifests.
      for (const image of commandImages(a.run.split(/\s+/))) {
        const problem = imageProblem(image);
        if (problem) problems.push({ lab: id, file: labFile, path: where, reason: problem });
      }
    }),
  );
  for (const v of spec.steps.flatMap((s) => s.requiresVar ?? [])) {
    if (!isLabVariable(v)) problems.push({ lab: id, file: labFile, path: 'requiresVar', reason: `unknown variable ${v}` });
  }
  if (problems.length > before) return null;
  return { id, dir, spec, texts, manifests };
}

export function loadLabs(labsDir: string = DEFAULT_LABS_DIR): LoadResult {
  const problems: LabProblem[] = [];
  if (!existsSync(labsDir) || !statSync(labsDir).isDirectory()) {
    return { labs: [], problems: [{ lab: '', file: labsDir, path: '(folder)', reason: 'the labs folder does not exist' }] };
  }
  const ids = readdirSync(labsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !d.name.startsWith('_'))
    .map((d) => d.name)
    .sort();
  const labs: LoadedLab[] = [];
  for (const id of ids) {
    const lab = loadOne(labsDir, id, problems);
    if (lab) labs.push(lab);
  }
  const known = new Set(ids);
  for (const lab of labs) {
    lab.spec.requires.forEach((r, i) => {
      if (!known.has(r)) problems.push({ lab: lab.id, file: `${lab.id}/lab.yaml`, path: `requires[${i}]`, reason: `no lab named "${r}"` });
    });
  }
  labs.sort((a, b) => a.spec.order - b.spec.order || a.id.localeCompare(b.id));
  return { labs, problems: problems.map((p) => ({ ...p, file: p.file.startsWith('/') ? relative(labsDir, p.file) || p.file : p.file })) };
}

export function summarize(lab: LoadedLab): LabSummary {
  return {
    id: lab.id,
    order: lab.spec.order,
    title: lab.spec.title,
    summary: lab.spec.summary,
    steps: lab.spec.steps.length,
    languages: (['en', 'zh'] as const).filter((l) => lab.texts[l].steps.every((t) => t.trim() !== '')),
    requires: lab.spec.requires,
  };
}
