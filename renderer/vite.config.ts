// Builds the renderer into dist/renderer/, which both hosts load: Electron through its app://
// protocol and `kindlab serve` over HTTP. Relative asset paths (base './') work for both.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Both hosts support module preload natively; the polyfill would be dead code.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
  },
  server: { fs: { allow: ['..'] } },
});
