import { describe, expect, it } from 'vitest';
import { inAddressRange, isBuggyIPv4 } from './ip-range.ts';

describe('address ranges', () => {
  it.each([
    ['172.18.200.100', '172.18.200.100-172.18.200.125', true],
    ['172.18.200.125', '172.18.200.100-172.18.200.125', true],
    ['172.18.200.126', '172.18.200.100-172.18.200.125', false],
    ['172.18.203.255', '172.18.203.254-172.18.204.1', true],
    ['172.18.204.0', '172.18.203.254-172.18.204.1', true],
    ['172.18.201.7', '172.18.201.0/24', true],
    ['172.18.202.7', '172.18.201.0/24', false],
    ['172.18.200.110', '172.18.200.110', true],
    ['fc00::5', 'fc00::/64', true],
    ['172.18.200.110', 'fc00::/64', false],
    ['not-an-ip', '172.18.0.0/16', false],
  ])('%s in %s → %s', (ip, range, want) => {
    expect(inAddressRange(ip, range)).toBe(want);
  });

  it('flags .0 and .255 as buggy', () => {
    expect(isBuggyIPv4('172.18.204.0')).toBe(true);
    expect(isBuggyIPv4('172.18.203.255')).toBe(true);
    expect(isBuggyIPv4('172.18.203.254')).toBe(false);
  });
});
