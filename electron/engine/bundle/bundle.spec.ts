import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar-stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AddonId, VersionPins } from '../../api.ts';
import { textIn } from '../../shared/text.ts';
import type { ManifestPin } from '../addons/pins.ts';
import { KindlabError } from '../errors.ts';
import { type BundleDeps, type BundleImage, type BundleReporter, exportBundle, importBundle } from './bundle.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const PINS: VersionPins = { kind: 'v0.33.0', nodeImage: 'kindest/node:v1.35.8', kubernetes: 'v1.35.8', calico: 'v3.32.1', kubeRouter: 'v2.1.0', ingressNginx: 'controller-v1.15.1', traefik: 'v3.6.12', metallb: 'v0.16.1' };
const M1 = 'kind: ConfigMap\nmetadata: {name: one}\n';
const M2 = 'kind: DaemonSet\nmetadata: {name: two}\nspec: {template: {spec: {containers: [{image: quay.io/x/extra:v1}]}}}\n';
const MANIFESTS: ManifestPin[] = [
  { id: 'one', addon: 'metallb', version: 'v1', url: 'https://example.invalid/one.yaml', sha256: sha(M1) },
  { id: 'two', addon: 'kube-router', version: 'v2', url: 'https://example.invalid/two.yaml', sha256: sha(M2) },
];
const IMAGES: BundleImage[] = [
  { ref: 'docker.io/library/traefik:v3.6.12', upstream: 'docker.io', usedBy: ['traefik'] },
  { ref: 'registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:' + 'a'.repeat(64), upstream: 'registry.k8s.io', usedBy: ['ingress-nginx'] },
  { ref: 'registry:3.0.0', upstream: 'docker.io', usedBy: ['cache'] },
  { ref: 'kindest/node:v1.35.8', upstream: 'docker.io', usedBy: ['node'] },
];

interface World {
  deps: BundleDeps;
  engine: Map<string, Buffer>;
  manifestStore: Map<string, Buffer>;
  loaded: Buffer[];
  pushed: string[];
  cachesStarted: number;
  calls: string[];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindlab-bundle-'));
});

/** An in-memory machine: a host engine (name → image bytes), a manifest cache, the caches. */
function world(opts: { pins?: VersionPins; images?: BundleImage[]; manifests?: Record<string, string>; hostImages?: boolean; addons?: AddonId[] } = {}): World {
  const engine = new Map<string, Buffer>();
  // Images of ~1.5 MB, so that the archive streams over many chunks.
  if (opts.hostImages !== false) for (const i of opts.images ?? IMAGES) engine.set(i.ref, randomBytes(1_500_000));
  const manifestStore = new Map<string, Buffer>(Object.entries(opts.manifests ?? { one: M1, two: M2 }).map(([k, v]) => [k, Buffer.from(v)]));
  const w: World = { engine, manifestStore, loaded: [], pushed: [], cachesStarted: 0, calls: [], deps: null as unknown as BundleDeps };
  const imgs = opts.images ?? IMAGES;
  w.deps = {
    version: '0.1.0',
    pins: opts.pins ?? PINS,
    manifestPins: MANIFESTS,
    addons: opts.addons ?? null,
    images: async (texts) => [...imgs, ...(texts.get('two')?.includes('quay.io/x/extra:v1') ? [{ ref: 'quay.io/x/extra:v1', upstream: 'quay.io', usedBy: ['kube-router'] }] : [])],
    readManifest: async (pin) => {
      const b = manifestStore.get(pin.id);
      if (!b) throw new Error(`no ${pin.id}`);
      return b;
    },
    storeManifest: async (pin, body) => {
      w.calls.push(`store ${pin.id}`);
      manifestStore.set(pin.id, body);
    },
    ensureImage: async (ref) => {
      w.calls.push(`ensure ${ref}`);
      if (!engine.has(ref)) engine.set(ref, randomBytes(1000));
    },
    tagImage: async (from, to) => {
      w.calls.push(`tag ${from} ${to}`);
      engine.set(to, engine.get(from)!);
    },
    saveImage: async (name, path) => {
      w.calls.push(`save ${name}`);
      writeFileSync(path, Buffer.concat([Buffer.from(`${name}\n`), engine.get(name)!]));
    },
    loadImage: async (path) => {
      const body = readFileSync(path);
      const name = body.subarray(0, body.indexOf(10)).toString();
      w.calls.push(`load ${name}`);
      w.loaded.push(body);
      engine.set(name, body.subarray(body.indexOf(10) + 1));
    },
    startCaches: async () => {
      w.cachesStarted++;
    },
    pushLocal: async (name) => {
      if (!engine.has(name)) throw new Error(`push: no image ${name}`);
      w.pushed.push(name);
    },
    stagingRoot: join(dir, 'data', 'cache'),
    now: () => Date.now(),
  };
  return w;
}

