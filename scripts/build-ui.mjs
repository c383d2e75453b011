#!/usr/bin/env node
// Builds the renderer into dist/renderer/ (what `kindlab serve` and the Electron window load).
// `npm install` runs this through the prepare script. An install without dev dependencies has no
// Vite: then say so and leave, rather than failing the whole install (--strict fails instead).
// --if-stale builds only when a renderer source changed since the last build (scripts/ui-build.mjs).
import { fileURLToPath } from 'node:url';
import { buildUi, uiStaleReason } from './ui-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const strict = process.argv.includes('--strict');
if (process.argv.includes('--if-stale') && uiStaleReason(root) === null) process.exit(0);
const started = Date.now();
if (!(await buildUi(root))) {
  console.warn('kindlab: Vite is not installed (dev dependencies skipped?), so the UI was not built. Run `npm install`, then `npm run build:ui`.');
  process.exit(strict ? 1 : 0);
}
console.log(`kindlab: UI built into dist/renderer/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
