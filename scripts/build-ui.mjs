#!/usr/bin/env node
// Builds the renderer into dist/renderer/ (what `kindlab serve` and the Electron window load).
// `npm install` runs this through the prepare script. An install without dev dependencies has no
// Vite: then say so and leave, rather than failing the whole install (--strict fails instead).
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const started = Date.now();
let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('kindlab: Vite is not installed (dev dependencies skipped?), so the UI was not built. Run `npm install`, then `npm run build:ui`.');
  process.exit(strict ? 1 : 0);
}
await vite.build({ configFile: fileURLToPath(new URL('../renderer/vite.config.ts', import.meta.url)), logLevel: 'warn' });
console.log(`kindlab: UI built into dist/renderer/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
