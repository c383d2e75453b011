#!/usr/bin/env node
// Builds the Electron host into out/: main.js (ESM, the engine bundled in, npm packages left to
// node_modules; the engine finds labs/ and dist/renderer/ from the package root) and
// preload.cjs (CommonJS, self-contained: a sandboxed preload can only require 'electron').
// No Electron binary is needed to build.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}out`;
const started = Date.now();

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'out/main.js',
    format: 'esm',
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'out/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  }),
]);

// Electron reads the app's name and version from the package.json beside its main script. It
// must not be named "kindlab": the engine finds labs/ by walking up to that package.json
// (electron/engine/root.ts), which has to stay the repository's.
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/package.json`, `${JSON.stringify({ name: 'kindlab-desktop', productName: 'kindlab', version: pkg.version, type: 'module', main: 'main.js', private: true }, null, 2)}\n`);
console.log(`built out/main.js and out/preload.cjs in ${Date.now() - started} ms`);
