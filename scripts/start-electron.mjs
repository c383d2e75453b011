#!/usr/bin/env node
// `npm start`: the desktop app, at once. The UI is built only when a renderer source changed
// since the last build (scripts/ui-build.mjs). Where Electron's binary is missing (its install
// script, which downloads it from GitHub, is off: allowScripts in package.json) it starts browser
// mode instead, `kindlab serve`, which prints the URL to open; Electron's own advice ("delete
// node_modules/electron and try installing again") would not bring the binary back.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi, uiStaleReason } from './ui-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** Where the electron package keeps its binary, as its index.js finds it; null when it is not there. */
function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, executable || 'electron') : executable ? join(dir, 'dist', executable) : null;
  return binary && existsSync(binary) ? binary : null;
}

/** Runs a child with our terminal, passes Ctrl+C and SIGTERM on, and exits as it does. */
function run(command, argv, env = process.env) {
  const child = spawn(command, argv, { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

const stale = uiStaleReason(root);
if (stale) {
  console.error(`kindlab: building the UI (${stale})…`);
  const started = Date.now();
  if (!(await buildUi(root))) {
    console.error('kindlab: Vite is not installed (dev dependencies skipped?), so the UI cannot be built. Run `npm install`, then `npm start`.');
    process.exit(1);
  }
  console.error(`kindlab: UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const electron = electronBinary();
if (!electron) {
  console.error(`kindlab: Electron's binary is not installed here (this repository's installs skip its download), so
the desktop window cannot open. Starting browser mode instead: the same app, in your browser.
  For the desktop window: node node_modules/electron/install.js  (needs github.com, or ELECTRON_MIRROR)
  then npm start again.
`);
  run(process.execPath, [join(root, 'bin', 'kindlab.js'), 'serve', ...args]);
} else {
  // The Electron host is one esbuild run (a fraction of a second); it always matches the sources.
  await import('./build-electron.mjs');
  run(electron, [join(root, 'out'), ...args], { ...process.env, ELECTRON_NO_ATTACH_CONSOLE: '1' });
}
