/**
 * The ESLint rules that keep dependencies flowing one way (app → components →
 * hooks → lib, convex → lib; no zod in the web app; `@/` in the web app,
 * relative paths on the server) really fail on the imports they forbid. Each
 * case lints a snippet as if it were a file where the rule applies, with the
 * project's own config, running that one rule (no type information needed).
 */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, expect, test } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
});

// Loading the config (and its plugins) takes seconds on a busy machine: once, here.
beforeAll(() => eslint.calculateConfigForFile(path.join(ROOT, "lib/jobs.ts")), 60_000);

/** The `no-restricted-imports` messages ESLint reports for `source` at `file`. */
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
      "convex/probe-ok/x.ts",
      `import { JOB_CONFIG } from "../../lib/constants/jobs";\nexport const x = JOB_CONFIG;\n`,
    ),
  ).toEqual([]);
});
