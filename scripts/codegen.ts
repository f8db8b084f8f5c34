/**
 * Regenerates `convex/_generated/` as `npx convex codegen` does, without a
 * deployment (this machine cannot reach one).
 *
 * The CLI needs a deployment only to analyse components and env declarations.
 * This script runs the CLI's offline code generation (`--system-udfs`), then
 * writes what a push adds, with the CLI's own templates: the typed `env` of
 * `server.d.ts` (the variables `convex/convex.config.ts` declares, as the
 * backend's analysis reports them), and the `components` export (one
 * `ComponentApi` import per `app.use(...)`).
 *
 *   npm run codegen            # rewrite convex/_generated
 *   npm run codegen -- --check # exit 1 if the checked-in files are stale
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as prettier from "prettier";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

type ChildComponent = { name: string; importSpecifier: string };

/** `import x from "pkg/convex.config.js"` + `app.use(x, { name })` → components. */
export function childComponents(configSource: string): ChildComponent[] {
  const imports = new Map<string, string>();
  for (const m of configSource.matchAll(/import\s+(\w+)\s+from\s+["']([^"']+)\/convex\.config(?:\.js|\.ts)?["']/g)) {
    imports.set(m[1]!, m[2]!);
  }
  const result: ChildComponent[] = [];
  for (const m of configSource.matchAll(/app\.use\(\s*(\w+)\s*(?:,\s*\{[^}]*name:\s*["']([^"']+)["'][^}]*\})?/g)) {
    const importSpecifier = imports.get(m[1]!);
    if (!importSpecifier) throw new Error(`codegen: cannot find the import of component "${m[1]}"`);
    result.push({ name: m[2] ?? defaultComponentName(importSpecifier), importSpecifier });
  }
  return result;
}

/** The name `defineComponent(...)` gives the component, read from its config. */
function defaultComponentName(importSpecifier: string): string {
  const configPath = path.join(root, "node_modules", importSpecifier, "dist/component/convex.config.js");
  const m = readFileSync(configPath, "utf8").match(/defineComponent\(\s*["']([^"']+)["']/);
  if (!m) throw new Error(`codegen: no defineComponent name in ${configPath}`);
  return m[1]!;
}

async function format(source: string): Promise<string> {
  return prettier.format(source, { parser: "typescript", pluginSearchDirs: false });
}

const HEADER = `/* eslint-disable */
/**
 * Generated \`api\` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run \`npx convex dev\`.
 * @module
 */
`;

async function generate(projectDir: string): Promise<void> {
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/convex/bin/main.js"), "codegen", "--system-udfs", "--typecheck", "disable"],
    { cwd: projectDir, stdio: ["ignore", "ignore", "pipe"] },
  );
  const generated = path.join(projectDir, "convex/_generated");
  await writeTypedEnv(projectDir, generated);
  const components = childComponents(readFileSync(path.join(projectDir, "convex/convex.config.ts"), "utf8"));
  if (components.length === 0) return;

  const apiDts = readFileSync(path.join(generated, "api.d.ts"), "utf8");
  const lines = components.map(
    (c) => `  "${c.name}": import("${c.importSpecifier}/_generated/component.js").ComponentApi<"${c.name}">,`,
  );
  writeFileSync(
    path.join(generated, "api.d.ts"),
    await format(`${apiDts}\n  export declare const components: {\n${lines.join("\n")}\n};`),
  );
  writeFileSync(
    path.join(generated, "api.js"),
    await format(`${HEADER}
    import { anyApi, componentsGeneric } from "convex/server";

    /**
     * A utility for referencing Convex functions in your app's API.
     *
     * Usage:
     * \`\`\`js
     * const myFunctionReference = api.myModule.myFunction;
     * \`\`\`
     */
    export const api = anyApi;
    export const internal = anyApi;
    export const components = componentsGeneric();
  `),
  );
}

/** `server.js` / `server.d.ts` as a push writes them: `env` typed from the app's declared env vars. */
async function writeTypedEnv(projectDir: string, generated: string): Promise<void> {
  // convex.config.ts declares `lib/envVars.ts`'s ENV_VARS (it cannot be imported
  // outside Convex's bundler); serialized as the app definition reports them.
  const { ENV_VARS } = (await import(pathToFileURL(path.join(projectDir, "convex/lib/envVars.ts")).href)) as {
    ENV_VARS: Record<string, { json: unknown; isOptional: string }>;
  };
  const envVars = Object.entries(ENV_VARS).map(([name, validator]) => [
    name,
    { type: "value", value: JSON.stringify(validator.json), ...(validator.isOptional === "optional" ? { optional: true } : {}) },
  ]);
  const require = createRequire(import.meta.url);
  const { serverCodegen } = require(path.join(root, "node_modules/convex/dist/cjs/cli/codegen_templates/server.js")) as {
    serverCodegen(this: void, options: { useTypeScript: false; envVars: unknown[] }): { JS: string; DTS: string };
  };
  const server = serverCodegen({ useTypeScript: false, envVars });
  writeFileSync(path.join(generated, "server.js"), await format(server.JS));
  writeFileSync(path.join(generated, "server.d.ts"), await format(server.DTS));
}

/** Generates into a scratch copy of the project and returns the files. */
async function generateInScratch(): Promise<Map<string, string>> {
  const scratch = mkdtempSync(path.join(tmpdir(), "codegen-"));
  try {
    for (const f of ["package.json", "convex.json"]) cpSync(path.join(root, f), path.join(scratch, f));
    cpSync(path.join(root, "convex"), path.join(scratch, "convex"), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}_generated`),
    });
    for (const dir of ["lib", "types"]) cpSync(path.join(root, dir), path.join(scratch, dir), { recursive: true });
    symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"));
    await generate(scratch);
    const dir = path.join(scratch, "convex/_generated");
    return new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Names of the checked-in generated files that differ from a fresh generation. */
export async function staleGeneratedFiles(): Promise<string[]> {
  const fresh = await generateInScratch();
  const dir = path.join(root, "convex/_generated");
  const current = new Set(readdirSync(dir));
  const stale = [...fresh].filter(([f, text]) => !current.has(f) || readFileSync(path.join(dir, f), "utf8") !== text);
  const extra = [...current].filter((f) => !fresh.has(f));
  return [...stale.map(([f]) => f), ...extra];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv.includes("--check")) {
    const stale = await staleGeneratedFiles();
    if (stale.length > 0) {
      console.error(`convex/_generated is stale (${stale.join(", ")}): run \`npm run codegen\`.`);
      process.exit(1);
    }
    console.log("convex/_generated is up to date.");
  } else {
    await generate(root);
    console.log("Regenerated convex/_generated.");
  }
}
