/**
 * The ESLint rules that keep dependencies flowing one way (app → components →
 * hooks → lib, convex → lib; no zod in the web app; `@/` in the web app,
 * relative paths on the server; local-convex only through its package entry)
 * really fail on the imports they forbid. Each case lints a snippet as if it
 * were a file where the rule applies, with the project's own config, running
 * only the import rules (no type information needed).
 */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, expect, test } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports" || ruleId === "no-restricted-syntax",
});

// Loading the config (and its plugins) takes seconds on a busy machine: once, here.
beforeAll(() => eslint.calculateConfigForFile(path.join(ROOT, "lib/jobs.ts")), 60_000);

/** The import rules' messages ESLint reports for `source` at `file`. */
async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => m.message);
}

test.each([
  [
    "lib/ importing convex/ by a relative path",
    "lib/probe-a/x.ts",
    `import { api } from "../../convex/_generated/api";\nexport const x = api;\n`,
    /lib\/ is imported by both/,
  ],
  [
    "lib/ importing convex/ by @/",
    "lib/probe-b/x.ts",
    `import { api } from "@/convex/_generated/api";\nexport const x = api;\n`,
    /lib\/ is imported by both/,
  ],
  [
    "lib/ importing a component",
    "lib/probe-c/x.ts",
    `import { Button } from "../../components/ui/button";\nexport const x = Button;\n`,
    /lib\/ is imported by both/,
  ],
  [
    "lib/ importing zod",
    "lib/probe-d/x.ts",
    `import { z } from "zod";\nexport const x = z.string();\n`,
    /zod stays on the server/,
  ],
  [
    "a hook importing a component",
    "hooks/probe-e/x.ts",
    `import { Button } from "@/components/ui/button";\nexport const x = Button;\n`,
    /hooks\/ depend on lib\/ only/,
  ],
  [
    "a component importing server code of convex/",
    "components/probe-f/x.ts",
    `import { chooseModel } from "@/convex/lib/ai/models";\nexport const x = chooseModel;\n`,
    /only through convex\/_generated/,
  ],
  [
    "a component importing by ../",
    "components/probe-g/x.ts",
    `import { cn } from "../ui/cn";\nexport const x = cn;\n`,
    /by @\/, not by \.\.\/ paths/,
  ],
  [
    "convex/ importing the web app",
    "convex/probe-h/x.ts",
    `import { cn } from "../../components/ui/cn";\nexport const x = cn;\n`,
    /never on the web app/,
  ],
  [
    "a script importing a file of local-convex",
    "scripts/probe-i/x.ts",
    `import { isLoopbackOrigin } from "../../local-convex/origin";\nexport const x = isLoopbackOrigin;\n`,
    /through its package entry/,
  ],
  [
    "a test importing a package subpath of local-convex",
    "tests/probe-j/x.ts",
    `import { startTestIssuer } from "local-convex/test/issuer";\nexport const x = startTestIssuer;\n`,
    /through its package entry/,
  ],
  [
    "the benchmark loading local-convex's engine with import()",
    "bench/probe-k/x.ts",
    `export const x = await import("../../local-convex/engine/engine");\n`,
    /through its package entry/,
  ],
  [
    "a type from a file of local-convex",
    "bench/probe-l/x.ts",
    `export type X = import("../../local-convex/engine/engine").Engine;\n`,
    /through its package entry/,
  ],
  [
    "a component importing a file of local-convex",
    "components/probe-m/x.ts",
    `import { log } from "@/local-convex/log";\nexport const x = log;\n`,
    /through its package entry/,
  ],
])("%s is refused", async (_what, file, source, message) => {
  expect(await restrictedImports(file, source)).toEqual([expect.stringMatching(message)]);
});

test("the allowed directions pass", async () => {
  expect(
    await restrictedImports(
      "components/probe-ok/x.ts",
      `import { api } from "@/convex/_generated/api";\nimport { JOB_CONFIG } from "@/lib/constants/jobs";\nexport const x = [api, JOB_CONFIG];\n`,
    ),
  ).toEqual([]);
  expect(
    await restrictedImports(
      "scripts/probe-ok/x.ts",
      `import { startLocalConvex, type Engine } from "local-convex";\nexport const x: [unknown, Engine?] = [startLocalConvex];\n`,
    ),
  ).toEqual([]);
  expect(
    await restrictedImports("local-convex/probe-ok/x.ts", `import { log } from "../log";\nexport const x = log;\n`),
  ).toEqual([]);
  expect(
    await restrictedImports(
      "convex/probe-ok/x.ts",
      `import { JOB_CONFIG } from "../../lib/constants/jobs";\nexport const x = JOB_CONFIG;\n`,
    ),
  ).toEqual([]);
});
