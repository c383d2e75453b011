import { describe, expect, it } from 'vitest';
import type { CacheStatus } from '../../../api.ts';
import { DAEMON_DOWN, fakeContext } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import { imageCacheCheck } from './image-cache.ts';

function status(cached: number, total: number, exists = true): CacheStatus {
  const images = Array.from({ length: total }, (_, i) => ({ ref: `busybox:1.${i}`, upstream: 'docker.io', usedBy: ['lab:x'], cached: i < cached, sizeBytes: null }));
  return {
    enabled: true,
    mode: 'proxy',
    upstreams: [{ upstream: 'docker.io', container: 'kindlab-cache-docker.io', volume: 'kindlab-cache-docker.io', endpoint: 'http://kindlab-cache-docker.io:5000', hostPort: 5101, exists, running: exists, sizeBytes: 0 }],
    images,
    cachedCount: cached,
    totalCount: total,
    totalBytes: 0,
  };
}

describe('image-cache check', () => {
  it('is ok when every image is cached', async () => {
    const out = await imageCacheCheck.check(fakeContext({ cache: status(3, 3) }));
    expect(out.status).toBe('ok');
    expect(out.finding.en).toContain('all 3 images');
  });

  it('warns with what is missing and how to fill it, in the window’s words too', async () => {
    const out = await imageCacheCheck.check(fakeContext({ cache: status(1, 8) }));
    expect(out.status).toBe('warn');
    expect(out.finding.en).toContain('1 of 8');
    expect(out.finding.en).toContain('busybox:1.1, busybox:1.2');
    expect(out.fixCommands).toEqual(['kindlab cache warm']);
    expect(out.appFix?.en).toContain('Download lab images');
    expect(out.appFix?.zh).toContain('下载实验镜像');
  });

  it('says when there is no cache yet, when it is off, and skips without an engine', async () => {
    expect((await imageCacheCheck.check(fakeContext({ cache: status(0, 4, false) }))).finding.en).toContain('No image cache yet');
    expect((await imageCacheCheck.check(fakeContext({ cache: { ...status(0, 4), enabled: false } }))).finding.en).toContain('KINDLAB_CACHE=off');
    expect((await imageCacheCheck.check(fakeContext({ cache: status(0, 4) }, { imageCache: false }))).finding.en).toContain('--no-cache');
    expect((await imageCacheCheck.check(fakeContext({ commands: DAEMON_DOWN }))).status).toBe('skip');
  });
});
