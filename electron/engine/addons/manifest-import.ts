// The pinned manifests without internet: a learner (or a classroom's teacher) downloads the release
// files once, elsewhere, and hands kindlab the folder. Each file is checked exactly as a download is:
// its sha256 must be a pin's. A file that carries a pinned file's name but not its hash is refused
// with both hashes; the cache is only ever written with verified bytes.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ManifestImportResult, ManifestInfo } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import { manifestCacheDir } from '../paths.ts';
import { cacheFile, sha256, storeVerified } from './manifests.ts';
import type { ManifestPin } from './pins.ts';

/** The release file's own name, as the pinned URL ends. */
export function pinFileName(pin: ManifestPin): string {
  return basename(new URL(pin.url).pathname);
}

export type Verdict = { kind: 'import'; pin: ManifestPin } | { kind: 'refuse'; pin: ManifestPin } | { kind: 'ignore' };

/** Pure: what to do with a file of this name and hash. The hash decides; the name only explains a refusal. */
export function judgeFile(name: string, hash: string, pins: readonly ManifestPin[]): Verdict {
  const byHash = pins.find((p) => p.sha256 === hash);
  if (byHash) return { kind: 'import', pin: byHash };
  const byName = pins.find((p) => pinFileName(p) === basename(name));
  return byName ? { kind: 'refuse', pin: byName } : { kind: 'ignore' };
}

/** Files under `dir`, a few levels deep (a release archive unpacked keeps its folders). */
async function filesUnder(dir: string, depth = 3): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isFile()) out.push(path);
    else if (e.isDirectory() && depth > 0) out.push(...(await filesUnder(path, depth - 1)));
  }
  return out.sort();
}

export async function importManifests(dir: string, pins: readonly ManifestPin[], dataDir: string): Promise<ManifestImportResult> {
  const isDir = await stat(dir).then((s) => s.isDirectory()).catch(() => false);
  if (!isDir) {
    throw new KindlabError({
      code: 'bad-input',
      message: both({ en: `${dir} is not a folder kindlab can read`, zh: `${dir} 不是 kindlab 能读取的文件夹` }),
      hint: both({ en: 'Put the release files (see `kindlab manifests list` for their names and URLs) in one folder and pass that folder.', zh: '把各发布文件（名称和 URL 见 `kindlab manifests list`）放进同一个文件夹，再传入该文件夹。' }),
    });
  }
  const result: ManifestImportResult = { imported: [], refused: [], ignored: [], cacheDir: manifestCacheDir(dataDir) };
  for (const path of await filesUnder(dir)) {
    const file = relative(dir, path);
    const body = await readFile(path);
    const hash = sha256(body);
    const v = judgeFile(file, hash, pins);
    if (v.kind === 'import') {
      await storeVerified(dataDir, v.pin, body);
      result.imported.push({ file, id: v.pin.id, sha256: hash });
    } else if (v.kind === 'refuse') {
      result.refused.push({ file, id: v.pin.id, expected: v.pin.sha256, got: hash });
    } else {
      result.ignored.push(file);
    }
  }
  return result;
}

/** Every pinned manifest, and whether a verified copy is already in the cache. */
export async function listManifests(pins: readonly ManifestPin[], dataDir: string): Promise<ManifestInfo[]> {
  return Promise.all(
    pins.map(async (p) => {
      const cached = await readFile(cacheFile(dataDir, p)).then((b) => sha256(b) === p.sha256).catch(() => false);
      return { id: p.id, addon: p.addon, version: p.version, url: p.url, sha256: p.sha256, file: pinFileName(p), cached };
    }),
  );
}
