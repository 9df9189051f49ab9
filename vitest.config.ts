import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // one scratch folder per run, removed at its end (test/support/tmp-root.ts)
    globalSetup: ["test/support/tmp-root.ts"],
  },
});
