import { describe, expect, it } from 'vitest';
import { diagnoseNipio } from './nipio.ts';

describe('why a nip.io name does not resolve', () => {
  it('tells no DNS at all from a resolver that drops private answers and from a blocklist', () => {
    expect(diagnoseNipio('failed', { publicNipio: false, neutral: false })).toBe('no-dns');
    expect(diagnoseNipio('failed', { publicNipio: true, neutral: true })).toBe('rebinding');
    expect(diagnoseNipio('failed', { publicNipio: false, neutral: true })).toBe('blocked');
  });

  it('needs no control lookup when the name resolves, rightly or to a block page', () => {
    expect(diagnoseNipio('expected', { publicNipio: false, neutral: false })).toBe('ok');
    expect(diagnoseNipio('other-address', { publicNipio: false, neutral: false })).toBe('rewritten');
  });
});
