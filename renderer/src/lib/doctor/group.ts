// Doctor findings arranged for the screen: by category in a fixed order (tools first, the
// cluster last), worst status first inside a category. Pure.
import type { DoctorCategory, DoctorFinding } from '../api/contract.ts';

const CATEGORY_ORDER: readonly DoctorCategory[] = ['tools', 'engine', 'host', 'network', 'cluster'];
const SEVERITY = { fail: 0, warn: 1, ok: 2, skip: 3 } as const;

export function groupFindings(findings: readonly DoctorFinding[]): { category: DoctorCategory; findings: DoctorFinding[] }[] {
  const known = new Set<string>(CATEGORY_ORDER);
  const order = [...CATEGORY_ORDER, ...new Set(findings.map((f) => f.category).filter((c) => !known.has(c)))];
  return order
    .map((category) => ({ category, findings: findings.filter((f) => f.category === category).sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status]) }))
    .filter((g) => g.findings.length > 0);
}

export function countByStatus(findings: readonly DoctorFinding[]): Record<DoctorFinding['status'], number> {
  const counts = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const f of findings) counts[f.status] += 1;
  return counts;
}
