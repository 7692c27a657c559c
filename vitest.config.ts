import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Test files share one fresh database per run; they only read it or use
    // their own schema-level fixtures, so they can run in parallel.
    fileParallelism: true,
  },
});
