#!/usr/bin/env node
// `npm start`: runs the built app (out/) in Electron. Machines that block Electron's binary
// download (its postinstall fetches it from GitHub) get a clear way out instead of a stack trace.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let electronPath;
try {
  // The electron package exports the path of its binary, and throws when the binary is missing.
  electronPath = createRequire(import.meta.url)('electron');
} catch (err) {
  const reason = String(err?.message ?? err).split('\n')[0];
  console.error(`kindlab: the Electron binary is not installed, so the desktop window cannot open.
  (${reason})
What to do:
  - Download it: node node_modules/electron/install.js   (needs access to github.com; set
    ELECTRON_MIRROR if you use a mirror), then run npm start again.
  - Or use browser mode, which needs no Electron: npx kindlab serve
    and open the URL it prints (through an SSH tunnel on a remote server).`);
  process.exit(1);
}

const child = spawn(electronPath, [`${root}out`, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ELECTRON_NO_ATTACH_CONSOLE: '1' } });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
