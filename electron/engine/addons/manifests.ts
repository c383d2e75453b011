// Upstream manifests are fetched at run time from their pinned release URLs, cached in the data
// folder and checked against the pinned sha256 — on download and again on every reuse, so a
// corrupted or tampered cache file is caught and fetched again. Nothing upstream lives in the repo.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KindlabError, cancelled } from '../errors.ts';
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

function cachePath(dataDir: string, pin: ManifestPin): string {
  return join(manifestCacheDir(dataDir), `${pin.id}-${pin.version}.yaml`);
}

async function download(pin: ManifestPin, signal: AbortSignal | undefined, timeoutMs: number): Promise<Buffer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(pin.url, { signal: combined, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    const why = timeout.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (err as Error).cause ? String((err as { cause: Error }).cause.message ?? (err as Error).cause) : (err as Error).message;
    throw new KindlabError({
      code: 'download-failed',
      message: `could not download ${pin.addon} ${pin.version} (${pin.url}): ${why}`,
      hint: 'Check the internet connection or proxy (HTTPS_PROXY) and try again; downloads are cached, so this is needed only once.',
    });
  }
  if (!res.ok) {
    throw new KindlabError({
      code: 'download-failed',
      message: `could not download ${pin.addon} ${pin.version}: HTTP ${res.status} from ${pin.url}`,
      hint: 'The release file could not be fetched. Try again later; if it persists, report it.',
    });
  }
  return Buffer.from(await res.arrayBuffer());
}

export function createManifestFetcher(dataDir: string, timeoutMs = 60_000): ManifestFetcher {
  return {
    async get(pin, signal) {
      const file = cachePath(dataDir, pin);
      const cached = await readFile(file).catch(() => null);
      if (cached && sha256(cached) === pin.sha256) return { pin, text: cached.toString('utf8'), fromCache: true };
      // A cache file with the wrong hash is treated as absent and replaced.
      const body = await download(pin, signal, timeoutMs);
      const got = sha256(body);
      if (got !== pin.sha256) {
        throw new KindlabError({
          code: 'checksum-mismatch',
          message: `${pin.url} has sha256 ${got.slice(0, 12)}…, expected ${pin.sha256.slice(0, 12)}…`,
          hint: 'The downloaded file is not the pinned release file (a proxy rewriting it, or the release changed). kindlab refuses to install it.',
          diagnostics: [`expected ${pin.sha256}`, `got      ${got}`],
        });
      }
      await mkdir(manifestCacheDir(dataDir), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, file);
      return { pin, text: body.toString('utf8'), fromCache: false };
    },
  };
}

/** Splits a multi-document manifest into Kubernetes objects, skipping empty documents. */
export function parseManifest(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new KindlabError({ code: 'bad-input', message: `${source}: ${doc.errors[0]?.message.split('\n')[0]}`, hint: 'The manifest is not valid YAML.' });
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
