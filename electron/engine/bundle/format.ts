// The offline bundle's index, bundle.json, and the rules an import holds it to. Pure: no files,
// no docker. The index comes first in the archive so that an import can refuse a bundle made by
// another kindlab (other pins) before it reads a single image, and it records every part's size
// and sha256 so that nothing is put in place until every byte has been checked.
import type { AddonId, VersionPins } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { ManifestPin } from '../addons/pins.ts';

export const BUNDLE_FORMAT = 1;
export const INDEX_NAME = 'bundle.json';
/** bundle.json is small (a few kB); anything larger is not ours and is not read into memory. */
export const INDEX_MAX_BYTES = 1024 * 1024;

export type PartKind = 'manifest' | 'images';

export interface BundlePart {
  /** The entry's path inside the archive: manifests/<file> or images/<file>. */
  name: string;
  kind: PartKind;
  size: number;
  sha256: string;
  /** manifest parts: the pin's id. */
  manifestId?: string;
  /** images parts: the references it holds, as the manifests and labs write them. */
  refs?: string[];
  /** images parts: the name each ref is saved under (a digest cannot travel through docker save). */
  saved?: string[];
  /** images parts: who runs them (add-on ids, lab:<id>, node for the node image, cache for the registry). */
  usedBy?: string[];
}

export interface BundleIndex {
  format: number;
  kindlab: string;
  pins: VersionPins;
  createdAt: string;
  /** The add-ons it carries (a bundle of the chosen CNI and ingress only); absent: every add-on kindlab pins. */
  addons?: AddonId[];
  parts: BundlePart[];
}

/** Whether an add-on's manifests and images belong in (or are expected of) a bundle of this scope. */
export function inScope(addons: readonly string[] | undefined, user: string): boolean {
  if (!addons) return true;
  // The labs, the node image and the caches' registry go into every bundle.
  return addons.includes(user) || user.startsWith('lab:') || user === 'node' || user === 'cache';
}

/** Archive entry names kindlab writes; a name outside this shape (../, absolute, odd bytes) is refused. */
const PART_NAME = /^(manifests|images)\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const SHA256 = /^[a-f0-9]{64}$/;

/** A file name for an image's archive: its position (keeps order and uniqueness) and a readable ref, short enough for a plain tar header (100 bytes). */
export function imagePartName(index: number, ref: string): string {
  const readable = ref.split('@')[0]!.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `images/${String(index + 1).padStart(3, '0')}-${readable}.tar`;
}

export function manifestPartName(pin: ManifestPin): string {
  return `manifests/${pin.id}-${pin.version}.yaml`;
}

/** The name an image is saved and loaded under: its ref without a digest (docker save keeps tags, not digests). */
export function savedName(ref: string): string {
  return ref.split('@')[0]!;
}

function malformed(file: string, why: string): KindlabError {
  return new KindlabError({
    code: 'bad-input',
    message: both({ en: `${file} is not a kindlab bundle: ${why}`, zh: `${file} 不是 kindlab 离线包：${why}` }),
    hint: both({
      en: 'Pass a file written by `kindlab bundle export FILE`. If it is one, it was damaged on the way: copy it again (compare its size with the original) or export it again.',
      zh: '请传入由 `kindlab bundle export 文件` 写出的文件。如果确实是，它在传输中已损坏：请重新复制（对比与原文件的大小），或重新导出。',
    }),
  });
}

