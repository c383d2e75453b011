import { describe, expect, it } from 'vitest';
import type { CacheStatus } from '../api.ts';
import { bytesText, cacheStatusLines } from './cache-format.ts';

const status: CacheStatus = {
  enabled: true,
  mode: 'proxy',
  upstreams: [{ upstream: 'docker.io', container: 'kindlab-cache-docker.io', volume: 'kindlab-cache-docker.io', endpoint: 'http://kindlab-cache-docker.io:5000', hostPort: 5101, exists: true, running: true, sizeBytes: 3 * 1024 * 1024 }],
  images: [
    { ref: 'busybox:1.37.0', upstream: 'docker.io', usedBy: ['lab:services'], cached: true, sizeBytes: null },
    { ref: 'nicolaka/netshoot:v0.15', upstream: 'docker.io', usedBy: ['lab:dns'], cached: false, sizeBytes: null },
  ],
  cachedCount: 1,
  totalCount: 2,
  totalBytes: 3 * 1024 * 1024,
};

describe('cacheStatusLines', () => {
  it('sums up, lists caches and images, and says what to do next', () => {
    const text = cacheStatusLines(status, 'en').join('\n');
    expect(text).toContain('1/2 images cached, 3.0 MiB');
    expect(text).toContain('127.0.0.1:5101');
    expect(text).toContain('✓ busybox:1.37.0  (lab:services)');
    expect(text).toContain('kindlab cache warm');
    expect(cacheStatusLines({ ...status, enabled: false }, 'zh').join('\n')).toContain('缓存已关闭');
  });

  it('writes sizes in binary units', () => {
    expect(bytesText(null)).toBe('?');
    expect(bytesText(512)).toBe('512 B');
    expect(bytesText(1536)).toBe('1.5 KiB');
  });
});
