/**
 * Running the real Convex CLI against the push stand-in (`standin.ts`), in a
 * scratch copy of the project, so a push can regenerate `convex/_generated`
 * (and a test can break the code) without touching the checked-in files.
 * Used by the push test (`push.test.ts`) and `npm run codegen`.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// Not copied: dependencies (linked instead), build and test output, local data,
// screenshots, and .env files (a CONVEX_DEPLOYMENT there would pick another target).
const NOT_COPIED = new Set(["node_modules", ".git", ".next", ".local", "out", "coverage", "test-results", "docs"]);

export type ScratchProject = { dir: string; remove(): void };

/**
 * A copy of the project in a temporary folder, `node_modules` linked. Without
 * `withGenerated`, `convex/_generated` is left out (the CLI writes it afresh).
 */
export function scratchProject({ withGenerated = true } = {}): ScratchProject {
  const dir = mkdtempSync(path.join(tmpdir(), "convex-push-"));
  const generated = path.join(ROOT, "convex", "_generated");
  for (const entry of readdirSync(ROOT)) {
    if (NOT_COPIED.has(entry) || entry.startsWith(".env") || entry.endsWith(".tsbuildinfo")) continue;
    cpSync(path.join(ROOT, entry), path.join(dir, entry), {
      recursive: true,
      filter: (source) => withGenerated || !source.startsWith(generated),
    });
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type CliRun = { exitCode: number | null; output: string; durationMs: number };

/**
 * Runs `convex <args>` (the project's own CLI, `node_modules/convex/bin/main.js`)
 * in `projectDir` against the deployment at `url`, as a self-hosted one.
 */
export async function runConvexCli(projectDir: string, args: string[], url: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever this shell points at, the push goes to `url`.
  for (const name of [
    "CONVEX_DEPLOYMENT",
    "CONVEX_DEPLOY_KEY",
    "CONVEX_DEPLOYMENT_TOKEN",
    "CONVEX_URL",
    "NEXT_PUBLIC_CONVEX_URL",
  ])
    delete env[name];
  Object.assign(env, {
    CONVEX_SELF_HOSTED_URL: url,
    CONVEX_SELF_HOSTED_ADMIN_KEY: "standin-admin-key",
    // Keeps the CLI's error reporter (Sentry) off: this machine may be offline.
    CI: "1",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  });
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/convex/bin/main.js"), ...args], {
    cwd: projectDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  return { exitCode, output, durationMs: performance.now() - started };
}

/** The files of a project's `convex/_generated`, by name. */
export function generatedFiles(projectDir: string): Map<string, string> {
  const dir = path.join(projectDir, "convex", "_generated");
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [entry.name, readFileSync(path.join(dir, entry.name), "utf8")]),
  );
}
