import react from "@vitejs/plugin-react";
import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  test: {
    projects: [
      {
        // Convex functions in convex-test, in the edge runtime Convex uses.
        resolve: { alias },
        test: {
          name: "convex",
          environment: "edge-runtime",
          include: ["convex/**/*.test.ts"],
          // Components' test helpers use import.meta.glob: let Vite process them.
          server: { deps: { inline: ["convex-test", "@convex-dev/rate-limiter", "@convex-dev/batch-worker"] } },
        },
      },
      {
        // Pure logic, scripts and the local backend, in Node.
        resolve: { alias },
        test: {
          name: "node",
          environment: "node",
          include: [
            "lib/**/*.test.ts",
            "app/**/*.test.ts",
            "scripts/**/*.test.ts",
            "local-convex/**/*.test.ts",
            "tests/support/**/*.test.ts",
            "tests/integration/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
        },
      },
      {
        // React components with Testing Library.
        plugins: [react()],
        resolve: { alias },
        test: {
          name: "components",
          environment: "jsdom",
          include: ["components/**/*.test.tsx", "hooks/**/*.test.tsx", "app/**/*.test.tsx"],
          setupFiles: ["tests/support/jsdom-setup.ts"],
        },
      },
    ],
  },
});
