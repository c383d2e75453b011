#!/usr/bin/env node
// `npm run dev`: rebuilds the UI on every change and serves it with the real engine in browser
// mode; reload the page to see a change. (Electron cannot run on every machine; a browser can.)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const children = [
  spawn(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '-c', 'renderer/vite.config.ts', '--watch', '--mode', 'development', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }),
  spawn(process.execPath, [`${root}bin/kindlab.js`, 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
for (const c of children) c.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
