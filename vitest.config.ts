import { defineConfig } from 'vitest/config';

// `npm test`: tier 1 (unit tests beside the sources), the fakes' own tests, the in-process
// engine tests, tier 3's own pure parts (test/controlplane/*.spec.ts; its *.cp.spec.ts need
// the control plane) and tier 5's (scripts/tier5/*.spec.ts). The other tiers have scripts of their own:
//   npm run test:engine        tier 2: the real `kindlab` CLI against fake docker/kind/kubectl
//   npm run test:controlplane  tier 3: the labs on a real API server built from Go modules
//   npm run test:ui            tier 4: the UI in Chromium through browser mode
export default defineConfig({
  test: {
    include: ['electron/**/*.spec.ts', 'scripts/tier5/*.spec.ts', 'test/support/**/*.spec.ts', 'test/engine/**/*.spec.ts', 'test/fakes/**/*.spec.ts', 'test/controlplane/**/*.spec.ts'],
    exclude: ['**/node_modules/**', 'test/engine/**/*.cli.spec.ts', 'test/controlplane/**/*.cp.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/scratch-tmpdir.ts'],
  },
});
