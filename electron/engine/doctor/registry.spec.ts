import { describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS } from './registry.ts';

describe('DOCTOR_CHECKS', () => {
  it('lists every check once, in report order', () => {
    expect(DOCTOR_CHECKS.map((c) => c.id)).toEqual([
      'docker-cli',
      'docker-daemon',
      'kind',
      'kubectl',
      'cgroup',
      'memory',
      'cpus',
      'disk',
      'ports',
      'inotify',
      'existing-cluster',
      'node-image',
      'downloads',
      'image-cache',
      'networking',
      'nipio',
    ]);
  });

  it('gives every check a title in both languages', () => {
    for (const c of DOCTOR_CHECKS) {
      expect(c.title.en.trim(), c.id).not.toBe('');
      expect(c.title.zh.trim(), c.id).not.toBe('');
    }
  });
});
