import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../addons/pins.ts';
import { DAEMON_DOWN, OFFLINE, fakeContext, fakeFacts, machine } from '../../../../test/fakes/engine/doctor/fake-probes.ts';
import * as fx from '../../../../test/fakes/engine/doctor/fixtures.ts';
import { neededFor } from '../downloads.ts';
import { DEFAULT_SETTINGS } from '../../context.ts';
import { downloadsCheck } from './downloads.ts';

const inspect = (ref: string) => `docker image inspect --format {{.Id}} ${ref}`;
const missing = { exitCode: 1, stderr: 'Error response from daemon: No such image: x' };
const nodeImageMissing = { commands: { [inspect(DEFAULT_PINS.nodeImage)]: missing } };
const allManifests = DEFAULT_PINS.manifests.map((m) => m.id);

describe('downloads check', () => {
  it('on an offline machine fails, names every source that cannot be reached, and says there is no DNS at all', async () => {
    const out = await downloadsCheck.check(fakeContext({ ...OFFLINE, ...nodeImageMissing }));
    expect(out.status).toBe('fail');
    expect(out.finding.en).toMatch(/^kindlab up cannot download \d+ images and 4 manifests it needs: /);
    for (const host of ['docker.io', 'quay.io', 'registry.k8s.io', 'raw.githubusercontent.com']) expect(out.finding.en).toContain(`${host} (its name does not resolve)`);
    expect(out.finding.en).toContain('No name resolves on this machine, not even example.com');
    expect(out.finding.zh).toContain('任何域名都无法解析');
    expect(out.fix?.en).toContain('kindlab manifests import FOLDER');
    expect(out.fix?.en).toMatch(/HTTPS_PROXY/);
    expect(out.fixCommands).toEqual(['kindlab manifests list', 'kindlab manifests import FOLDER']);
  });

  it('tells a blocked source from no DNS: names resolve, one registry does not answer', async () => {
    const out = await downloadsCheck.check(
      fakeContext({ ...nodeImageMissing, dns: { 'example.com': ['93.184.215.14'] }, sources: { 'https://quay.io/v2/': { ok: false, via: 'direct', why: 'timeout', detail: 'no answer within 4 s' } } }),
    );
    expect(out.status).toBe('fail');
    expect(out.finding.en).toContain('quay.io (no answer in time)');
    expect(out.finding.en).not.toContain('registry.k8s.io');
    expect(out.finding.en).not.toContain('No name resolves');
  });

  it('passes offline when everything is here: the node image in the engine, the manifests imported, the images on the nodes', async () => {
    const needs = neededFor(DEFAULT_SETTINGS, DEFAULT_PINS);
    const nodeImages = JSON.stringify({ images: needs.filter((n) => n.kind === 'image' && n.ref !== DEFAULT_PINS.nodeImage).map((n) => ({ repoTags: [canonical(n.ref)], repoDigests: [] })) });
    const facts = fakeFacts({
      ...OFFLINE,
      cachedManifests: allManifests,
      commands: {
        [inspect(DEFAULT_PINS.nodeImage)]: { stdout: 'sha256:abc\n' },
        'docker ps -a --filter label=io.x-k8s.kind.cluster --format {{json .}}': { stdout: fx.kindContainerLines([{ name: 'cluster01-control-plane', cluster: 'cluster01', role: 'control-plane' }, { name: 'cluster01-worker', cluster: 'cluster01', role: 'worker' }]) },
        'docker exec cluster01-control-plane crictl images -o json': { stdout: nodeImages },
        'docker exec cluster01-worker crictl images -o json': { stdout: nodeImages },
      },
    });
    const out = await downloadsCheck.check({ facts, settings: DEFAULT_SETTINGS });
    expect(out).toMatchObject({ status: 'ok', finding: { en: expect.stringMatching(/^Everything kindlab up needs is already here \(\d+ images and 4 manifests\): nothing to download\.$/) } });
    // Nothing was downloaded, nothing was even asked for.
    expect((facts.probes as unknown as { calls: string[] }).calls.filter((c) => c.startsWith('reach '))).toEqual([]);
  });

  it('on a connected machine says what up will download, asking each source once', async () => {
    const facts = fakeFacts({ ...nodeImageMissing, cachedManifests: ['metallb-native'] });
    const out = await downloadsCheck.check({ facts, settings: DEFAULT_SETTINGS });
    expect(out.status).toBe('ok');
    expect(out.finding.en).toMatch(/^kindlab up will download \d+ images and 3 manifests; every source answers \(docker\.io, quay\.io, registry\.k8s\.io, raw\.githubusercontent\.com\)\.$/);
    const asked = (facts.probes as unknown as { calls: string[] }).calls.filter((c) => c.startsWith('reach '));
    expect(asked).toEqual(['reach https://registry-1.docker.io/v2/', 'reach https://quay.io/v2/', 'reach https://registry.k8s.io/v2/', 'reach https://raw.githubusercontent.com/']);
  });

  it('only warns when what cannot come is a lab’s probe image, and follows the choices (kube-router, Traefik)', async () => {
    const out = await downloadsCheck.check(
      fakeContext({ ...nodeImageMissing, cachedManifests: allManifests, sources: { 'https://registry-1.docker.io/v2/': { ok: false, via: 'proxy', why: 'proxy', detail: 'proxy:3128 answered 403' } } }, { cni: 'kube-router', ingress: 'traefik' }),
    );
    // kube-router and Traefik come from Docker Hub: up itself is blocked.
    expect(out.status).toBe('fail');
    expect(out.finding.en).toContain('docker.io (the proxy did not get through to it)');
    const labsOnly = await downloadsCheck.check(fakeContext({ commands: { [inspect(DEFAULT_PINS.nodeImage)]: { stdout: 'sha256:abc\n' } }, cachedManifests: allManifests, sources: { 'https://registry-1.docker.io/v2/': { ok: false, via: 'direct', why: 'refused', detail: 'ECONNREFUSED' } } }));
    expect(labsOnly.status).toBe('warn');
    expect(labsOnly.finding.en).toMatch(/^The labs cannot download 2 images it needs: docker\.io/);
  });

  it('asks nothing on the network for a node image of the learner’s own that is here: it may carry the images', async () => {
    const own = 'classroom.local/node:v1.35.8';
    const facts = fakeFacts({ ...OFFLINE, cachedManifests: allManifests, commands: { [inspect(own)]: { stdout: 'sha256:abc\n' } } });
    const out = await downloadsCheck.check({ facts, settings: { ...DEFAULT_SETTINGS, nodeImage: own } });
    expect(out.status).toBe('ok');
    expect(out.finding.en).toMatch(/^The node image classroom\.local\/node:v1\.35\.8 is here; kindlab cannot see before the nodes start whether it carries the other \d+ images \(if not, the nodes pull them from quay\.io, registry\.k8s\.io, docker\.io\)\.$/);
    expect((facts.probes as unknown as { calls: string[] }).calls.filter((c) => c.startsWith('reach '))).toEqual([]);
    // The same image missing from the engine: it has to come from somewhere, and nothing answers.
    const gone = await downloadsCheck.check(fakeContext({ ...OFFLINE, cachedManifests: allManifests, commands: { [inspect(own)]: missing } }, { nodeImage: own }));
    expect(gone.status).toBe('fail');
    expect(gone.finding.en).toContain('classroom.local (its name does not resolve)');
  });

  it('still judges the network while the engine is down', async () => {
    const out = await downloadsCheck.check(fakeContext({ ...OFFLINE, commands: DAEMON_DOWN }));
    expect(out.status).toBe('fail');
  });

  it('is part of the machine the doctor describes', () => {
    expect(machine().sources).toEqual({});
  });
});

function canonical(ref: string): string {
  const [name = ''] = ref.split('@');
  const first = name.split('/')[0] ?? '';
  const host = name.includes('/') && (first.includes('.') || first.includes(':'));
  const path = host ? name : name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return path;
}

describe('downloads check with the image cache', () => {
  it('counts the images the cache holds as here', async () => {
    const refs = [...DEFAULT_PINS.addonImages.calico, ...DEFAULT_PINS.addonImages['ingress-nginx'], ...DEFAULT_PINS.addonImages.metallb, DEFAULT_PINS.images.probe, DEFAULT_PINS.images.netshoot];
    const images = refs.map((ref) => ({ ref, upstream: 'x', usedBy: [], cached: true, sizeBytes: null }));
    const cache = { enabled: true, mode: 'local' as const, upstreams: [], images, cachedCount: images.length, totalCount: images.length, totalBytes: 0 };
    // Only the node image and the manifests are left to download.
    expect((await downloadsCheck.check(fakeContext({ ...OFFLINE, cache }))).finding.en).not.toMatch(/\d{2} images/);
    expect((await downloadsCheck.check(fakeContext({ ...OFFLINE, cache }, { imageCache: false }))).finding.en).toMatch(/\d{2} images/);
  });
});
