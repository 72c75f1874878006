import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20000,
    hookTimeout: 20000,
    pool: 'forks',
    // integration tests measure real timing (stale links, holds): one file at a time keeps them honest on 2 cores
    fileParallelism: false,
  },
});
