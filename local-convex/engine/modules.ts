/**
 * Which files of a Convex functions directory are function modules, and the
 * module map convex-test loads them through. The rules are the Convex CLI's
 * (`convex/dist/esm/bundler/index.js`, `entryPoints`): JS/TS files, except
 * `_generated/`, dotfiles, `schema.ts`, names with more than one dot
 * (`foo.test.ts`, `auth.config.ts`, `foo.d.ts`) and paths with spaces.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ENTRY_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"];

export type ModuleFile = {
  /** Absolute path. */
  file: string;
  /** Path relative to the functions directory without extension, as in function paths: `lib/ai/models`. */
  modulePath: string;
};

/** The function modules of `dir` (recursively), in a stable order. */
export function findFunctionModules(dir: string): ModuleFile[] {
  const result: ModuleFile[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(current, entry.name);
      const relative = path.relative(dir, file).split(path.sep).join("/");
      if (entry.isDirectory()) {
        if (entry.name !== "_generated" && entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(file);
      } else if (isEntryPoint(relative)) {
        result.push({ file, modulePath: relative.replace(/\.[^./]+$/, "") });
      }
    }
  };
  walk(dir);
  return result;
}

/** Whether the file at `relativePath` (with `/` separators) is a function module. */
export function isEntryPoint(relativePath: string): boolean {
  const base = relativePath.split("/").at(-1)!;
  return (
    ENTRY_EXTENSIONS.some((ext) => base.endsWith(ext)) &&
    !relativePath.startsWith("_generated/") &&
    !base.startsWith(".") &&
    !base.startsWith("#") &&
    base !== "schema.ts" &&
    base !== "schema.js" &&
    (base.match(/\./g) ?? []).length === 1 &&
    !relativePath.includes(" ")
  );
}

const imported = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Imports `file` as an ES module (TypeScript works under tsx): one instance
 * per file, and after the first time without a trip through the loader hooks
 * (convex-test imports a function's module on every call).
 */
export function importFile(file: string): Promise<Record<string, unknown>> {
  let module = imported.get(file);
  if (!module) {
    module = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
    imported.set(file, module);
    module.catch(() => imported.delete(file));
  }
  return module;
}

/**
 * The `modules` argument of `convexTest()` / `registerComponent()` for `dir`:
 * its function modules plus its `_generated/*.js` files (convex-test finds
 * the functions root by the `_generated` directory).
 */
export function convexTestModuleMap(dir: string, modules: ModuleFile[]): Record<string, () => Promise<unknown>> {
  const map: Record<string, () => Promise<unknown>> = {};
  const generated = path.join(dir, "_generated");
  let generatedFiles: string[] = [];
  try {
    generatedFiles = readdirSync(generated).filter((f) => /\.m?js$/.test(f) && !f.endsWith(".d.js"));
  } catch {
    // handled below
  }
  if (generatedFiles.length === 0) {
    throw new Error(`${generated} is missing: run \`npm run codegen\` (or \`npx convex codegen\`) first.`);
  }
  for (const f of generatedFiles) map[path.join(generated, f)] = () => importFile(path.join(generated, f));
  for (const { file } of modules) map[file] = () => importFile(file);
  return map;
}
