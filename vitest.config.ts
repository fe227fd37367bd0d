import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // The memory test forces garbage collection to measure the heap.
    poolOptions: { forks: { execArgv: ["--expose-gc"] } },
    testTimeout: 60_000,
  },
});
