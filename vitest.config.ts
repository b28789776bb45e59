import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'lab', include: ['test/lab/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000 } },
    ],
  },
});
