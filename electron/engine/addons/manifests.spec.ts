import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KindlabError } from '../errors.ts';
import { createManifestFetcher, sha256 } from './manifests.ts';
import type { ManifestPin } from './pins.ts';

const pin: ManifestPin = { id: 'metallb-native', addon: 'metallb', version: 'v0.15.2', url: 'https://example.invalid/metallb-native.yaml', sha256: sha256('kind: List\n') };
const dataDir = () => mkdtempSync(join(tmpdir(), 'kl-manifests-'));

async function failure(lang: 'en' | 'zh' | undefined): Promise<KindlabError['failure']> {
  const fetcher = createManifestFetcher(dataDir(), lang ? { lang } : {});
  const err = await fetcher.get(pin).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KindlabError);
  return (err as KindlabError).failure;
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
    const got = await createManifestFetcher(dataDir(), { lang: 'zh' }).get(pin);
    expect(got).toMatchObject({ text: 'kind: List\n', fromCache: false });
  });
});
