// Bundles the CLI and engine into dist/cli.mjs (npm packages stay external). Starting from the
// bundle takes a fraction of a second; running the TypeScript sources through tsx takes two.
// bin/kindlab.js uses the bundle only while it is newer than every source file.
import { build } from 'esbuild';

const started = Date.now();
await build({
  entryPoints: ['electron/cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(`dist/cli.mjs built in ${Date.now() - started} ms`);
