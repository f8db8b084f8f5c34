/**
 * The real Convex CLI pushes this project, offline: `convex deploy --yes` in a
 * scratch copy of the project, against the push stand-in (`standin.ts`), which
 * answers with the analysis of what was pushed. What a push to a real
 * deployment does on this side is checked for real: bundling, the module list
 * and which modules need Node, code generation from the analysis (typed `env`),
 * the CLI's own TypeScript check, and every request up to `finish_push`.
 * A second push reads a variable that `convex.config.ts` does not declare
 * through `env` of `_generated/server` (a typo of a declared one) and must
 * fail at that TypeScript check.
 *
 * Not covered: the deployment's runtime (its V8 globals, index backfills,
 * schema validation against stored documents). Prints the pushed modules.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ENV_VARS } from "../../convex/lib/envVars";
import { markdownTable } from "../../tests/support/markdownTable";
import type { AnalyzedModule, DefinitionMetadata, ModuleConfig } from "./analyze";
import { generatedFiles, ROOT, runConvexCli, scratchProject, type CliRun, type ScratchProject } from "./push";
import { startStandin, type Standin } from "./standin";

type Push = { standin: Standin; scratch: ScratchProject; run: CliRun; output: string };

type StartPushBody = {
  appDefinition: { changedModules: ModuleConfig[] };
  componentDefinitions: Array<{ definitionPath: string; functions: ModuleConfig[] }>;
};
type StartPushAnswer = {
  analysis: Record<string, { definition: DefinitionMetadata; functions: Record<string, AnalyzedModule> }>;
  app: {
    childComponents: Record<
      string,
      { componentPath: string; childComponents: Record<string, { componentPath: string }> }
    >;
  };
};

// The README's command. `--typecheck=enable` (instead of the default "try")
// also fails when TypeScript cannot be found, so a skipped check cannot pass.
const DEPLOY = ["deploy", "--yes", "--typecheck=enable"];

async function push(prepare?: (projectDir: string) => void): Promise<Push> {
  const standin = await startStandin();
  const scratch = scratchProject();
  prepare?.(scratch.dir);
  const run = await runConvexCli(scratch.dir, DEPLOY, standin.url);
  return { standin, scratch, run, output: stripVTControlCharacters(run.output) };
}

/** An auth.config.ts that reads an undeclared name (`CLERK_JWT_ISSUER` for the declared `CLERK_JWT_ISSUER_DOMAIN`). */
function readUndeclaredVariable(projectDir: string): void {
  writeFileSync(
    path.join(projectDir, "convex", "auth.config.ts"),
    `import type { AuthConfig } from "convex/server";
import { env } from "./_generated/server";

export default {
  providers: env.CLERK_JWT_ISSUER ? [{ domain: env.CLERK_JWT_ISSUER, applicationID: "convex" }] : [],
} satisfies AuthConfig;
`,
  );
}

const paths = (p: Push) => p.standin.requests.map((r) => r.path);
const requestTo = (p: Push, endpoint: string) => p.standin.requests.find((r) => r.path === endpoint);

let ok: Push;
let broken: Push;

beforeAll(async () => {
  // Both pushes at once: each is mostly the CLI's TypeScript check.
  [ok, broken] = await Promise.all([push(), push(readUndeclaredVariable)]);
  console.log(
    `convex deploy took ${(ok.run.durationMs / 1000).toFixed(1)} s, and ${(broken.run.durationMs / 1000).toFixed(1)} s with the broken auth.config.ts (both at once)`,
  );
}, 240_000);

afterAll(async () => {
  for (const p of [ok, broken]) {
    await p?.standin.close();
    p?.scratch.remove();
  }
});

