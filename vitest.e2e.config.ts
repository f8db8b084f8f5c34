import path from "node:path";
import { defineConfig } from "vitest/config";

/** The browser end-to-end suite (`npm run test:e2e`): one app, one file at a time, generous timeouts. */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    name: "e2e",
    environment: "node",
    include: ["tests/e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
