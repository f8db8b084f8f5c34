/**
 * Regenerates `convex/_generated/` exactly as a push writes it, without a
 * deployment (this machine cannot reach one).
 *
 * During a push the Convex CLI regenerates `convex/_generated` from the
 * deployment's analysis of the pushed code: the component API types, and the
 * `env` of `_generated/server` typed with only the variables `convex.config.ts`
 * declares. So this script makes a push: the CLI's own `convex deploy`, in a
 * scratch copy of the project (without `_generated`), against the local push
 * stand-in (`scripts/convex-push/standin.ts`), and takes the `_generated` it
 * wrote. TypeScript is checked by `npm run typecheck`, not here.
 *
 *   npm run codegen            # rewrite convex/_generated
 *   npm run codegen -- --check # exit 1 if the checked-in files are stale
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generatedFiles, ROOT, runConvexCli, scratchProject } from "./convex-push/push";
import { startStandin } from "./convex-push/standin";

const GENERATED = path.join(ROOT, "convex", "_generated");

/** The files a push of the current code writes to `convex/_generated`, by name. */
export async function generateByPush(): Promise<Map<string, string>> {
  const standin = await startStandin();
  const scratch = scratchProject({ withGenerated: false });
  try {
    const run = await runConvexCli(scratch.dir, ["deploy", "--yes", "--typecheck=disable"], standin.url);
    if (run.exitCode !== 0) throw new Error(`codegen: the push failed (exit ${run.exitCode}):\n${run.output}`);
    return generatedFiles(scratch.dir);
  } finally {
    await standin.close();
    scratch.remove();
  }
}

/** Names of the files in `dir` that differ from `fresh`, are missing, or are extra. */
export function staleFiles(fresh: Map<string, string>, dir: string): string[] {
  const current = new Set(readdirSync(dir));
  const changed = [...fresh]
    .filter(([name, text]) => !current.has(name) || readFileSync(path.join(dir, name), "utf8") !== text)
    .map(([name]) => name);
  const extra = [...current].filter((name) => !fresh.has(name));
  return [...changed, ...extra].sort();
}

/** Names of the checked-in generated files that differ from what a push writes now. */
export async function staleGeneratedFiles(): Promise<string[]> {
  return staleFiles(await generateByPush(), GENERATED);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const fresh = await generateByPush();
  if (process.argv.includes("--check")) {
    const stale = staleFiles(fresh, GENERATED);
    if (stale.length > 0) {
      console.error(`convex/_generated is stale (${stale.join(", ")}): run \`npm run codegen\`.`);
      process.exit(1);
    }
    console.log("convex/_generated is up to date.");
  } else {
    mkdirSync(GENERATED, { recursive: true });
    for (const name of readdirSync(GENERATED))
      if (!fresh.has(name)) rmSync(path.join(GENERATED, name), { recursive: true });
    for (const [name, text] of fresh) writeFileSync(path.join(GENERATED, name), text);
    console.log(`Regenerated convex/_generated (${[...fresh.keys()].join(", ")}).`);
  }
}
