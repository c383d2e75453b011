// Tier 2: the offline bundle through the real CLI in the fake world. A machine with internet
// exports every pinned manifest and image into one file; a clean machine without internet imports
// it: the manifests land in the manifest cache (so `up` downloads nothing), the images in the
// container engine and in the image caches. A damaged copy is refused, naming the part and both
// hashes, and nothing on the importing machine changes.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundleResult, CacheStatus, ManifestInfo } from '../../electron/api.ts';
import { type FakeWorld, runCli } from '../fakes/harness.ts';
import { noStack, world } from './world.ts';

async function manifestsCached(w: FakeWorld): Promise<boolean[]> {
  const r = await runCli(['manifests', 'list', '--json'], w);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { manifests: ManifestInfo[] }).manifests.map((m) => m.cached);
}

/** Every docker command the world's fake docker ran, as "docker <sub>". */
const dockerVerbs = (w: FakeWorld) => w.calls().filter((c) => c.tool === 'docker').map((c) => c.args[0]);

async function exported(): Promise<{ file: string; result: BundleResult; from: FakeWorld }> {
  const from = await world();
  const file = join(from.root, 'kindlab-bundle.tar');
  const r = await runCli(['bundle', 'export', file, '--json'], from);
  expect(r.code, r.stderr).toBe(0);
  noStack(r);
  return { file, result: JSON.parse(r.stdout) as BundleResult, from };
}

describe('kindlab bundle', () => {
  it('exports every pinned manifest and image, and a clean machine without internet imports them', async () => {
    const { file, result, from } = await exported();
    expect(result.file).toBe(file);
    expect(result.bytes).toBe(statSync(file).size);
    expect(result.manifests).toBe(from.pins.manifests.length);
    // Every add-on choice's images, the labs', the caches' registry and the node image.
    expect(result.images).toBeGreaterThanOrEqual(Object.values(from.pins.addonImages).flat().length + 2);
    expect(readdirSync(from.root).filter((n) => n.includes('kindlab-bundle'))).toEqual(['kindlab-bundle.tar']);
    expect(dockerVerbs(from)).toContain('save');

    const to = await world({ internet: 'offline' });
    expect(await manifestsCached(to)).not.toContain(true);
    const imagesBefore = to.readState().images.length;
    const r = await runCli(['bundle', 'import', file], to);
    expect(r.code, r.stderr).toBe(0);
    noStack(r);
    expect(r.stdout).toMatch(/^Bundle imported: .*kindlab-bundle\.tar\n {2}\d+\.\d MB, \d+ images, \d+ manifests, in \d/);
    // The manifests are in the cache, verified; `up` needs no download.
    expect(await manifestsCached(to)).toEqual(from.pins.manifests.map(() => true));
    expect(to.readState().images.length).toBeGreaterThan(imagesBefore);
    expect(dockerVerbs(to)).toContain('load');
    expect(dockerVerbs(to)).toContain('push');
    // Nothing staged is left in the data folder.
    expect(readdirSync(join(to.dataDir, 'cache')).filter((n) => n.startsWith('bundle-import-'))).toEqual([]);
    // The caches, in local mode, hold every image the nodes run by tag (the node image and the
    // registry stay on the host engine). A digest-pinned image (ingress-nginx's two) does not come
    // through docker save and push under its pinned digest, so the caches cannot serve it by that
    // digest: a known gap, named here so that closing it shows.
    const status = JSON.parse((await runCli(['cache', 'status', '--json'], to, { env: { KINDLAB_CACHE_MODE: 'local' } })).stdout) as CacheStatus;
    expect(status.mode).toBe('local');
    expect(status.upstreams.every((u) => u.running)).toBe(true);
    const missing = status.images.filter((i) => !i.cached).map((i) => i.ref);
    expect(missing.every((ref) => ref.includes('@sha256:')), missing.join(', ')).toBe(true);
    expect(status.images.filter((i) => i.cached).length).toBe(status.totalCount - missing.length);
    expect(status.images.filter((i) => !i.ref.includes('@')).every((i) => i.cached)).toBe(true);
    // And `up` with the choices tier 5 runs, from the node image the bundle brought, needs no internet.
    const up = await runCli(['up', '--cni', 'kube-router', '--ingress', 'traefik', '--node-image', 'kindest/node:v1.35.8'], to, { timeoutMs: 120_000, env: { KINDLAB_CACHE_MODE: 'local' } });
    expect(up.code, up.stderr).toBe(0);
    expect(to.proxied()).toEqual([]);
  });

  it('refuses a damaged copy, naming the part and both hashes, and changes nothing', async () => {
    const { file } = await exported();
    const body = readFileSync(file);
    // A byte inside the last image archive (the fake docker's archives start with this marker).
    const at = body.lastIndexOf('kindlab-fake-docker-save') + 40;
    body[at] = body[at]! ^ 0xff;
    const damaged = `${file}.copy`;
    writeFileSync(damaged, body);

    const to = await world({ internet: 'offline' });
    const before = to.readState().images;
    const r = await runCli(['bundle', 'import', damaged, '--json'], to);
    expect(r.code).toBe(1);
    noStack(r);
    const failure = (JSON.parse(r.stdout) as { ok: false; failure: { code: string; message: { en: string } } }).failure;
    expect(failure.code).toBe('checksum-mismatch');
    expect(failure.message.en).toMatch(/images\/\d{3}-[\w.-]+\.tar has sha256 [a-f0-9]{64} .* index says [a-f0-9]{64} .*nothing was changed/);
    expect(await manifestsCached(to)).not.toContain(true);
    expect(to.readState().images).toEqual(before);
    expect(dockerVerbs(to).filter((v) => v === 'load' || v === 'push' || v === 'run' || v === 'volume')).toEqual([]);
    expect(existsSync(join(to.dataDir, 'cache')) ? readdirSync(join(to.dataDir, 'cache')).filter((n) => n.startsWith('bundle-import-')) : []).toEqual([]);
  });

  it('says what to do about a missing file, a missing argument and a wrong flag (exit 2)', async () => {
    const w = await world();
    const missing = await runCli(['bundle', 'import', join(w.root, 'nope.tar')], w);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.tar: no such file/);
    expect(missing.stderr).toContain('kindlab bundle export FILE');
    const noArg = await runCli(['bundle', 'export'], w);
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toContain("missing required argument 'file'");
    const badFlag = await runCli(['bundle', 'export', 'x.tar', '--gzip'], w);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("unknown option '--gzip'");
    const noFolder = await runCli(['bundle', 'export', join(w.root, 'no', 'such', 'b.tar')], w);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/the folder .*no\/such does not exist/);
    noStack(noFolder);
  });
});
