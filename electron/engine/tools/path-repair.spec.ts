import { describe, expect, it } from 'vitest';
import { parseLoginShellOutput, repairPath } from './path-repair.ts';

describe('repairPath', () => {
  it('adds Homebrew and Docker Desktop dirs on macOS after the existing entries', () => {
    const p = repairPath({ platform: 'darwin', home: '/Users/ann', currentPath: '/usr/bin:/bin' });
    const parts = p.split(':');
    expect(parts.slice(0, 2)).toEqual(['/usr/bin', '/bin']);
    expect(parts).toContain('/opt/homebrew/bin');
    expect(parts).toContain('/Users/ann/.docker/bin');
    expect(parts.filter((x) => x === '/usr/bin')).toHaveLength(1);
  });

  it('puts the login shell PATH before the fallbacks', () => {
    const p = repairPath({ platform: 'linux', home: '/home/bo', currentPath: '/usr/bin', loginShellPath: '/home/bo/.asdf/shims:/usr/bin' });
    expect(p.split(':').slice(0, 2)).toEqual(['/usr/bin', '/home/bo/.asdf/shims']);
  });

  it('uses ; and Docker Desktop resources on Windows, case-insensitively deduplicated', () => {
    const p = repairPath({ platform: 'win32', home: 'C:\\Users\\cy', currentPath: 'C:\\Windows;c:\\windows', programFiles: 'C:\\Program Files' });
    const parts = p.split(';');
    expect(parts[0]).toBe('C:\\Windows');
    expect(parts).not.toContain('c:\\windows');
    expect(parts).toContain('C:\\Program Files\\Docker\\Docker\\resources\\bin');
  });
});

describe('parseLoginShellOutput', () => {
  it('ignores what rc files print around the marked PATH', () => {
    expect(parseLoginShellOutput('Welcome!\n__KL__/a:/b__KL__\n', '__KL__')).toBe('/a:/b');
    expect(parseLoginShellOutput('no markers', '__KL__')).toBeUndefined();
  });
});
