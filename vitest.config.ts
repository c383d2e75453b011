import { defineConfig } from 'vitest/config';

// `npm test` runs tiers 1 and 2 (unit tests beside the sources, engine tests with fake tools).
// The control-plane tier has its own script (npm run test:controlplane) and the UI tier its own.
export default defineConfig({
  test: {
    include: ['electron/**/*.spec.ts', 'test/engine/**/*.spec.ts', 'test/fakes/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