function reporter(signal: AbortSignal = new AbortController().signal): BundleReporter & { phases: string[] } {
  const phases: string[] = [];
  return {
    signal,
    phases,
    phase: async (id, body) => {
      phases.push(id);
      return body();
    },
    progress: () => undefined,
    log: () => undefined,
  };
}

async function entries(file: string): Promise<string[]> {
  const names: string[] = [];
  const ex = tar.extract();
  createReadStream(file).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const e of ex as AsyncIterable<{ header: tar.Header } & AsyncIterable<Buffer>>) {
    names.push(e.header.name);
    for await (const _ of e) void _;
  }
  return names;
}

/** Copies a bundle with its bundle.json changed by `change` (every other entry byte for byte). */
async function rewriteIndex(from: string, to: string, change: (index: Record<string, unknown>) => void): Promise<void> {
  const ex = tar.extract();
  const pack = tar.pack();
  const done = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(to);
    out.on('finish', resolve);
    out.on('error', reject);
    pack.pipe(out);
  });
  createReadStream(from).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const e of ex as AsyncIterable<{ header: tar.Header } & AsyncIterable<Buffer>>) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c);
    let body = Buffer.concat(chunks);
    if (e.header.name === 'bundle.json') {
      const index = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      change(index);
      body = Buffer.from(JSON.stringify(index));
    }
    pack.entry({ name: e.header.name, size: body.length }, body);
  }
  pack.finalize();
  await done;
}

async function failure(p: Promise<unknown>): Promise<KindlabError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  return err as KindlabError;
}

/** Exported by a full machine: the file and its parts' offsets. */
async function exported(): Promise<string> {
  const file = join(dir, 'kindlab-bundle.tar');
  await exportBundle(world().deps, file, reporter());
  return file;
}

/** Nothing on the importing machine changed: no manifest stored, no image loaded or pushed, no staging left. */
function unchanged(w: World): void {
  expect(w.calls.filter((c) => c.startsWith('store') || c.startsWith('load'))).toEqual([]);
  expect(w.pushed).toEqual([]);
  expect(w.cachesStarted).toBe(0);
  expect(existsSync(w.deps.stagingRoot) ? readdirSync(w.deps.stagingRoot) : []).toEqual([]);
}

