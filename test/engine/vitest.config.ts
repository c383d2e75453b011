import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tier 2: the real `kindlab` CLI, spawned as learners run it, against fake docker, kind and
// kubectl and a fake Kubernetes API server (test/fakes). `npm run test:engine`.
export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['test/engine/**/*.cli.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/support/scratch-tmpdir.ts'],
  },
});