/** Parses and checks the shape of bundle.json; anything off is a bad-input failure naming the field. */
export function parseIndex(text: string, file: string): BundleIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw malformed(file, `bundle.json is not JSON (${(err as Error).message})`);
  }
  const o = raw as Partial<BundleIndex> | null;
  if (!o || typeof o !== 'object') throw malformed(file, 'bundle.json is not an object');
  if (typeof o.format !== 'number') throw malformed(file, 'bundle.json has no format');
  if (o.format !== BUNDLE_FORMAT) {
    throw new KindlabError({
      code: 'bad-input',
      message: both({ en: `${file} is a bundle of format ${o.format}; this kindlab reads format ${BUNDLE_FORMAT}`, zh: `${file} 是格式 ${o.format} 的离线包；此 kindlab 只能读取格式 ${BUNDLE_FORMAT}` }),
      hint: both({ en: 'Export the bundle again with this version of kindlab (on a machine with internet), or use the kindlab that wrote it.', zh: '请用此版本的 kindlab（在有网络的机器上）重新导出离线包，或使用写出它的那个 kindlab。' }),
    });
  }
  if (typeof o.kindlab !== 'string' || typeof o.createdAt !== 'string') throw malformed(file, 'bundle.json lacks kindlab or createdAt');
  if (!o.pins || typeof o.pins !== 'object') throw malformed(file, 'bundle.json has no pins');
  if (!Array.isArray(o.parts)) throw malformed(file, 'bundle.json has no parts');
  if (o.addons !== undefined && !(Array.isArray(o.addons) && o.addons.every((a) => typeof a === 'string' && /^[a-z-]{1,40}$/.test(a)))) throw malformed(file, 'bundle.json has a malformed list of add-ons');
  const seen = new Set<string>();
  for (const [i, p] of o.parts.entries()) {
    const where = `parts[${i}]`;
    if (!p || typeof p !== 'object') throw malformed(file, `${where} is not an object`);
    if (typeof p.name !== 'string' || !PART_NAME.test(p.name)) throw malformed(file, `${where} has the name ${JSON.stringify(p.name)}`);
    if (seen.has(p.name)) throw malformed(file, `${p.name} is listed twice`);
    seen.add(p.name);
    if (p.kind !== 'manifest' && p.kind !== 'images') throw malformed(file, `${p.name} has the kind ${JSON.stringify(p.kind)}`);
    if (p.name.startsWith('manifests/') !== (p.kind === 'manifest')) throw malformed(file, `${p.name} is not where a ${p.kind} part goes`);
    if (!Number.isSafeInteger(p.size) || p.size < 0) throw malformed(file, `${p.name} has the size ${JSON.stringify(p.size)}`);
    if (typeof p.sha256 !== 'string' || !SHA256.test(p.sha256)) throw malformed(file, `${p.name} has no valid sha256`);
    if (p.kind === 'manifest' && typeof p.manifestId !== 'string') throw malformed(file, `${p.name} names no manifest id`);
    if (p.kind === 'images') {
      const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0 && s.length < 1000);
      if (!strings(p.refs) || !strings(p.saved) || p.refs!.length !== p.saved!.length) throw malformed(file, `${p.name} lists no image references`);
    }
  }
  return o as BundleIndex;
}

/** What this kindlab expects a bundle to hold. */
export interface Expectation {
  version: string;
  pins: VersionPins;
  manifests: readonly ManifestPin[];
  /** Every image ref the inventory names; absent: the images are checked later (imageProblems). */
  images?: readonly string[];
}

/** Images a bundle may carry beyond the inventory: the node image it was exported for (another --node-image is fine). */
const OPTIONAL_USERS = new Set(['node']);

/** Every way the bundle's pins differ from this kindlab's, as sentences (empty: it fits). */
export function pinProblems(index: BundleIndex, want: Expectation): string[] {
  const out: string[] = [];
  for (const key of Object.keys(want.pins) as (keyof VersionPins)[]) {
    const theirs = index.pins[key];
    if (theirs !== want.pins[key]) out.push(both({ en: `${key}: the bundle has ${theirs ?? 'nothing'}, this kindlab pins ${want.pins[key]}`, zh: `${key}：离线包中为 ${theirs ?? '无'}，此 kindlab 锁定的是 ${want.pins[key]}` }));
  }
  const manifestParts = index.parts.filter((p) => p.kind === 'manifest');
  for (const pin of want.manifests) {
    const part = manifestParts.find((p) => p.manifestId === pin.id);
    if (!part) out.push(both({ en: `manifest ${pin.id} ${pin.version} is missing`, zh: `缺少清单 ${pin.id} ${pin.version}` }));
    else if (part.sha256 !== pin.sha256) out.push(both({ en: `manifest ${pin.id}: the bundle's sha256 is ${part.sha256}, the pin's is ${pin.sha256}`, zh: `清单 ${pin.id}：离线包中的 sha256 为 ${part.sha256}，锁定值为 ${pin.sha256}` }));
  }
  for (const part of manifestParts) {
    if (!want.manifests.some((m) => m.id === part.manifestId)) out.push(both({ en: `manifest ${part.manifestId} is not one this kindlab pins`, zh: `清单 ${part.manifestId} 不是此 kindlab 锁定的清单` }));
  }
  if (want.images) out.push(...imageProblems(index, want.images));
  return out;
}

