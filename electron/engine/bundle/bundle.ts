// The offline bundle: one tar file with every pinned manifest and every image a cluster and its
// labs need, for a classroom without internet. The core works against BundleDeps (docker, the
// manifest cache, the image caches), so its rules are tested with in-memory stand-ins; deps.ts
// gives the real ones.
//
// Images travel as one `docker save` archive per image: an interrupted export or a bad copy
// costs one image, not the lot, and each archive is staged on disk and streamed into the bundle,
// so no image is ever held in memory.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AddonId, BundleResult, VersionPins } from '../../api.ts';
import { sha256 } from '../addons/manifests.ts';
import type { ManifestPin } from '../addons/pins.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { OpText } from '../operation.ts';
import { hashFile, type PartSource, readArchive, writeArchive } from './archive.ts';
import { BUNDLE_FORMAT, type BundleIndex, assertFits, imagePartName, imageProblems, inScope, manifestPartName, refuseFor, savedName } from './format.ts';

/** One image the bundle carries. */
export interface BundleImage {
  ref: string;
  upstream: string;
  usedBy: string[];
}

export interface BundleDeps {
  version: string;
  pins: VersionPins;
  manifestPins: readonly ManifestPin[];
  /** The add-ons an export carries (the chosen CNI and ingress, and MetalLB); null: every one kindlab pins. */
  addons: readonly AddonId[] | null;
  /**
   * Every image the pinned add-ons (each choice) and the labs run (the cache's inventory), with
   * the registry the caches run and the node image; `manifests` are the pinned manifests' texts
   * by pin id (the images they name count too).
   */
  images(manifests: ReadonlyMap<string, string>): Promise<BundleImage[]>;
  /** A pinned manifest's bytes, from the manifest cache (downloaded when missing). */
  readManifest(pin: ManifestPin, signal: AbortSignal): Promise<Buffer>;
  /** Puts bytes already checked against `pin` into the manifest cache. */
  storeManifest(pin: ManifestPin, body: Buffer): Promise<void>;
  /** Makes `ref` present on the host engine: already there, pulled from its cache, or from upstream. */
  ensureImage(ref: string, signal: AbortSignal, log: (line: string) => void): Promise<void>;
  /** Gives a present image a second name (a digest ref its tag-only name, which docker save keeps). */
  tagImage(from: string, to: string, signal: AbortSignal): Promise<void>;
  saveImage(name: string, path: string, signal: AbortSignal): Promise<void>;
  loadImage(path: string, signal: AbortSignal): Promise<void>;
  /** Starts every cache container in local mode (they serve what is pushed, and pull nothing). */
  startCaches(signal: AbortSignal): Promise<void>;
  /** Pushes a host-engine image into its upstream's cache. */
  pushLocal(name: string, signal: AbortSignal): Promise<void>;
  /** Where an import stages the verified parts (inside the data folder). */
  stagingRoot: string;
  now(): number;
}

/** What the core needs of an Operation: phases with progress and log lines, and its signal. */
export interface BundleReporter {
  readonly signal: AbortSignal;
  phase<T>(id: string, body: () => Promise<T>, doneMessage?: (r: T) => OpText | undefined): Promise<T>;
  progress(id: string, fraction: number, message?: OpText): void;
  log(id: string, line: OpText): void;
}

export const EXPORT_PHASES = [
  { id: 'manifests', title: { en: 'Collect the pinned manifests', zh: '收集锁定的清单' } },
  { id: 'images', title: { en: 'Collect the images', zh: '收集镜像' } },
  { id: 'write', title: { en: 'Write the bundle', zh: '写出离线包' } },
] as const;

export const IMPORT_PHASES = [
  { id: 'verify', title: { en: 'Verify the bundle', zh: '校验离线包' } },
  { id: 'manifests', title: { en: 'Put the manifests in the cache', zh: '将清单放入缓存' } },
  { id: 'images', title: { en: 'Load the images', zh: '载入镜像' } },
  { id: 'caches', title: { en: 'Fill the image caches', zh: '填充镜像缓存' } },
] as const;

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Images that run on the nodes and so belong in the caches; the node image and the registry run on the host engine. */
function goesToCache(usedBy: readonly string[]): boolean {
  return !usedBy.every((u) => u === 'node' || u === 'cache');
}

