import { describe, expect, it } from 'vitest';
import { bundleLines, durationText } from './bundle-lines.ts';

describe('bundle summary', () => {
  it('says size in MB, counts and time, in both languages', () => {
    const r = { file: '/tmp/b.tar', bytes: 1_234_567_890, images: 17, manifests: 6, durationMs: 83_400 };
    expect(bundleLines(r, 'export', 'en').slice(0, 2)).toEqual(['Bundle written: /tmp/b.tar', '  1234.6 MB, 17 images, 6 manifests, in 1 min 23 s']);
    expect(bundleLines(r, 'import', 'zh')[1]).toBe('  1234.6 MB，17 个镜像，6 个清单，用时 1 分 23 秒');
    expect(durationText(4_250, 'en')).toBe('4.3 s');
  });
});
