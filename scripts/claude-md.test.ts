/** CLAUDE.md's function tables against the modules of convex/ (see scripts/claude-md.ts). */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { moduleTableProblems, registeredFunctions, stepTableProblems, tableAfter } from "./claude-md";

const root = path.resolve(import.meta.dirname, "..");
const claudeMd = readFileSync(path.join(root, "CLAUDE.md"), "utf8");
const modules = Object.fromEntries(
  readdirSync(path.join(root, "convex"))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
    .map((file) => [file, readFileSync(path.join(root, "convex", file), "utf8")]),
);
const MODULES = "The modules of `convex/`";
const LIFE = "## The life of a job";

describe("CLAUDE.md's function tables", () => {
  test("the modules table names exactly the functions each module registers", () => {
    expect(tableAfter(claudeMd, MODULES).length).toBeGreaterThan(5);
    expect(moduleTableProblems(tableAfter(claudeMd, MODULES), modules)).toEqual([]);
  });

  test("the life of a job names only functions its files export", () => {
    expect(tableAfter(claudeMd, LIFE).length).toBeGreaterThan(4);
    expect(stepTableProblems(tableAfter(claudeMd, LIFE), modules)).toEqual([]);
  });

  test("the checks fail on a table out of step", () => {
    const source = `export const createJob = userMutation({\nexport const getJobs = userQuery({\nexport function helper() {}`;
    expect(registeredFunctions(source)).toEqual(["createJob", "getJobs"]);
    const table = (functions: string) =>
      tableAfter(
        `${MODULES}\n\n| module | owns | functions |\n| --- | --- | --- |\n| \`jobs.ts\` | x | ${functions} |\n`,
        MODULES,
      );
    expect(moduleTableProblems(table("`createJob`, `getJobs`"), { "jobs.ts": source })).toEqual([]);
    expect(moduleTableProblems(table("`createJob`, `oldQuery`"), { "jobs.ts": source })).toEqual([
      "jobs.ts: getJobs is not listed",
      "jobs.ts: oldQuery is listed but not registered",
    ]);
    expect(moduleTableProblems(table("`createJob`, `getJobs`"), { "jobs.ts": source, "new.ts": source })).toEqual([
      "new.ts registers createJob, getJobs but has no row",
    ]);
    const steps = tableAfter(
      `${LIFE}\n\n| step | file | functions |\n| --- | --- | --- |\n| 1. start | \`convex/jobs.ts\` | \`createJob\`, \`gone\` |\n`,
      LIFE,
    );
    expect(stepTableProblems(steps, { "jobs.ts": source })).toEqual(['step "1. start": jobs.ts does not export gone']);
  });
});
