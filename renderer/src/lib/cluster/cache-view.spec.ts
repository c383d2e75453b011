import { describe, expect, it } from 'vitest';
import type { CacheImage, CacheStatus, CacheUpstream } from '../api/contract.ts';
import { type CacheViewInput, cacheView, formatBytes } from './cache-view.ts';

function upstream(name: string, over: Partial<CacheUpstream> = {}): CacheUpstream {
  return {
    upstream: name,
    container: `kindlab-cache-${name}`,
    volume: `kindlab-cache-${name}`,
    endpoint: `http://kindlab-cache-${name}:5000`,
    hostPort: null,
    exists: true,
    running: true,
    sizeBytes: 0,
    ...over,
  };
}

function image(ref: string, cached: boolean, usedBy = ['calico']): CacheImage {
  return { ref, upstream: 'quay.io', usedBy, cached, sizeBytes: cached ? 1000 : null };
}

function status(over: Partial<CacheStatus> = {}): CacheStatus {
  const images = over.images ?? [image('quay.io/calico/node:v3.31.4', true), image('docker.io/nginxinc/nginx-unprivileged:1.29', false, ['lab:services', 'lab:ingress'])];
  return {
    enabled: true,
    mode: 'proxy',
    upstreams: [upstream('quay.io', { sizeBytes: 123_456_789 }), upstream('docker.io', { exists: false, running: false, sizeBytes: null })],
    images,
    cachedCount: images.filter((i) => i.cached).length,
    totalCount: images.length,
    totalBytes: 123_456_789,
    ...over,
  };
}

const idle: CacheViewInput = { status: null, loading: false, unreadable: false, running: null, clusterBusy: false, importPath: '' };

describe('the cache card', () => {
  it('waits for its first status, or says it cannot read one', () => {
    expect(cacheView({ ...idle, loading: true }).state).toBe('loading');
    const unreadable = cacheView({ ...idle, unreadable: true });
    expect(unreadable.state).toBe('unreadable');
    expect(unreadable.canWarm).toBe(false);
    expect(unreadable.canClear).toBe(false);
    expect(unreadable.size).toBeNull();
  });

  it('counts what is cached, sizes it, and lists what is missing with who runs it', () => {
    const v = cacheView({ ...idle, status: status() });
    expect(v.state).toBe('partial');
    expect([v.cachedCount, v.totalCount, v.missingCount]).toEqual([1, 2, 1]);
    expect(v.fraction).toBe(0.5);
    expect(v.size).toBe('123 MB');
    expect(v.missing).toEqual([{ ref: 'docker.io/nginxinc/nginx-unprivileged:1.29', usedBy: 'lab:services, lab:ingress' }]);
    expect(v.upstreams.map((u) => [u.upstream, u.state, u.size])).toEqual([
      ['quay.io', 'running', '123 MB'],
      ['docker.io', 'absent', null],
    ]);
    expect(v.canWarm && v.canClear && !v.canImport).toBe(true);
  });

  it('is full when every image is cached, and then offers no download', () => {
    const images = [image('a', true), image('b', true)];
    const v = cacheView({ ...idle, status: status({ images, cachedCount: 2, totalCount: 2 }) });
    expect(v.state).toBe('full');
    expect(v.tone).toBe('ok');
    expect(v.fraction).toBe(1);
    expect(v.canWarm).toBe(false);
    expect(v.missing).toEqual([]);
  });

  it('is empty before the first download', () => {
    const images = [image('a', false), image('b', false)];
    const v = cacheView({ ...idle, status: status({ images, cachedCount: 0, totalCount: 2, totalBytes: 0, upstreams: [] }) });
    expect(v.state).toBe('empty');
    expect(v.canWarm).toBe(true);
    expect(v.canClear).toBe(false);
  });

  it('says when the cache is off, fills nothing then, but still clears what is left', () => {
    const v = cacheView({ ...idle, status: status({ enabled: false }) });
    expect(v.state).toBe('off');
    expect(v.tone).toBe('muted');
    expect(v.canWarm).toBe(false);
    expect(v.canClear).toBe(true);
  });

  it('turns the buttons off while its own operation or a cluster operation runs', () => {
    const own = cacheView({ ...idle, status: status(), running: 'cache-warm', importPath: '/tmp/b.tar' });
    expect(own.blockedBy).toBe('cache-op');
    expect([own.canWarm, own.canClear, own.canImport, own.canRefresh]).toEqual([false, false, false, false]);
    const cluster = cacheView({ ...idle, status: status(), clusterBusy: true, importPath: '/tmp/b.tar' });
    expect(cluster.blockedBy).toBe('cluster-op');
    expect([cluster.canWarm, cluster.canClear, cluster.canImport, cluster.canRefresh]).toEqual([false, false, false, true]);
  });

  it('imports only with a path', () => {
    expect(cacheView({ ...idle, status: status(), importPath: '   ' }).canImport).toBe(false);
    expect(cacheView({ ...idle, status: status(), importPath: ' /data/kindlab-bundle.tar ' }).canImport).toBe(true);
  });
});

describe('formatBytes', () => {
  it('prints decimal units as docker does', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(2_345_678_901)).toBe('2.3 GB');
    expect(formatBytes(-1)).toBe('?');
  });
});
