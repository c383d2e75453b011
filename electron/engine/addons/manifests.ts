// Upstream manifests are fetched at run time from their pinned release URLs, cached in the data
// folder and checked against the pinned sha256 — on download and again on every reuse, so a
// corrupted or tampered cache file is caught and fetched again. Nothing upstream lives in the repo.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KindlabError, cancelled } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { KubeObject } from '../kube/client.ts';
import { manifestCacheDir } from '../paths.ts';
import type { ManifestPin } from './pins.ts';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface FetchedManifest {
  pin: ManifestPin;
  text: string;
  fromCache: boolean;
}

export interface ManifestFetcher {
  get(pin: ManifestPin, signal?: AbortSignal): Promise<FetchedManifest>;
}

export function cacheFile(dataDir: string, pin: ManifestPin): string {
  return join(manifestCacheDir(dataDir), `${pin.id}-${pin.version}.yaml`);
}

/** Writes bytes already checked against `pin` into the cache, atomically (never a half-written file). */
export async function storeVerified(dataDir: string, pin: ManifestPin, body: Buffer): Promise<void> {
  if (sha256(body) !== pin.sha256) throw new Error(`refusing to cache ${pin.id}: its sha256 is not the pin's`);
  const file = cacheFile(dataDir, pin);
  await mkdir(manifestCacheDir(dataDir), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}

async function download(pin: ManifestPin, signal: AbortSignal | undefined, timeoutMs: number): Promise<Buffer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(pin.url, { signal: combined, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    const secs = Math.round(timeoutMs / 1000);
    const why = timeout.aborted
      ? both({ en: `no answer within ${secs} s`, zh: `${secs} 秒内没有响应` })
      : (err as Error).cause
        ? String((err as { cause: Error }).cause.message ?? (err as Error).cause)
        : (err as Error).message;
    throw new KindlabError({
      code: 'download-failed',
      message: both({ en: `could not download ${pin.addon} ${pin.version} (${pin.url}): ${why}`, zh: `无法下载 ${pin.addon} ${pin.version}（${pin.url}）：${why}` }),
      hint: both({
          en: `Check the internet connection or proxy (HTTPS_PROXY) and try again; downloads are cached, so this is needed only once. Without internet: fetch ${pin.url} on another machine, put it in a folder and run \`kindlab manifests import FOLDER\`.`,
          zh: `请检查网络连接或代理（HTTPS_PROXY）后重试；下载内容会被缓存，只需成功下载一次。没有网络时：在另一台机器上下载 ${pin.url}，放进一个文件夹，再运行 \`kindlab manifests import 文件夹\`。`,
        }),
    });
  }
  if (!res.ok) {
    throw new KindlabError({
      code: 'download-failed',
      message: both({ en: `could not download ${pin.addon} ${pin.version}: HTTP ${res.status} from ${pin.url}`, zh: `无法下载 ${pin.addon} ${pin.version}：${pin.url} 返回 HTTP ${res.status}` }),
      hint: both({ en: 'The release file could not be fetched. Try again later; if it persists, report it.', zh: '无法获取发布文件。请稍后重试；如果问题持续存在，请报告。' }),
    });
  }
  return Buffer.from(await res.arrayBuffer());
}

export interface ManifestFetcherOptions {
  /** Bound for one download; default 60 s. */
  timeoutMs?: number;
}

export function createManifestFetcher(dataDir: string, opts: ManifestFetcherOptions = {}): ManifestFetcher {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return {
    async get(pin, signal) {
      const file = cacheFile(dataDir, pin);
      const cached = await readFile(file).catch(() => null);
      if (cached && sha256(cached) === pin.sha256) return { pin, text: cached.toString('utf8'), fromCache: true };
      // A cache file with the wrong hash is treated as absent and replaced.
      const body = await download(pin, signal, timeoutMs);
      const got = sha256(body);
      if (got !== pin.sha256) {
        throw new KindlabError({
          code: 'checksum-mismatch',
          message: both({
              en: `${pin.url} has sha256 ${got.slice(0, 12)}…, expected ${pin.sha256.slice(0, 12)}…`,
              zh: `${pin.url} 的 sha256 为 ${got.slice(0, 12)}…，应为 ${pin.sha256.slice(0, 12)}…`,
            }),
          hint: both({
              en: 'The downloaded file is not the pinned release file (a proxy rewriting it, or the release changed). kindlab refuses to install it.',
              zh: '下载的文件不是锁定版本的发布文件（可能被代理改写，或发布文件已变更）。kindlab 拒绝安装它。',
            }),
          diagnostics: [`expected ${pin.sha256}`, `got      ${got}`],
        });
      }
      await storeVerified(dataDir, pin, body);
      return { pin, text: body.toString('utf8'), fromCache: false };
    },
  };
}

/** Splits a multi-document manifest into Kubernetes objects, skipping empty documents. */
export function parseManifest(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new KindlabError({ code: 'bad-input', message: `${source}: ${doc.errors[0]?.message.split('\n')[0]}`, hint: both({ en: 'The manifest is not valid YAML.', zh: '该清单不是有效的 YAML。' }) });
    }
    const obj = doc.toJS({ maxAliasCount: 1000 }) as KubeObject | null;
    if (!obj || typeof obj !== 'object') continue;
    if (obj.kind === 'List' && Array.isArray((obj as { items?: unknown }).items)) {
      out.push(...((obj as unknown as { items: KubeObject[] }).items));
      continue;
    }
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) continue;
    out.push(obj);
  }
  return out;
}
