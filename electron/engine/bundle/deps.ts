// The bundle's real dependencies: docker on the host engine (pull, tag, save, load), the manifest
// cache, the inventory of the image cache, and the image caches themselves (started in local
// mode and filled with `pushLocal`), given by the cache service.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddonId, CacheMode, ClusterSettings } from '../../api.ts';
import { type ManifestFetcher, cacheFile, storeVerified } from '../addons/manifests.ts';
import { versionPins } from '../addons/pins.ts';
import { inventory, labImages } from '../cache/inventory.ts';
import { upstreamOf } from '../cache/mirrors.ts';
import { type EngineContext, nodeImageOf } from '../context.ts';
import { KindlabError } from '../errors.ts';
import { both } from '../i18n/text.ts';
import { DEFAULT_LABS_DIR, loadLabs } from '../labs/loader.ts';
import type { BundleDeps, BundleImage } from './bundle.ts';

/** What the bundle needs of the image cache (the cache service offers it). */
export interface BundleCache {
  /** Creates and starts every cache container, in this mode, idempotently. */
  ensure(mode: CacheMode, signal: AbortSignal): Promise<unknown>;
  /** Tags a host-engine image with its cache's host port and pushes it in. */
  pushLocal(ref: string, signal: AbortSignal): Promise<unknown>;
  /** Pulls `ref` onto the host engine from its cache's host port, naming it `ref`; false when the cache has no copy. */
  pullFromCache?(ref: string, signal: AbortSignal): Promise<boolean>;
}

/** Docker commands that move whole images: bounded against a wedged engine, not against a slow disk. */
const IMAGE_TIMEOUT_MS = 30 * 60_000;

/** Every image the bundle carries: the inventory (every add-on choice, every lab), the caches' registry and the node image. */
function bundleImages(ctx: Pick<EngineContext, 'pins' | 'labsDir'>, settings: ClusterSettings, manifests: ReadonlyMap<string, string>): BundleImage[] {
  const labs = loadLabs(ctx.labsDir ?? DEFAULT_LABS_DIR).labs.map((l) => labImages(l, ctx.pins));
  const out: BundleImage[] = inventory(ctx.pins, labs, manifests);
  const extra = (ref: string, user: string) => {
    const found = out.find((i) => i.ref === ref);
    if (found) {
      if (!found.usedBy.includes(user)) found.usedBy.push(user);
    } else {
      out.push({ ref, upstream: upstreamOf(ref), usedBy: [user] });
    }
  };
  // Offline, the caches cannot start without their own image, nor kind without the node image.
  extra(ctx.pins.cacheImage, 'cache');
  extra(nodeImageOf(settings, ctx.pins), 'node');
  return out;
}

export interface RealDepsOptions {
  ctx: EngineContext;
  settings: ClusterSettings;
  fetcher: ManifestFetcher;
  version: string;
  cache: BundleCache | null;
  /** An export of the chosen add-ons only; null: of every one. */
  addons?: readonly AddonId[] | null;
}

function noCache(): KindlabError {
  return new KindlabError({
    code: 'internal',
    message: both({ en: 'this kindlab has no image cache to put the bundle\'s images in', zh: '此 kindlab 没有可存放离线包镜像的镜像缓存' }),
    hint: both({ en: 'The images were loaded into the container engine; update kindlab to a version with the image cache and import again.', zh: '镜像已载入容器引擎；请升级到带镜像缓存的 kindlab 版本后重新导入。' }),
  });
}

export function realBundleDeps(o: RealDepsOptions): BundleDeps {
  const { ctx } = o;
  const docker = (args: string[], signal: AbortSignal, onLine?: (line: string) => void) =>
    ctx.tools.run('docker', args, { signal, timeoutMs: IMAGE_TIMEOUT_MS, ...(onLine ? { onLine: (l) => onLine(l) } : {}) });
  return {
    version: o.version,
    pins: versionPins(ctx.pins),
    manifestPins: ctx.pins.manifests,
    addons: o.addons ?? null,
    images: async (manifests) => bundleImages(ctx, o.settings, manifests),
    readManifest: async (pin, signal) => {
      // The fetcher verifies (and downloads when missing); the bytes are then the cache file's own.
      await o.fetcher.get(pin, signal);
      return readFile(cacheFile(ctx.dataDir, pin));
    },
    storeManifest: (pin, body) => storeVerified(ctx.dataDir, pin, body),
    ensureImage: async (ref, signal, log) => {
      const present = await ctx.tools.run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { signal, allowFailure: true });
      if (present.exitCode === 0) return;
      if (o.cache?.pullFromCache && (await o.cache.pullFromCache(ref, signal))) return;
      await docker(['pull', ref], signal, log);
    },
    tagImage: async (from, to, signal) => {
      await docker(['tag', from, to], signal);
    },
    saveImage: async (name, path, signal) => {
      await docker(['save', '-o', path, name], signal);
    },
    loadImage: async (path, signal) => {
      await docker(['load', '-i', path], signal);
    },
    startCaches: async (signal) => {
      if (!o.cache) throw noCache();
      await o.cache.ensure('local', signal);
    },
    pushLocal: async (name, signal) => {
      if (!o.cache) throw noCache();
      await o.cache.pushLocal(name, signal);
    },
    stagingRoot: join(ctx.dataDir, 'cache'),
    now: () => Date.now(),
  };
}
