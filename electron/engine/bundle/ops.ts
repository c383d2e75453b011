// `bundle:export` and `bundle:import` as operations: phases with progress, cancellable, the import
// holding the lifecycle lock (it recreates the caches the cluster pulls from). The engine hands
// its parts over; the work is in bundle.ts.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BundleResult, ClusterSettings, RequestOf } from '../../api.ts';
import { createManifestFetcher } from '../addons/manifests.ts';
import type { CacheService } from '../cache/service.ts';
import type { EngineContext } from '../context.ts';
import { KindlabError, isCancellation } from '../errors.ts';
import { both } from '../i18n/text.ts';
import type { OperationHost } from '../operation-runner.ts';
import { EXPORT_PHASES, IMPORT_PHASES, exportBundle, importBundle } from './bundle.ts';
import { type BundleCache, realBundleDeps } from './deps.ts';

export interface BundleHost {
  ctx: EngineContext;
  ops: OperationHost;
  cache: CacheService;
  version: string;
  settings(partial?: Partial<ClusterSettings>): ClusterSettings;
}

function cacheOf(service: CacheService): BundleCache {
  return {
    ensure: (mode, signal) => service.ensure(mode, { signal }),
    pushLocal: (ref, signal) => service.pushLocal(ref, signal),
    // A cache that is down or lacks the image is no error here: the export pulls from upstream instead.
    pullFromCache: (ref, signal) =>
      service.pullToHost(ref, signal).then(
        () => true,
        (err: unknown) => {
          if (isCancellation(err) || signal.aborted) throw err;
          return false;
        },
      ),
  };
}

function depsFor(host: BundleHost, settings: ClusterSettings, onlyChosen = false) {
  return realBundleDeps({
    ctx: host.ctx,
    settings,
    fetcher: createManifestFetcher(host.ctx.dataDir),
    version: host.version,
    cache: cacheOf(host.cache),
    addons: onlyChosen ? [settings.cni, settings.ingress, 'metallb'] : null,
  });
}

export async function runBundleExport(host: BundleHost, req: RequestOf<'bundle:export'>): Promise<BundleResult> {
  const file = resolve(req.file);
  const folder = dirname(file);
  const isDir = await stat(folder).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new KindlabError({
      code: 'bad-input',
      message: both({ en: `cannot write ${file}: the folder ${folder} does not exist`, zh: `无法写入 ${file}：文件夹 ${folder} 不存在` }),
      hint: both({ en: 'Create the folder first, or name a file in an existing one: kindlab bundle export ./kindlab-bundle.tar', zh: '请先创建该文件夹，或指定已有文件夹中的文件：kindlab bundle export ./kindlab-bundle.tar' }),
    });
  }
  const settings = host.settings(req.settings);
  return host.ops.run('bundle-export', req.opId, EXPORT_PHASES, { locked: false }, (op) => exportBundle(depsFor(host, settings, req.onlyChosen ?? false), file, op));
}

export async function runBundleImport(host: BundleHost, req: RequestOf<'bundle:import'>): Promise<BundleResult> {
  const file = resolve(req.file);
  const settings = host.settings();
  return host.ops.run('bundle-import', req.opId, IMPORT_PHASES, { locked: true }, (op) => importBundle(depsFor(host, settings), file, op));
}
