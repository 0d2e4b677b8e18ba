import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  // One copy of graphql: Node loads its CommonJS build for Yoga, so our sources must too (no dual-package instanceof mismatch).
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // The subscription memory test measures the heap after a forced collection.
    poolOptions: { forks: { execArgv: ["--expose-gc"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
