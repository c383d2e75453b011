// Renderer unit tests: happy-dom, Svelte compiled for the browser, kept apart from the engine's
// node tests (the root vitest.config.ts). Run with `npm run test:renderer`.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'happy-dom',
    testTimeout: 15_000,
    globalSetup: ['../test/support/scratch-tmpdir.ts'],
  },
});
