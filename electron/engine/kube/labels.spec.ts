import { describe, expect, it } from 'vitest';
import { matchesLabelSelector, matchesSelectorString, parseSelector, selectorFromLabels } from './labels.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'app.kubernetes.io/name': 'postgresql' };

  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['tier in (front,back)', true],
    ['tier notin (front)', false],
    ['app.kubernetes.io/name', true],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier in (x, front),!gone', true],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(matchesSelectorString(labels, sel)).toBe(want);
  });

  it('parses the query form into requirements', () => {
    expect(parseSelector('a=b,c in (d,e)')).toEqual([
      { op: 'eq', key: 'a', value: 'b' },
      { op: 'in', key: 'c', values: ['d', 'e'] },
    ]);
  });

  it('treats an empty LabelSelector as "everything" and honours expressions', () => {
    expect(matchesLabelSelector(labels, {})).toBe(true);
    expect(matchesLabelSelector(labels, { matchLabels: { app: 'frontend' } })).toBe(false);
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] })).toBe(true);
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] })).toBe(false);
    expect(selectorFromLabels({ app: 'a', b: 'c' })).toBe('app=a,b=c');
  });
});

describe('parseSelector errors', () => {
  it('refuses what the API server refuses, in its words', () => {
    expect(() => parseSelector('app=web,(x')).toThrow("unable to parse requirement: found '(x', expected: identifier");
  });
});
