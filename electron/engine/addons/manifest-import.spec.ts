import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { importManifests, judgeFile, listManifests, pinFileName } from './manifest-import.ts';
import { cacheFile, sha256 } from './manifests.ts';
import type { ManifestPin } from './pins.ts';

const good = 'kind: ConfigMap\nmetadata: {name: a}\n';
const pin = (id: string, file: string, body: string): ManifestPin => ({ id, addon: 'metallb', version: 'v1', url: `https://raw.githubusercontent.com/o/r/v1/config/${file}`, sha256: sha256(body) });
const pins = [pin('metallb-native', 'metallb-native.yaml', good), pin('kube-router-generic', 'generic-kuberouter.yaml', 'kind: DaemonSet\n')];

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kindlab-import-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('judging a file', () => {
  it('goes by the hash; the name only explains a refusal', () => {
    expect(pinFileName(pins[0] as ManifestPin)).toBe('metallb-native.yaml');
    expect(judgeFile('anything.yaml', sha256(good), pins)).toMatchObject({ kind: 'import', pin: { id: 'metallb-native' } });
    expect(judgeFile('sub/metallb-native.yaml', sha256('tampered'), pins)).toMatchObject({ kind: 'refuse', pin: { id: 'metallb-native' } });
    expect(judgeFile('notes.txt', sha256('x'), pins)).toEqual({ kind: 'ignore' });
  });
});

describe('kindlab manifests import', () => {
  it('imports what matches a pin, refuses a renamed-but-different file with both hashes, ignores the rest', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindlab-data-'));
    const dir = folder({ 'release/metallb-native.yaml': good, 'generic-kuberouter.yaml': 'kind: DaemonSet\n# edited by hand\n', 'README.txt': 'hello' });
    const r = await importManifests(dir, pins, dataDir);
    expect(r.imported).toEqual([{ file: join('release', 'metallb-native.yaml'), id: 'metallb-native', sha256: sha256(good) }]);
    expect(r.refused).toEqual([{ file: 'generic-kuberouter.yaml', id: 'kube-router-generic', expected: sha256('kind: DaemonSet\n'), got: sha256('kind: DaemonSet\n# edited by hand\n') }]);
    expect(r.ignored).toEqual(['README.txt']);
    // Only verified bytes reach the cache, where `up` finds them as it finds a download.
    expect(readFileSync(cacheFile(dataDir, pins[0] as ManifestPin), 'utf8')).toBe(good);
    expect((await listManifests(pins, dataDir)).map((m) => [m.id, m.cached])).toEqual([
      ['metallb-native', true],
      ['kube-router-generic', false],
    ]);
  });

  it('refuses a folder that is not there, in the request language, with what to do', async () => {
    const err = await importManifests('/nonexistent/kindlab', pins, tmpdir()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlabError);
    expect((err as KindlabError).failure).toMatchObject({ code: 'bad-input' });
    expect(textIn((err as KindlabError).failure.message, 'zh')).toContain('不是 kindlab 能读取的文件夹');
    expect(textIn((err as KindlabError).failure.hint, 'zh')).toContain('kindlab manifests list');
  });
});
