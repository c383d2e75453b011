// `requires:` made real. A lab that builds on another (nodeport changes the Service the services
// lab made) runs only where that lab's work is present; otherwise the learner gets, at once, the
// lab to run and how, instead of a check failing minutes later at a layer that has nothing to do
// with it ("selector run=nginx-frontend matches no pod").
//
// A requirement is satisfied when the objects the required lab leaves behind exist on this
// cluster: what its `apply` actions create and no later action of it deletes. Not its recorded
// completion (RunState, per cluster uid): a record cannot see that those objects went away
// since, and they do — the nodeport lab's own cleanup deletes the services lab's Deployment and
// Service, and a learner may delete them by hand. The objects are also what a learner who typed
// the required lab's steps in the terminal has, with no record at all.
//
// An unmet requirement fails the run at once rather than running the required lab first. A
// learner who jumps ahead after a reset should see that lab's steps (they explain what this lab
// assumes) rather than objects appearing unseen; a required lab run silently inside this one
// could also fail for its own reasons and be reported as this lab's failure; and in the app
// each step is its own run, so "run services first" would otherwise happen on a click on, say,
// step 3 of nodeport. The message names the lab, the command and the place in the app.
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeClient } from '../kube/client.ts';
import type { LoadedLab } from './loader.ts';
import { namespaceFor, prepareObjects } from './manifest.ts';
import type { LabVars } from './vars.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const key = (r: ObjectRef) => `${r.apiVersion}|${r.kind}|${namespaceFor(r.kind, r.namespace) ?? ''}|${r.name}`;

export function refText(r: ObjectRef): string {
  const ns = namespaceFor(r.kind, r.namespace);
  return `${r.kind} ${ns ? `${ns}/` : ''}${r.name}`;
}

function manifestRefs(lab: LoadedLab, path: string, vars: LabVars): ObjectRef[] {
  try {
    return prepareObjects(lab.manifests.get(path) ?? '', vars, lab.id, path).map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    }));
  } catch {
    // A manifest that needs a value this cluster lacks is applied by a step that is skipped here.
    return [];
  }
}

/** Pure: the objects a lab's steps leave on the cluster, in the order they are created. */
export function leftBehind(lab: LoadedLab, vars: LabVars): ObjectRef[] {
  const left = new Map<string, ObjectRef>();
  for (const step of lab.spec.steps) {
    for (const a of step.actions) {
      if ('apply' in a) for (const r of manifestRefs(lab, a.apply, vars)) left.set(key(r), r);
      else if ('deleteManifest' in a) for (const r of manifestRefs(lab, a.deleteManifest, vars)) left.delete(key(r));
      else if ('delete' in a) left.delete(key(a.delete));
    }
  }
  return [...left.values()];
}

export interface UnmetRequirement {
  lab: LoadedLab;
  missing: ObjectRef[];
}

/** The labs `lab` requires whose objects are not (all) on the cluster, with what is missing. */
export async function unmetRequirements(lab: LoadedLab, labs: LoadedLab[], client: KubeClient, vars: LabVars): Promise<UnmetRequirement[]> {
  const unmet: UnmetRequirement[] = [];
  for (const id of lab.spec.requires) {
    const required = labs.find((l) => l.id === id);
    // A required lab that does not load is reported by `labs validate`; nothing to hold against.
    if (!required) continue;
    const missing: ObjectRef[] = [];
    for (const r of leftBehind(required, vars)) {
      const o = await client.get(r.apiVersion, r.kind, r.name, namespaceFor(r.kind, r.namespace));
      if (!o || o.metadata.deletionTimestamp) missing.push(r);
    }
    if (missing.length) unmet.push({ lab: required, missing });
  }
  return unmet;
}

/** Pure: the failure for unmet requirements, naming the labs to run first, the command and the place in the app. */
export function requirementError(lab: LoadedLab, unmet: UnmetRequirement[]): KindlabError {
  const say = (en: string, zh: string) => both({ en, zh });
  const ids = unmet.map((u) => u.lab.id);
  const named = unmet.map((u) => say(`${u.lab.id} ("${both(u.lab.spec.title)}")`, `${u.lab.id}（“${both(u.lab.spec.title)}”）`));
  const missing = unmet.flatMap((u) => u.missing.map(refText));
  const commands = [...ids, lab.id].map((id) => `kindlab lab run ${id}`).join(' && ');
  const titles = unmet.map((u) => say(`"${both(u.lab.spec.title)}"`, `“${both(u.lab.spec.title)}”`));
  return new KindlabError({
    code: 'bad-input',
    message: say(
      `lab ${lab.id} builds on ${ids.length === 1 ? 'lab' : 'labs'} ${named.join(' and ')}, and this cluster does not have what ${ids.length === 1 ? 'that lab leaves' : 'they leave'} behind: ${missing.join(', ')}`,
      `实验 ${lab.id} 建立在实验 ${named.join('和')}的基础上，而当前集群上没有该实验留下的对象：${missing.join('、')}`,
    ),
    hint: say(
      `Run ${ids.join(', then ')} first: \`${commands}\`. In the app: open ${titles.join(' and ')} in the lab list and run its steps, then come back to this lab.`,
      `请先运行 ${ids.join('，再运行 ')}：\`${commands}\`。在应用中：在实验列表里打开${titles.join('和')}，依次运行其步骤，然后回到本实验。`,
    ),
    diagnostics: missing.map((m) => say(`missing: ${m}`, `缺少：${m}`)),
  });
}
