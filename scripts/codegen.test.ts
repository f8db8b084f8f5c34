import { expect, test } from "vitest";
import { childComponents, staleGeneratedFiles } from "./codegen";

test("convex/_generated matches what the Convex CLI generates for the current code", async () => {
  expect(await staleGeneratedFiles()).toEqual([]);
}, 120_000);

test("components are read from convex.config.ts as the CLI names them", () => {
  const source = `import rateLimiter from "@convex-dev/rate-limiter/convex.config.js";
    import other from "./other/convex.config";
    app.use(rateLimiter);
    app.use(other, { name: "second" });`;
  expect(childComponents(source)).toEqual([
    { name: "rateLimiter", importSpecifier: "@convex-dev/rate-limiter" },
    { name: "second", importSpecifier: "./other" },
  ]);
});
