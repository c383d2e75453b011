// Builds the renderer into dist/renderer/, which both hosts load: Electron through its app://
// protocol and `kindlab serve` over HTTP. Relative asset paths (base './') work for both.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { type Plugin, defineConfig } from 'vite';

/**
 * Writes file.br and file.gz beside each text file of the build, for `kindlab serve` to send as
 * they are (electron/server/assets.ts): over an SSH tunnel the bytes are what the learner waits
 * for, and compressing once at build time costs nothing per request. The Electron window reads
 * the plain files.
 */
function precompress(): Plugin {
  const TEXT = /\.(js|css|html|svg|json)$/;
  return {
    name: 'kindlab-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? '';
      for (const name of Object.keys(bundle)) {
        if (!TEXT.test(name)) continue;
        const path = join(outDir, name);
        const raw = readFileSync(path);
        if (raw.length < 1024) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
        writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte(), precompress()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Both hosts support module preload natively; the polyfill would be dead code.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
    // Rolldown reports plugins that take a large share of the build ("[PLUGIN_TIMINGS] JavaScript
    // callbacks ran for 6.9s…": here the brotli pass above and Svelte's compiler, both expected).
    // It is advice about build speed, printed on every build; leave it to `node --cpu-prof`.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { fs: { allow: ['..'] } },
});
