import { defineConfig } from 'vitest/config';

// Tier 3: the labs against a real kube-apiserver, etcd, controller-manager and scheduler with
// simulated nodes (KWOK), built from the Go module proxy by scripts/controlplane/.
export default defineConfig({
  test: {
    include: ['test/controlplane/**/*.cp.spec.ts'],
    globalSetup: ['test/support/scratch-tmpdir.ts', 'test/controlplane/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    pool: 'forks',
    reporters: ['verbose'],
  },
});
