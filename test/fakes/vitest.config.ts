import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the fakes' own tests until the main config includes test/fakes:
//   npx vitest run -c test/fakes/vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['test/fakes/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