describe('bundle export and import', () => {
  it('round trip: bundle.json first, then the manifests, then one archive per image; an import on a clean machine gets them all', async () => {
    const src = world();
    const file = join(dir, 'kindlab-bundle.tar');
    const rep = reporter();
    const out = await exportBundle(src.deps, file, rep);
    expect(rep.phases).toEqual(['manifests', 'images', 'write']);
    expect(out).toMatchObject({ file, images: 5, manifests: 2 });
    expect(out.bytes).toBe(statSync(file).size);
    expect(existsSync(`${file}.partial`)).toBe(false);
    // Nothing staged is left beside the output.
    expect(readdirSync(dir)).toEqual(['kindlab-bundle.tar']);
    // The digest ref is saved under its tag (docker save keeps tags, not digests).
    expect(src.calls).toContain(`tag ${IMAGES[1]!.ref} registry.k8s.io/ingress-nginx/controller:v1.15.1`);
    const names = await entries(file);
    expect(names[0]).toBe('bundle.json');
    expect(names.slice(1, 3)).toEqual(['manifests/one-v1.yaml', 'manifests/two-v2.yaml']);
    expect(names.slice(3).every((n) => n.startsWith('images/'))).toBe(true);
    expect(names).toHaveLength(8);

    const dst = world({ manifests: {}, hostImages: false });
    const irep = reporter();
    const res = await importBundle(dst.deps, file, irep);
    expect(irep.phases).toEqual(['verify', 'manifests', 'images', 'caches']);
    expect(res).toMatchObject({ file, bytes: out.bytes, images: 5, manifests: 2 });
    expect(dst.manifestStore.get('one')?.toString()).toBe(M1);
    expect(dst.manifestStore.get('two')?.toString()).toBe(M2);
    expect(dst.loaded).toHaveLength(5);
    // Byte for byte what the exporting engine had.
    expect(dst.engine.get('docker.io/library/traefik:v3.6.12')?.equals(src.engine.get('docker.io/library/traefik:v3.6.12')!)).toBe(true);
    // Only what runs on the nodes goes into the caches; the registry and the node image stay on the host engine.
    expect(dst.cachesStarted).toBe(1);
    expect(dst.pushed.sort()).toEqual(['docker.io/library/traefik:v3.6.12', 'quay.io/x/extra:v1', 'registry.k8s.io/ingress-nginx/controller:v1.15.1']);
    expect(readdirSync(dst.deps.stagingRoot)).toEqual([]);
  });

  it('of the chosen add-ons only: leaves the other choices\' manifests and images out, and an import expects only what it carries', async () => {
    // A classroom that settled on Traefik and MetalLB (and, here, no kube-router): the ingress-nginx image and kube-router's manifest stay out.
    const src = world({ addons: ['traefik', 'metallb'] });
    const file = join(dir, 'chosen.tar');
    const out = await exportBundle(src.deps, file, reporter());
    expect(out).toMatchObject({ images: 3, manifests: 1 });
    const names = await entries(file);
    expect(names.filter((n) => n.startsWith('manifests/'))).toEqual(['manifests/one-v1.yaml']);
    expect(names.some((n) => n.includes('ingress-nginx'))).toBe(false);

    const dst = world({ manifests: {}, hostImages: false });
    const res = await importBundle(dst.deps, file, reporter());
    expect(res).toMatchObject({ images: 3, manifests: 1 });
    expect(dst.manifestStore.has('two')).toBe(false);
    expect(dst.pushed).toEqual(['docker.io/library/traefik:v3.6.12']);
  });

  it('refuses a bundle of every add-on that lacks one of them, even though a chosen-only bundle may', async () => {
    const src = world({ addons: ['traefik', 'metallb'] });
    const file = join(dir, 'chosen.tar');
    await exportBundle(src.deps, file, reporter());
    // The same parts under an index that claims every add-on: kube-router's manifest is missing.
    const all = join(dir, 'claims-all.tar');
    await rewriteIndex(file, all, (index) => {
      delete (index as { addons?: unknown }).addons;
    });
    const err = await importBundle(world({ manifests: {}, hostImages: false }).deps, all, reporter()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlabError);
    expect((err as KindlabError).failure.diagnostics?.map((d) => textIn(d, 'en'))).toContain('manifest two v2 is missing');
  });

  it('refuses a part whose sha256 is not the index\'s, naming the part and both hashes, and changes nothing', async () => {
    const file = await exported();
    const body = readFileSync(file);
    // Flip one byte deep inside the last image archive (the file ends with two zero blocks).
    const at = body.length - 1024 - 4096;
    body[at] = body[at]! ^ 0xff;
    writeFileSync(file, body);
    const dst = world({ manifests: {}, hostImages: false });
    const err = await failure(importBundle(dst.deps, file, reporter()));
    expect(err.failure.code).toBe('checksum-mismatch');
    const msg = textIn(err.failure.message, 'en');
    expect(msg).toMatch(/images\/004-kindest_node_v1\.35\.8\.tar has sha256 [a-f0-9]{64} .*index says [a-f0-9]{64}/);
    expect(msg).toContain('nothing was changed');
    expect(textIn(err.failure.message, 'zh')).toContain('未做任何改动');
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en'))[0]).toMatch(/^expected [a-f0-9]{64}$/);
    unchanged(dst);
    expect(dst.manifestStore.size).toBe(0);
  });

  it('refuses a truncated archive and changes nothing', async () => {
    const file = await exported();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const dst = world({ manifests: {}, hostImages: false });
    const err = await failure(importBundle(dst.deps, file, reporter()));
    expect(err.failure.code).toBe('bad-input');
    expect(textIn(err.failure.message, 'en')).toMatch(/is not a kindlab bundle: .*truncated/);
    expect(textIn(err.failure.hint, 'en')).toMatch(/copy it again/);
    unchanged(dst);
  });

  it('refuses a file that is not a tar archive, and one whose first entry is not bundle.json', async () => {
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, randomBytes(4096));
    const dst = world({ manifests: {}, hostImages: false });
    const err = await failure(importBundle(dst.deps, junk, reporter()));
    expect(err.failure.code).toBe('bad-input');
    expect(textIn(err.failure.message, 'en')).toMatch(/junk\.tar is not a kindlab bundle/);

    const other = join(dir, 'other.tar');
    const pack = tar.pack();
    pack.entry({ name: 'hello.txt' }, 'hi');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
    writeFileSync(other, Buffer.concat(chunks));
    const err2 = await failure(importBundle(dst.deps, other, reporter()));
    expect(textIn(err2.failure.message, 'en')).toMatch(/first entry is hello\.txt, not bundle\.json/);
    unchanged(dst);
  });

  it('refuses a bundle made with other pins, naming each difference, before reading its images', async () => {
    const file = await exported();
    const dst = world({ pins: { ...PINS, calico: 'v3.33.0' }, manifests: {}, hostImages: false });
    const rep = reporter();
    const err = await failure(importBundle(dst.deps, file, rep));
    expect(err.failure.code).toBe('bad-input');
    expect(textIn(err.failure.message, 'en')).toMatch(/made by kindlab 0\.1\.0 with other pins .*1 difference\); nothing was changed/);
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en'))).toEqual(['calico: the bundle has v3.32.1, this kindlab pins v3.33.0']);
    expect(textIn(err.failure.diagnostics![0]!, 'zh')).toBe('calico：离线包中为 v3.32.1，此 kindlab 锁定的是 v3.33.0');
    unchanged(dst);
  });

  it('refuses a bundle that lacks an image this kindlab needs', async () => {
    const file = join(dir, 'small.tar');
    await exportBundle(world({ images: IMAGES.slice(0, 1) }).deps, file, reporter());
    const dst = world({ manifests: {}, hostImages: false });
    const err = await failure(importBundle(dst.deps, file, reporter()));
    expect(err.failure.diagnostics?.map((d) => textIn(d, 'en'))).toEqual([`image ${IMAGES[1]!.ref} is missing`, 'image registry:3.0.0 is missing']);
    unchanged(dst);
  });

  it('refuses a bundle of another format, and says which', async () => {
    const file = join(dir, 'v2.tar');
    const pack = tar.pack();
    pack.entry({ name: 'bundle.json' }, JSON.stringify({ format: 2, kindlab: '9.0.0', pins: PINS, createdAt: 'x', parts: [] }));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
    writeFileSync(file, Buffer.concat(chunks));
    const err = await failure(importBundle(world().deps, file, reporter()));
    expect(textIn(err.failure.message, 'en')).toContain('a bundle of format 2; this kindlab reads format 1');
  });

  it('says what to do when the file is missing or a folder', async () => {
    const err = await failure(importBundle(world().deps, join(dir, 'nope.tar'), reporter()));
    expect(err.failure.code).toBe('bad-input');
    expect(textIn(err.failure.message, 'en')).toMatch(/cannot read .*nope\.tar: no such file/);
    expect(textIn(err.failure.hint, 'en')).toContain('kindlab bundle export FILE');
    const err2 = await failure(importBundle(world().deps, dir, reporter()));
    expect(textIn(err2.failure.message, 'en')).toContain('it is not a file');
  });

  it('a failed or cancelled export leaves neither FILE nor FILE.partial nor its staging', async () => {
    const w = world();
    w.deps.saveImage = async () => {
      throw new Error('docker save failed');
    };
    const file = join(dir, 'b.tar');
    await expect(exportBundle(w.deps, file, reporter())).rejects.toThrow('docker save failed');
    expect(readdirSync(dir)).toEqual([]);

    const ac = new AbortController();
    const w2 = world();
    const write = w2.deps.saveImage;
    let n = 0;
    w2.deps.saveImage = async (name, path, signal) => {
      await write(name, path, signal);
      if (++n === 5) ac.abort();
    };
    await expect(exportBundle(w2.deps, file, reporter(ac.signal))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to export a manifest whose cached bytes are not the pin\'s', async () => {
    const w = world({ manifests: { one: 'tampered', two: M2 } });
    const err = await failure(exportBundle(w.deps, join(dir, 'b.tar'), reporter()));
    expect(err.failure.code).toBe('checksum-mismatch');
    expect(textIn(err.failure.message, 'en')).toMatch(/^manifest one has sha256 /);
    expect(readdirSync(dir)).toEqual([]);
  });
});