/** The images the bundle lacks, and those it holds that this kindlab does not pin. */
export function imageProblems(index: BundleIndex, wanted: readonly string[]): string[] {
  const out: string[] = [];
  const parts = index.parts.filter((p) => p.kind === 'images');
  const bundled = new Set(parts.flatMap((p) => p.refs ?? []));
  for (const ref of wanted) if (!bundled.has(ref)) out.push(both({ en: `image ${ref} is missing`, zh: `缺少镜像 ${ref}` }));
  for (const p of parts) {
    if ((p.usedBy ?? []).some((u) => OPTIONAL_USERS.has(u))) continue;
    for (const ref of p.refs ?? []) if (!wanted.includes(ref)) out.push(both({ en: `image ${ref} is not one this kindlab pins`, zh: `镜像 ${ref} 不是此 kindlab 锁定的镜像` }));
  }
  return out;
}

/** Refuses a bundle that does not fit this kindlab, naming every difference. */
export function assertFits(index: BundleIndex, want: Expectation, file: string): void {
  refuseFor(index, want.version, pinProblems(index, want), file);
}

export function refuseFor(index: BundleIndex, version: string, problems: readonly string[], file: string): void {
  if (problems.length === 0) return;
  const want = { version };
  throw new KindlabError({
    code: 'bad-input',
    message: both({
      en: `${file} was made by kindlab ${index.kindlab} with other pins than this kindlab ${want.version} (${problems.length} difference${problems.length === 1 ? '' : 's'}); nothing was changed`,
      zh: `${file} 由 kindlab ${index.kindlab} 按另一组锁定版本制作，与此 kindlab ${want.version} 不符（${problems.length} 处不同）；未做任何改动`,
    }),
    hint: both({
      en: 'Export the bundle again with this kindlab on a machine with internet (`kindlab bundle export FILE`), or install the kindlab version that made it.',
      zh: '请在有网络的机器上用此 kindlab 重新导出离线包（`kindlab bundle export 文件`），或安装制作它的那个 kindlab 版本。',
    }),
    diagnostics: [...problems],
  });
}

/** A part whose bytes are not what the index says: names the part and both hashes. */
export function partMismatch(file: string, part: BundlePart, got: { size: number; sha256: string }): KindlabError {
  return new KindlabError({
    code: 'checksum-mismatch',
    message: both({
      en: `${file}: ${part.name} has sha256 ${got.sha256} (${got.size} bytes), the bundle's index says ${part.sha256} (${part.size} bytes); nothing was changed`,
      zh: `${file}：${part.name} 的 sha256 为 ${got.sha256}（${got.size} 字节），离线包索引记录的是 ${part.sha256}（${part.size} 字节）；未做任何改动`,
    }),
    hint: both({
      en: 'The bundle was damaged on the way or changed after it was written. Copy it again from the original (or export it again) and import that copy.',
      zh: '离线包在传输中已损坏，或写出后被修改过。请从原文件重新复制（或重新导出），再导入该副本。',
    }),
    diagnostics: [`expected ${part.sha256}`, `got      ${got.sha256}`],
  });
}

export { malformed as malformedBundle };