describe("npx convex deploy --yes, against the stand-in", () => {
  test("the CLI's typecheck passes, the push reaches finish_push, the CLI exits 0", () => {
    expect(ok.run.exitCode, ok.output).toBe(0);
    expect(ok.output).toContain("Deployed Convex functions to");
    // report_push_completed is sent as the CLI exits and may not arrive.
    expect(paths(ok).filter((p) => p !== "/api/deploy2/report_push_completed")).toEqual([
      "/api/get_config_hashes",
      "/api/deploy2/evaluate_schema",
      "/api/deploy2/start_push",
      "/api/deploy2/wait_for_schema",
      "/api/deploy2/finish_push",
    ]);
    expect(ok.standin.requests.every((r) => r.status === 200)).toBe(true);
    expect(requestTo(ok, "/api/deploy2/start_push")?.contentEncoding).toBe("br");
  });

  test("bundling: every module runs in Convex's runtime, none needs Node", () => {
    const body = requestTo(ok, "/api/deploy2/start_push")!.body as StartPushBody;
    const modules = body.appDefinition.changedModules;
    const answer = requestTo(ok, "/api/deploy2/start_push")!.response as StartPushAnswer;
    const functionsOf = (m: ModuleConfig) => answer.analysis[""]!.functions[m.path]?.functions.length ?? 0;
    const kb = (n: number) => (n / 1024).toFixed(1);
    const rows = [...modules]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((m) => [
        m.path,
        m.environment,
        kb(m.source.length),
        kb(m.sourceMap?.length ?? 0),
        m.path.startsWith("_deps/") ? "" : functionsOf(m),
      ]);
    const total = modules.reduce((sum, m) => sum + m.source.length, 0);
    rows.push(["(app total)", `${modules.length} modules`, kb(total), "", ""]);
    for (const component of body.componentDefinitions) {
      const size = component.functions.reduce((sum, m) => sum + m.source.length, 0);
      rows.push([
        `(component ${component.definitionPath.replace(/^.*node_modules\//, "")})`,
        `${component.functions.length} modules`,
        kb(size),
        "",
        "",
      ]);
    }
    const nodeModules = [...modules, ...body.componentDefinitions.flatMap((c) => c.functions)]
      .filter((m) => m.environment === "node")
      .map((m) => m.path);
    console.log(
      `\nModules pushed by convex deploy\n${markdownTable(["module", "runtime", "source KB", "source map KB", "functions"], rows, { alignNumbers: true })}` +
        `\nModules that need the Node runtime ("use node"): ${nodeModules.length === 0 ? "none" : nodeModules.join(", ")}`,
    );

    expect(nodeModules).toEqual([]);
    const entryPoints = modules.map((m) => m.path).filter((p) => !p.startsWith("_deps/"));
    expect(entryPoints).toEqual(
      expect.arrayContaining([
        "generationJobs.js",
        "batches.js",
        "admission.js",
        "aiGeneration.js",
        "crons.js",
        "auth.config.js",
      ]),
    );
  });

  test("the analysis is the pushed code's: functions, crons, components, declared env", () => {
    const answer = requestTo(ok, "/api/deploy2/start_push")!.response as StartPushAnswer;
    const app = answer.analysis[""]!;
    const fn = (module: string, name: string) => app.functions[module]?.functions.find((f) => f.name === name);
    expect(fn("generationJobs.js", "createJob")).toMatchObject({ udfType: "Mutation", visibility: { kind: "public" } });
    // Public functions check their arguments in the handler (convex/lib/functions.ts), so a wrong one gets a coded error.
    expect(JSON.parse(fn("generationJobs.js", "createJob")!.args)).toEqual({ type: "any" });
    expect(JSON.parse(fn("batches.js", "saveBatch")!.args)).toMatchObject({
      type: "object",
      value: { jobId: { fieldType: { type: "id", tableName: "generationJobs" } } },
    });
    expect(fn("aiGeneration.js", "processJob")).toMatchObject({ udfType: "Action", visibility: { kind: "internal" } });
    // Every cron of crons.ts names an internal function the analysis found.
    const crons = app.functions["crons.js"]!.cronSpecs!;
    expect(crons.map((c) => c.identifier)).toEqual([
      "cleanup old jobs",
      "recover stuck jobs",
      "start pending migrations",
    ]);
    for (const cron of crons) {
      const [module, name] = cron.spec.udfPath.split(":");
      expect(fn(module!, name!)?.visibility).toEqual({ kind: "internal" });
    }
    // The component tree of convex.config.ts: the rate limiter, and the batch worker it uses.
    expect(answer.app.childComponents.rateLimiter?.childComponents.batchWorker?.componentPath).toBe(
      "rateLimiter/batchWorker",
    );
    // Every variable of convex/lib/envVars.ts is declared (defineApp({ env })), optional, and typed in the pushed Env.
    expect(app.definition.envVars?.map(([name]) => name)).toEqual(Object.keys(ENV_VARS));
    expect(app.definition.envVars?.every(([, declaration]) => declaration.optional === true)).toBe(true);
    const serverTypes = generatedFiles(ok.scratch.dir).get("server.d.ts")!;
    for (const name of Object.keys(ENV_VARS)) expect(serverTypes).toContain(`readonly ${name}: string | undefined;`);
  });

  test("convex/_generated as the push rewrote it is the checked-in one", () => {
    expect(Object.fromEntries(generatedFiles(ok.scratch.dir))).toEqual(Object.fromEntries(generatedFiles(ROOT)));
  });

  test("reading an undeclared variable through env of _generated/server fails the CLI's typecheck (TS2339) before finish_push", () => {
    const error = broken.output.split("\n").find((line) => line.includes("error TS2339"));
    console.log(
      `\nThe push with the undeclared env.CLERK_JWT_ISSUER read through _generated/server failed with:\n  ${error}`,
    );
    expect(broken.run.exitCode).toBe(1);
    expect(broken.output).toContain("TypeScript typecheck via `tsc` failed.");
    expect(error).toMatch(
      /^convex\/auth\.config\.ts:\d+:\d+ - error TS2339: Property 'CLERK_JWT_ISSUER' does not exist on type 'Env'\.$/,
    );
    // The server analysed the push, but it never went live.
    expect(paths(broken)).toContain("/api/deploy2/start_push");
    expect(paths(broken)).not.toContain("/api/deploy2/wait_for_schema");
    expect(paths(broken)).not.toContain("/api/deploy2/finish_push");
  });
});
