// The bundle as a plain tar file (tar-stream), written and read as streams: an image archive is
// hundreds of MB and never held in memory. Writing goes to FILE.partial and is renamed at the
// end, so a cancelled or failed export never leaves a file that looks whole. Reading checks every
// entry against the index while it copies it into a staging folder; the caller puts nothing in
// place until every entry has passed.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { cancelled } from '../errors.ts';
import { type BundleIndex, type BundlePart, INDEX_MAX_BYTES, INDEX_NAME, malformedBundle, parseIndex, partMismatch } from './format.ts';

/** sha256 and size of a file, read as a stream. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: h.digest('hex') };
}

/** One part to write: its entry in the index and the file on disk that holds its bytes. */
export interface PartSource {
  part: BundlePart;
  path: string;
}

/** Bytes of the archive written so far, out of the parts' total. */
export type ByteProgress = (done: number, total: number, part: BundlePart | null) => void;

async function writeEntry(pack: tar.Pack, name: string, body: Buffer | { path: string; size: number }, onChunk: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const size = Buffer.isBuffer(body) ? body.length : body.size;
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name, size, mode: 0o644, mtime: new Date() }, (err) => (err ? reject(err) : resolve()));
    void (async () => {
      if (Buffer.isBuffer(body)) {
        sink.write(body);
      } else {
        for await (const chunk of createReadStream(body.path)) {
          if (signal?.aborted) throw cancelled();
          onChunk((chunk as Buffer).length);
          // Backpressure: wait while the archive file catches up.
          if (!sink.write(chunk as Buffer)) await once(sink as unknown as NodeJS.EventEmitter, 'drain');
        }
      }
      // streamx's end() takes an optional last chunk; none here.
      sink.end(null);
    })().catch((err: unknown) => {
      sink.destroy(err as Error);
      reject(err as Error);
    });
  });
}

/**
 * Writes bundle.json, then every part in order, into `file` (through `file.partial`, renamed
 * once complete). Returns the archive's size in bytes. On any failure the partial file is removed.
 */
export async function writeArchive(file: string, index: BundleIndex, sources: readonly PartSource[], opts: { signal?: AbortSignal; onProgress?: ByteProgress } = {}): Promise<number> {
  const partial = `${file}.partial`;
  const pack = tar.pack();
  const out = createWriteStream(partial);
  const done = pipeline(pack, out);
  const total = sources.reduce((n, s) => n + s.part.size, 0);
  let written = 0;
  try {
    await writeEntry(pack, INDEX_NAME, Buffer.from(`${JSON.stringify(index, null, 2)}\n`), () => undefined);
    for (const s of sources) {
      opts.onProgress?.(written, total, s.part);
      await writeEntry(pack, s.part.name, { path: s.path, size: s.part.size }, (n) => {
        written += n;
      }, opts.signal);
    }
    pack.finalize();
    await done;
    const bytes = out.bytesWritten;
    opts.onProgress?.(total, total, null);
    await rename(partial, file);
    return bytes;
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
}

/** An entry that passed: the part and where its verified bytes are staged. */
export interface StagedPart {
  part: BundlePart;
  path: string;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called once bundle.json is read, before any other entry: throw to refuse the bundle (wrong pins). */
  onIndex?: (index: BundleIndex) => void;
  /** Bytes of the parts verified so far. */
  onProgress?: ByteProgress;
}

/** One entry as the extractor yields it: its header and its bytes. */
type Entry = { header: tar.Header } & AsyncIterable<Buffer>;

async function readIndexEntry(entry: Entry, file: string): Promise<BundleIndex> {
  if (entry.header.size > INDEX_MAX_BYTES) throw malformedBundle(file, `bundle.json is ${entry.header.size} bytes`);
  const chunks: Buffer[] = [];
  for await (const c of entry) chunks.push(c as Buffer);
  return parseIndex(Buffer.concat(chunks).toString('utf8'), file);
}

/**
 * Reads the archive: bundle.json first (checked by `onIndex`), then every part, each hashed while
 * it is copied into `stagingDir` and compared with the index. Throws on the first part that does
 * not match, on an entry the index does not list, on a part missing at the end, and on a
 * truncated or malformed archive. Returns the staged parts in the index's order.
 */
export async function readArchive(file: string, stagingDir: string, opts: ReadOptions = {}): Promise<{ index: BundleIndex; staged: StagedPart[] }> {
  const extract = tar.extract();
  const source = createReadStream(file);
  const feeding = pipeline(source, extract).catch((err: unknown) => err as Error);
  let index: BundleIndex | null = null;
  const staged = new Map<string, StagedPart>();
  let verified = 0;
  let total = 0;
  try {
    for await (const entry of extract as AsyncIterable<Entry>) {
      if (opts.signal?.aborted) throw cancelled();
      const name = entry.header.name;
      if (!index) {
        if (name !== INDEX_NAME) throw malformedBundle(file, `its first entry is ${name}, not ${INDEX_NAME}`);
        index = await readIndexEntry(entry, file);
        opts.onIndex?.(index);
        total = index.parts.reduce((n, p) => n + p.size, 0);
        continue;
      }
      const i = index.parts.findIndex((p) => p.name === name);
      const part = index.parts[i];
      if (!part) throw malformedBundle(file, `it holds ${JSON.stringify(name)}, which its index does not list`);
      if (staged.has(name)) throw malformedBundle(file, `it holds ${name} twice`);
      opts.onProgress?.(verified, total, part);
      // Staged under its position, never under the name the archive gives.
      const path = join(stagingDir, `part-${i}`);
      const h = createHash('sha256');
      let size = 0;
      const sink = createWriteStream(path);
      for await (const chunk of entry) {
        if (opts.signal?.aborted) throw cancelled();
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        verified += (chunk as Buffer).length;
        if (!sink.write(chunk as Buffer)) await once(sink, 'drain');
      }
      sink.end();
      await once(sink, 'finish');
      const got = { size, sha256: h.digest('hex') };
      if (got.size !== part.size || got.sha256 !== part.sha256) throw partMismatch(file, part, got);
      staged.set(name, { part, path });
    }
  } catch (err) {
    source.destroy();
    await feeding;
    throw wrapReadError(err, file);
  }
  const feedErr = await feeding;
  if (feedErr) throw wrapReadError(feedErr, file);
  if (!index) throw malformedBundle(file, 'it is empty');
  const missing = index.parts.filter((p) => !staged.has(p.name));
  if (missing.length) throw malformedBundle(file, `it ends before ${missing.map((p) => p.name).join(', ')} (truncated?)`);
  return { index, staged: index.parts.map((p) => staged.get(p.name)!) };
}

/** tar-stream's own errors (a cut file, a header that is not tar) said as a kindlab failure. */
function wrapReadError(err: unknown, file: string): unknown {
  if (!(err instanceof Error) || err.name === 'KindlabError') return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return err;
  if (/Unexpected end of data/i.test(err.message)) return malformedBundle(file, 'it ends in the middle of an entry (truncated)');
  if (/header|checksum|tar/i.test(err.message)) return malformedBundle(file, `it is not a tar archive (${err.message})`);
  return err;
}