export async function exportBundle(deps: BundleDeps, file: string, op: BundleReporter): Promise<BundleResult> {
  const t0 = deps.now();
  const signal = op.signal;
  // Staged beside the output (the same disk), so the final rename is cheap and the space is where the learner chose.
  const staging = await mkdtemp(join(dirname(file), '.kindlab-bundle-'));
  const scope = deps.addons ? [...deps.addons] : undefined;
  const manifestPins = deps.manifestPins.filter((p) => inScope(scope, p.addon));
  try {
    const sources: PartSource[] = [];
    await op.phase('manifests', async () => {
      for (const [i, pin] of manifestPins.entries()) {
        op.progress('manifests', i / manifestPins.length, `${pin.id} ${pin.version}`);
        const body = await deps.readManifest(pin, signal);
        const got = sha256(body);
        if (got !== pin.sha256) {
          throw new KindlabError({
            code: 'checksum-mismatch',
            message: both({ en: `manifest ${pin.id} has sha256 ${got}, the pin's is ${pin.sha256}`, zh: `清单 ${pin.id} 的 sha256 为 ${got}，锁定值为 ${pin.sha256}` }),
            hint: both({ en: 'The manifest cache holds another file than the pinned one. Run `kindlab manifests list` and import or download the pinned file again.', zh: '清单缓存中的文件不是锁定的文件。请运行 `kindlab manifests list`，重新导入或下载锁定的文件。' }),
          });
        }
        const path = join(staging, `manifest-${i}`);
        await writeFile(path, body);
        sources.push({ path, part: { name: manifestPartName(pin), kind: 'manifest', size: body.length, sha256: got, manifestId: pin.id } });
      }
      return manifestPins.length;
    }, (n) => both({ en: `${n} manifests`, zh: `${n} 个清单` }));

    const texts = new Map<string, string>();
    for (const s of sources) if (s.part.manifestId) texts.set(s.part.manifestId, (await readFile(s.path)).toString('utf8'));
    const images = (await deps.images(texts)).filter((i) => i.usedBy.some((u) => inScope(scope, u)));
    await op.phase('images', async () => {
      for (const [i, img] of images.entries()) {
        op.progress('images', i / images.length, both({ en: `${i + 1}/${images.length}: ${img.ref}`, zh: `${i + 1}/${images.length}：${img.ref}` }));
        await deps.ensureImage(img.ref, signal, (line) => op.log('images', line));
        const name = savedName(img.ref);
        if (name !== img.ref) await deps.tagImage(img.ref, name, signal);
        const path = join(staging, `image-${i}.tar`);
        await deps.saveImage(name, path, signal);
        const { size, sha256: hash } = await hashFile(path, signal);
        op.log('images', both({ en: `${img.ref}: ${megabytes(size)} MB`, zh: `${img.ref}：${megabytes(size)} MB` }));
        sources.push({ path, part: { name: imagePartName(i, img.ref), kind: 'images', size, sha256: hash, refs: [img.ref], saved: [name], usedBy: img.usedBy } });
      }
      return images.length;
    }, (n) => both({ en: `${n} images`, zh: `${n} 个镜像` }));

    const index: BundleIndex = { format: BUNDLE_FORMAT, kindlab: deps.version, pins: deps.pins, createdAt: new Date(deps.now()).toISOString(), ...(scope ? { addons: scope } : {}), parts: sources.map((s) => s.part) };
    const bytes = await op.phase('write', () =>
      writeArchive(file, index, sources, {
        signal,
        onProgress: (done, total, part) => op.progress('write', total ? done / total : 1, part ? part.name : undefined),
      }),
    (b) => both({ en: `${megabytes(b)} MB`, zh: `${megabytes(b)} MB` }));
    return { file, bytes, images: images.length, manifests: manifestPins.length, durationMs: deps.now() - t0 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function unreadable(file: string, why: string): KindlabError {
  return new KindlabError({
    code: 'bad-input',
    message: both({ en: `cannot read ${file}: ${why}`, zh: `无法读取 ${file}：${why}` }),
    hint: both({ en: 'Pass the bundle file written by `kindlab bundle export FILE` (a path to the .tar file itself).', zh: '请传入由 `kindlab bundle export 文件` 写出的离线包文件（即该 .tar 文件本身的路径）。' }),
  });
}

/** Stops at once, before anything is read, when the file is missing or not a file. */
async function assertReadableFile(file: string): Promise<number> {
  const s = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw unreadable(file, err.code === 'ENOENT' ? both({ en: 'no such file', zh: '文件不存在' }) : (err.code ?? err.message));
  });
  if (!s.isFile()) throw unreadable(file, both({ en: 'it is not a file', zh: '它不是文件' }));
  return s.size;
}

export async function importBundle(deps: BundleDeps, file: string, op: BundleReporter): Promise<BundleResult> {
  const t0 = deps.now();
  const signal = op.signal;
  const bytes = await assertReadableFile(file);
  await mkdir(deps.stagingRoot, { recursive: true });
  const staging = await mkdtemp(join(deps.stagingRoot, 'bundle-import-'));
  try {
    // Every byte is checked (and the pins compared) before anything is put in place: the
    // versions and manifests as soon as bundle.json is read, the images once the manifests that
    // name some of them are staged.
    const { staged } = await op.phase('verify', async () => {
      const read = await readArchive(file, staging, {
        signal,
        // A bundle of the chosen add-ons only is held to those add-ons' pins.
        onIndex: (index) => assertFits(index, { version: deps.version, pins: deps.pins, manifests: deps.manifestPins.filter((p) => inScope(index.addons, p.addon)) }, file),
        onProgress: (done, total, part) => op.progress('verify', total ? done / total : 1, part?.name),
      });
      const texts = new Map<string, string>();
      for (const s of read.staged) if (s.part.manifestId) texts.set(s.part.manifestId, (await readFile(s.path)).toString('utf8'));
      const wanted = (await deps.images(texts)).filter((i) => !i.usedBy.includes('node') && i.usedBy.some((u) => inScope(read.index.addons, u))).map((i) => i.ref);
      refuseFor(read.index, deps.version, imageProblems(read.index, wanted), file);
      return read;
    },
    (r) => both({ en: `${r.staged.length} parts, ${megabytes(bytes)} MB`, zh: `${r.staged.length} 个部分，${megabytes(bytes)} MB` }));

    const manifestParts = staged.filter((s) => s.part.kind === 'manifest');
    await op.phase('manifests', async () => {
      for (const s of manifestParts) {
        const pin = deps.manifestPins.find((p) => p.id === s.part.manifestId)!;
        // Checked against the pin once more, as `kindlab manifests import` checks a file.
        const body = await readFile(s.path);
        if (sha256(body) !== pin.sha256) throw new Error(`staged ${s.part.name} changed after verification`);
        await deps.storeManifest(pin, body);
      }
      return manifestParts.length;
    }, (n) => both({ en: `${n} manifests`, zh: `${n} 个清单` }));

    const imageParts = staged.filter((s) => s.part.kind === 'images');
    await op.phase('images', async () => {
      for (const [i, s] of imageParts.entries()) {
        op.progress('images', i / imageParts.length, both({ en: `${i + 1}/${imageParts.length}: ${(s.part.refs ?? []).join(', ')}`, zh: `${i + 1}/${imageParts.length}：${(s.part.refs ?? []).join('、')}` }));
        await deps.loadImage(s.path, signal);
      }
      return imageParts.length;
    }, (n) => both({ en: `${n} image archives`, zh: `${n} 个镜像归档` }));

    const names = imageParts.filter((s) => goesToCache(s.part.usedBy ?? [])).flatMap((s) => s.part.saved ?? []);
    await op.phase('caches', async () => {
      await deps.startCaches(signal);
      for (const [i, name] of names.entries()) {
        op.progress('caches', i / names.length, both({ en: `${i + 1}/${names.length}: ${name}`, zh: `${i + 1}/${names.length}：${name}` }));
        await deps.pushLocal(name, signal);
      }
      return names.length;
    }, (n) => both({ en: `${n} images in the caches`, zh: `缓存中共 ${n} 个镜像` }));

    return { file, bytes, images: imageParts.length, manifests: manifestParts.length, durationMs: deps.now() - t0 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
