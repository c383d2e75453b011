import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { KindlabError } from '../errors.ts';
import { manifestCacheDir } from '../paths.ts';
import { createManifestFetcher, parseManifest, sha256 } from './manifests.ts';
import type { ManifestPin } from './pins.ts';

const pin: ManifestPin = { id: 'metallb-native', addon: 'metallb', version: 'v0.15.2', url: 'https://example.invalid/metallb-native.yaml', sha256: sha256('kind: List\n') };
const dataDir = () => mkdtempSync(join(tmpdir(), 'kl-manifests-'));

/** The failure as a host shows it in `lang` (it carries both languages). */
async function failure(lang: 'en' | 'zh' | undefined): Promise<{ message: string; hint: string; diagnostics?: string[] | undefined; code: string }> {
  const fetcher = createManifestFetcher(dataDir());
  const err = await fetcher.get(pin).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  const f = (err as KindlabError).failure;
  const l = lang ?? 'en';
  return { ...f, message: textIn(f.message, l), hint: textIn(f.hint, l), diagnostics: f.diagnostics?.map((d) => textIn(d, l)) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('manifest download failures speak the learner’s language', () => {
  it('a network failure, in English by default and with lang en', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND example.invalid') });
    });
    for (const f of [await failure(undefined), await failure('en')]) {
      expect(f.code).toBe('download-failed');
      expect(f.message).toBe(`could not download metallb v0.15.2 (${pin.url}): getaddrinfo ENOTFOUND example.invalid`);
      expect(f.hint).toMatch(/^Check the internet connection or proxy \(HTTPS_PROXY\)/);
    }
  });

  it('a network failure in Chinese with lang zh, keeping the URL and the cause', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND example.invalid') });
    });
    const f = await failure('zh');
    expect(f.code).toBe('download-failed');
    expect(f.message).toBe(`无法下载 metallb v0.15.2（${pin.url}）：getaddrinfo ENOTFOUND example.invalid`);
    expect(f.hint).toMatch(/^请检查网络连接或代理（HTTPS_PROXY）/);
  });

  it('an HTTP error in both languages', async () => {
    vi.stubGlobal('fetch', async () => new Response('not found', { status: 404 }));
    expect((await failure('en')).message).toBe(`could not download metallb v0.15.2: HTTP 404 from ${pin.url}`);
    const zh = await failure('zh');
    expect(zh.message).toBe(`无法下载 metallb v0.15.2：${pin.url} 返回 HTTP 404`);
    expect(zh.hint).toMatch(/无法获取发布文件/);
  });

  it('a sha256 mismatch: message and hint in both languages, diagnostics unchanged', async () => {
    vi.stubGlobal('fetch', async () => new Response('kind: Tampered\n'));
    const en = await failure('en');
    expect(en.code).toBe('checksum-mismatch');
    expect(en.message).toMatch(/has sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…/);
    expect(en.hint).toMatch(/refuses to install it/);
    const zh = await failure('zh');
    expect(zh.message).toMatch(/的 sha256 为 [0-9a-f]{12}…，应为 [0-9a-f]{12}…/);
    expect(zh.hint).toMatch(/kindlab 拒绝安装它/);
    expect(zh.diagnostics).toEqual(en.diagnostics);
  });

  it('a good download is cached and returned whatever the language', async () => {
    vi.stubGlobal('fetch', async () => new Response('kind: List\n'));
    const got = await createManifestFetcher(dataDir()).get(pin);
    expect(got).toMatchObject({ text: 'kind: List\n', fromCache: false });
  });
});

describe('the manifest cache in the data folder', () => {
  // A local release server: it counts downloads, and a test can make it serve something else.
  const release = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: metallb-config\n  namespace: metallb-system\n';
  let server: Server;
  let url = '';
  let body = release;
  let downloads = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      downloads++;
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metallb-native.yaml`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    body = release;
    downloads = 0;
  });

  const cached: ManifestPin = { ...pin, sha256: sha256(release) };
  const setup = () => {
    const dir = dataDir();
    const p = { ...cached, url };
    return { dir, p, file: join(manifestCacheDir(dir), `${p.id}-${p.version}.yaml`) };
  };

  it('a second get() is served from the cache, without a download', async () => {
    const { dir, p, file } = setup();
    expect(await createManifestFetcher(dir).get(p)).toMatchObject({ text: release, fromCache: false });
    expect(downloads).toBe(1);
    expect(readFileSync(file).equals(Buffer.from(release))).toBe(true);
    // A new fetcher, as a later `kindlab up` makes one, finds the file and checks it.
    expect(await createManifestFetcher(dir).get(p)).toMatchObject({ text: release, fromCache: true });
    expect(downloads).toBe(1);
    expect(readdirSync(manifestCacheDir(dir))).toEqual([`${p.id}-${p.version}.yaml`]);
  });

  it('a tampered cache file is caught, fetched again and replaced; the learner gets the pinned release', async () => {
    const { dir, p, file } = setup();
    await createManifestFetcher(dir).get(p);
    writeFileSync(file, release.replace('metallb-config', 'evil-config'));
    const again = await createManifestFetcher(dir).get(p);
    expect(again).toMatchObject({ text: release, fromCache: false });
    expect(downloads).toBe(2);
    expect(parseManifest(again.text, p.url).map((o) => o.metadata.name)).toEqual(['metallb-config']);
    expect(readFileSync(file).equals(Buffer.from(release))).toBe(true);
    expect(await createManifestFetcher(dir).get(p)).toMatchObject({ text: release, fromCache: true });
    expect(downloads).toBe(2);
  });

  it('a tampered cache whose download does not match either fails with the sha256 message and caches nothing', async () => {
    const { dir, p, file } = setup();
    await createManifestFetcher(dir).get(p);
    const tampered = release.replace('metallb-config', 'evil-config');
    writeFileSync(file, tampered);
    body = release.replace('metallb-config', 'proxy-rewritten');
    const err = await createManifestFetcher(dir).get(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlabError);
    const f = (err as KindlabError).failure;
    expect(f.code).toBe('checksum-mismatch');
    expect(textIn(f.message, 'en')).toBe(`${url} has sha256 ${sha256(body).slice(0, 12)}…, expected ${p.sha256.slice(0, 12)}…`);
    expect(f.diagnostics).toEqual([`expected ${p.sha256}`, `got      ${sha256(body)}`]);
    expect(downloads).toBe(2);
    // Neither the bad download nor the tampered file is ever handed out.
    expect(readFileSync(file, 'utf8')).toBe(tampered);
    expect(readdirSync(manifestCacheDir(dir))).toEqual([`${p.id}-${p.version}.yaml`]);
    await expect(createManifestFetcher(dir).get(p)).rejects.toThrow(/has sha256/);
    expect(downloads).toBe(3);
  });
});
