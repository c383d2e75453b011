// Where kindlab keeps its own files: the cluster kubeconfig, the rendered kind config, the
// manifest cache and the lifecycle lock. Never inside ~/.kube.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { assertClusterName } from './cluster/name.ts';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.KINDLAB_DATA_DIR) return env.KINDLAB_DATA_DIR;
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
