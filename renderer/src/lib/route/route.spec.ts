import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from './route.ts';

describe('routes', () => {
  it('round-trips every screen', () => {
    for (const hash of ['#/setup', '#/cluster', '#/labs', '#/labs/services', '#/labs/services/3']) expect(formatRoute(parseRoute(hash))).toBe(hash);
  });
  it('falls back to setup and to the intro on nonsense', () => {
    expect(parseRoute('')).toEqual({ screen: 'setup' });
    expect(parseRoute('#/labs/dns/x')).toEqual({ screen: 'lab', labId: 'dns', step: 0 });
  });
});
