import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_IMMUTABLE, cachePolicy, pickEncoding, resolveAsset, serveAsset } from './assets.ts';

describe('cache and encoding rules', () => {
  it('caches hashed assets for good, never the page, and revalidates the rest', () => {
    expect(cachePolicy('assets/index-D_sMpmzN.js', false)).toBe(CACHE_IMMUTABLE);
    expect(cachePolicy('index.html', true)).toBe('no-store');
    expect(cachePolicy('favicon.svg', false)).toBe('no-cache');
  });

  it.each([
    ['gzip, deflate, br, zstd', ['br', 'gzip'], 'br'],
    ['gzip, deflate', ['br', 'gzip'], 'gzip'],
    ['br;q=0, gzip', ['br', 'gzip'], 'gzip'],
    ['br', ['gzip'], 'identity'],
    ['*', ['br', 'gzip'], 'br'],
    [undefined, ['br', 'gzip'], 'identity'],
    ['identity', ['br', 'gzip'], 'identity'],
  ] as const)('Accept-Encoding %j with %j on disk sends %s', (accept, available, expected) => {
    expect(pickEncoding(accept, available)).toBe(expected);
  });

  it('maps paths into the folder: files, the page for routes, 404 for a missing hashed file, nothing outside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-assets-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), 'page');
    writeFileSync(join(dir, 'assets', 'a-1234abcd.js'), 'js');
    expect(resolveAsset(dir, '/assets/a-1234abcd.js')).toEqual({ file: join(dir, 'assets', 'a-1234abcd.js'), rel: 'assets/a-1234abcd.js', isPage: false });
    expect(resolveAsset(dir, '/labs/services')).toEqual({ file: join(dir, 'index.html'), rel: 'index.html', isPage: true });
    expect(resolveAsset(dir, '/')).toMatchObject({ rel: 'index.html', isPage: true });
    expect(resolveAsset(dir, '/assets/a-old0000.js')).toEqual({ missing: true });
    expect(resolveAsset(dir, '/assets/a-1234abcd.js.br')).toEqual({ missing: true });
    // (URL parsing already drops dot segments; a path that still climbs out is refused)
    expect(resolveAsset(dir, '/../etc/passwd')).toBeNull();
  });
});

describe('serving the build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kl-assets-'));
  const js = `console.log(${JSON.stringify('kindlab '.repeat(4000))});`;
  let port = 0;
  let server: ReturnType<typeof createServer>;
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./assets/index-abc12345.js"></script>');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(dir, 'assets', 'index-abc12345.js'), js);
    writeFileSync(join(dir, 'assets', 'index-abc12345.js.br'), brotliCompressSync(js));
    writeFileSync(join(dir, 'assets', 'index-abc12345.js.gz'), gzipSync(js));
    server = createServer((req: IncomingMessage, res: ServerResponse) => serveAsset(dir, new URL(req.url ?? '/', 'http://x').pathname, req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  it('sends the brotli file to a browser that takes it, gzip to one that takes only that, the plain file otherwise', async () => {
    const br = await get('/assets/index-abc12345.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': CACHE_IMMUTABLE, vary: 'Accept-Encoding', 'content-type': 'text/javascript; charset=utf-8' });
    expect(brotliDecompressSync(br.body).toString()).toBe(js);
    expect(br.body.length).toBeLessThan(js.length / 10);
    const gz = await get('/assets/index-abc12345.js', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);
    const plain = await get('/assets/index-abc12345.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect(Number(plain.headers['content-length'])).toBe(js.length);
  });

  it('sends the page no-store, a missing hashed file as 404, and answers a revalidation with 304', async () => {
    const page = await get('/');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers.etag).toBeUndefined();
    expect((await get('/cluster')).body.toString()).toContain('index-abc12345.js');
    expect((await get('/assets/index-0ld00000.js')).status).toBe(404);
    const icon = await get('/favicon.svg');
    expect(icon.headers['cache-control']).toBe('no-cache');
    const again = await get('/favicon.svg', { 'If-None-Match': String(icon.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});
