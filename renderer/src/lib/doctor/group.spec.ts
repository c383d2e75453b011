import { describe, expect, it } from 'vitest';
import type { DoctorFinding } from '../api/contract.ts';
import { countByStatus, groupFindings } from './group.ts';

const f = (id: string, category: DoctorFinding['category'], status: DoctorFinding['status']): DoctorFinding => ({ id, category, status, title: id, finding: id });

describe('groupFindings', () => {
  it('orders categories and puts failures first', () => {
    const groups = groupFindings([f('mem', 'host', 'ok'), f('kind', 'tools', 'ok'), f('kubectl', 'tools', 'fail'), f('disk', 'host', 'warn')]);
    expect(groups.map((g) => g.category)).toEqual(['tools', 'host']);
    expect(groups[0]?.findings.map((x) => x.id)).toEqual(['kubectl', 'kind']);
    expect(groups[1]?.findings.map((x) => x.id)).toEqual(['disk', 'mem']);
  });
  it('counts statuses', () => {
    expect(countByStatus([f('a', 'tools', 'ok'), f('b', 'tools', 'fail'), f('c', 'host', 'fail')])).toEqual({ ok: 1, warn: 0, fail: 2, skip: 0 });
  });
});
