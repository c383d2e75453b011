// Building the renderer into dist/renderer/, and knowing when that is not needed. A successful
// build leaves dist/renderer.stamp, dated when the build started; the UI is up to date while that
// stamp and dist/renderer/index.html exist and no source the build reads (renderer/, the parts of
// electron/ the renderer imports, the locked dependencies) changed since. A failed or interrupted
// build leaves no newer stamp, so the next start builds again. Checking costs a few milliseconds.
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the renderer build reads, relative to the repository root; folders are walked. */
export const UI_SOURCES = ['renderer', 'electron/api.ts', 'electron/shared', 'package-lock.json'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test-results']);

export const uiStamp = (root) => join(root, 'dist', 'renderer.stamp');

/** The newest modification time (ms) under `path`, spec files left out; 0 when it does not exist. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.spec\.ts$/.test(path) ? 0 : st.mtimeMs;
  let max = st.mtimeMs; // a file removed from the folder changes the folder
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isDirectory() && SKIP_DIRS.has(e.name)) continue;
    max = Math.max(max, newest(join(path, e.name)));
  }
  return max;
}

/** Why dist/renderer/ must be built again, or null when it is the build of the sources as they are. */
export function uiStaleReason(root) {
  let built;
  try {
    built = statSync(uiStamp(root)).mtimeMs;
    statSync(join(root, 'dist', 'renderer', 'index.html'));
  } catch {
    return 'dist/renderer/ has not been built yet';
  }
  for (const source of UI_SOURCES) {
    if (newest(join(root, source)) > built) return `${source} changed since the last UI build`;
  }
  return null;
}

/** Builds the renderer with Vite; false when Vite is not installed (an install without dev dependencies). */
export async function buildUi(root) {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    return false;
  }
  const started = Date.now();
  await vite.build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  const stamp = uiStamp(root);
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  // Dated when the build started: a source saved while it ran counts as newer.
  utimesSync(stamp, started / 1000, started / 1000);
  return true;
}
