import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The browser end-to-end suite (`npm run test:e2e`): each file starts its own app (local-convex, `next start`,
 * Chromium) and spends most of its time waiting on the paced model, so two files run at once (on 2 cores, 265 s
 * instead of 470 s), with generous timeouts.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    name: "e2e",
    environment: "node",
    include: ["tests/e2e/**/*.e2e.test.ts"],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    // expect.poll's default wait (vitest's is 1 s): a page under the load of two files at once can take longer.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
  },
});
