// Where kindlab keeps its own files: the cluster kubeconfig, the rendered kind config, the
// manifest cache and the lifecycle lock. Never inside ~/.kube.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertClusterName } from './cluster/name.ts';

/** The platform's own data folder for kindlab (KINDLAB_DATA_DIR, read by env.ts, goes before it). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'kindlab');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'kindlab');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'kindlab');
}

export interface ClusterPaths {
  dir: string;
  kubeconfig: string;
  kindConfig: string;
}

export function clusterPaths(dataDir: string, name: string): ClusterPaths {
  // The folder is removed by `down`: a name like ".." must never reach join().
  assertClusterName(name);
  const dir = join(dataDir, 'clusters', name);
  return { dir, kubeconfig: join(dir, 'kubeconfig'), kindConfig: join(dir, 'kind-config.yaml') };
}

export function manifestCacheDir(dataDir: string): string {
  return join(dataDir, 'cache', 'manifests');
}

export function lockFile(dataDir: string): string {
  return join(dataDir, 'lifecycle.lock');
}

/**
 * Folders an operation may create on its way (the data folder for its lock, a cluster's own
 * folder), innermost first: the ones that do not exist yet. `pruneEmpty` removes those still
 * empty afterwards, so a failed first `up` leaves no empty data folder behind.
 */
export function missingFolders(dataDir: string): string[] {
  const candidates = [join(dataDir, 'clusters'), dataDir];
  return candidates.filter((d) => !existsSync(d));
}

export function pruneEmpty(folders: readonly string[]): void {
  for (const d of folders) {
    try {
      // Cluster folders the operation left empty inside clusters/ go first.
      if (d.endsWith('clusters') && existsSync(d)) for (const c of readdirSync(d)) pruneEmpty([join(d, c)]);
      if (existsSync(d) && readdirSync(d).length === 0 && dirname(d) !== d) rmdirSync(d);
    } catch {
      // another process is writing there: not ours to remove
    }
  }
}
