import { describe, expect, it } from 'vitest';
import type { LabRunResult } from '../api/contract.ts';
import { labDone, parseProgress, passedSteps, recordRun } from './progress.ts';

const run = (steps: [number, 'pass' | 'fail' | 'skipped'][], dryRun = false): LabRunResult => ({
  lab: 'services',
  dryRun,
  ok: steps.every(([, s]) => s !== 'fail'),
  steps: steps.map(([index, status]) => ({ index, id: `s${index}`, status, actions: [], checks: [] })),
});

describe('lab progress', () => {
  it('keeps the last verdict per step and counts passes', () => {
    let p = recordRun({}, run([[1, 'pass']]));
    p = recordRun(p, run([[2, 'fail']]));
    p = recordRun(p, run([[2, 'pass']]));
    expect(passedSteps(p, 'services')).toBe(2);
    expect(labDone(p, 'services', 2)).toBe(true);
    expect(labDone(p, 'services', 3)).toBe(false);
  });

  it('ignores dry runs and skipped steps, and survives bad storage', () => {
    expect(recordRun({}, run([[1, 'pass']], true))).toEqual({});
    expect(recordRun({}, run([[1, 'skipped']]))).toEqual({ services: {} });
    expect(parseProgress('{oops')).toEqual({});
    expect(parseProgress('[1]')).toEqual({});
  });
});
