import { defineConfig } from "vitest/config";

/** Only for `npm run bench` (bench/run.mjs): the API-call counts, not a test suite. */
export default defineConfig({
  test: {
    include: ["bench/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
