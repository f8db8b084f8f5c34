import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The browser end-to-end suite (`npm run test:e2e`): each file starts its own app (local-convex, `next start`,
 * Chromium), one file at a time, with generous timeouts. Two at once took 265-315 s instead of ~470 s on 2 cores,
 * but the load made paced jobs outrun the tests' clicks (a job finished before its cancel landed) in 4 of 6 runs.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    name: "e2e",
    environment: "node",
    include: ["tests/e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    // expect.poll's default wait (vitest's is 1 s): a page on a busy machine can take longer.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
  },
});
