import { defineConfig } from 'vitest/config';

// Vitest 4: pool options are top-level (`maxWorkers`, `fileParallelism`); `poolOptions`/`minWorkers` are gone.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'agent-ui/tests/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real services, native addons and child processes: forks isolate them best.
    pool: 'forks',
    // Test files run in parallel, at most two at a time (the machine has two cores).
    fileParallelism: true,
    maxWorkers: 2,
    // Builds the agent console if needed and checks Postgres and Redis before any test file starts.
    globalSetup: ['tests/helpers/global-setup.ts'],
  },
});
