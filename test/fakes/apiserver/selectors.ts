// labelSelector and fieldSelector query strings, parsed the way the API server reads them.
import { type Requirement, SelectorError, matchesRequirements, parseSelector } from '../../../electron/engine/kube/labels.ts';
import { ApiError, type KObj, getPath } from './util.ts';

export type LabelQuery = Requirement[];

/** Label selectors parse and match as in the engine (one implementation); errors become the server's 400. */
function parseLabelSelector(text: string | null | undefined): LabelQuery {
  try {
    return parseSelector(text);
  } catch (err) {
    if (err instanceof SelectorError) throw new ApiError(400, 'BadRequest', err.message);
    throw err;
  }
}

function matchesLabels(q: LabelQuery, labels: Record<string, string> | undefined): boolean {
  return matchesRequirements(labels, q);
}

export type FieldQuery = { path: string; value: string; negate: boolean }[];

function parseFieldSelector(text: string | null | undefined): FieldQuery {
  if (!text) return [];
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const m = /^([\w.\-/]+)\s*(!=|==|=)\s*(.*)$/.exec(p);
      if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${text}'; can't understand '${p}'`);
      return { path: m[1] ?? '', value: m[3] ?? '', negate: m[2] === '!=' };
    });
}

function matchesFields(q: FieldQuery, obj: KObj): boolean {
  return q.every(({ path, value, negate }) => {
    const raw = getPath(obj, path);
    const actual = raw === undefined || raw === null ? '' : String(raw);
    return negate ? actual !== value : actual === value;
  });
}

export interface Selection {
  labels: LabelQuery;
  fields: FieldQuery;
}

export function selectionFrom(params: URLSearchParams): Selection {
  return { labels: parseLabelSelector(params.get('labelSelector')), fields: parseFieldSelector(params.get('fieldSelector')) };
}

export function selects(sel: Selection, obj: KObj): boolean {
  return matchesLabels(sel.labels, obj.metadata.labels) && matchesFields(sel.fields, obj);
}
