// Label selectors in both of their forms: the query string kubectl and the API take
// ("app=web,tier!=db,env in (a,b)") and the structured LabelSelector of NetworkPolicies and
// Deployments. Pure.

export type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

/** Splits on commas outside parentheses: "a in (x,y),b" → ["a in (x,y)", "b"]. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export class SelectorError extends Error {}

/** Parses a label selector string (a=b, a!=b, a in (x,y), a notin (x), a, !a); throws SelectorError. */
export function parseSelector(text: string | null | undefined): Requirement[] {
  if (!text) return [];
  return splitTop(text).map((part): Requirement => {
    let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim()).filter(Boolean);
      return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values };
    }
    m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part);
    if (m) return { op: 'neq', key: m[1] ?? '', value: m[2] ?? '' };
    m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part);
    if (m) return { op: 'eq', key: m[1] ?? '', value: m[2] ?? '' };
    m = /^!\s*([^\s!=]+)$/.exec(part);
    if (m) return { op: 'notexists', key: m[1] ?? '' };
    if (/^[^\s!=(),]+$/.test(part)) return { op: 'exists', key: part };
    // The API server's own wording for the same mistake.
    throw new SelectorError(`unable to parse requirement: found '${part}', expected: identifier`);
  });
}

export function matchesRequirements(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
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
    return false;
  });
}

export function matchesSelectorString(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  return matchesRequirements(labels, parseSelector(selector));
}

/** A structured LabelSelector; an empty selector ({}) selects everything, as in a NetworkPolicy. */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ op: 'eq' as const, key, value }));
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ op: 'exists', key: e.key });
    else if (e.operator === 'DoesNotExist') reqs.push({ op: 'notexists', key: e.key });
    else return false;
  }
  return matchesRequirements(labels, reqs);
}

/** {app: web, tier: db} → "app=web,tier=db" */
export function selectorFromLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
