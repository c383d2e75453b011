// labelSelector and fieldSelector query strings, parsed the way the API server reads them.
import { ApiError, type KObj, getPath } from './util.ts';

type Req =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelQuery = Req[];

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

export function parseLabelSelector(text: string | null | undefined): LabelQuery {
  if (!text) return [];
  const reqs: Req[] = [];
  for (const part of splitTop(text)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      reqs.push({ op: m[2] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values });
    } else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part))) {
      reqs.push({ op: 'neq', key: m[1] ?? '', value: m[2] ?? '' });
    } else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part))) {
      reqs.push({ op: 'eq', key: m[1] ?? '', value: m[2] ?? '' });
    } else if ((m = /^!\s*([^\s!=]+)$/.exec(part))) {
      reqs.push({ op: 'notexists', key: m[1] ?? '' });
    } else if ((m = /^([^\s!=(),]+)$/.exec(part))) {
      reqs.push({ op: 'exists', key: m[1] ?? '' });
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: found '${part}', expected: identifier`);
    }
  }
  return reqs;
}

export function matchesLabels(q: LabelQuery, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return q.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

export type FieldQuery = { path: string; value: string; negate: boolean }[];

export function parseFieldSelector(text: string | null | undefined): FieldQuery {
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

export function matchesFields(q: FieldQuery, obj: KObj): boolean {
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
