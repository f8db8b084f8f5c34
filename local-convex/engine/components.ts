/**
 * The Convex components an app uses, found by reading `convex.config.ts`.
 *
 * Component definitions cannot be evaluated outside Convex's bundler, so the
 * configs are read as text, the way `scripts/codegen.ts` does: each
 * `x.use(component[, { name }])` whose `component` is imported from a
 * `.../convex.config(.js|.ts)` module is a child; its name is the `name`
 * option or the `defineComponent("name")` of its own config; its functions
 * and schema sit next to that config (a package's `dist/component/`). Child
 * components of components are found the same way, at paths like
 * `rateLimiter/batchWorker`.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export type ComponentSpec = {
  /** Path of the component in the app: `"rateLimiter"`, `"rateLimiter/batchWorker"`. */
  path: string;
  /** Directory of its function modules and schema. */
  dir: string;
  /** Its schema module, if it has one. */
  schemaFile: string | null;
};

type ChildUse = { name: string | null; configFile: string };

/** All components used by the app whose config is `appConfigFile`, parents before children. */
export function discoverComponents(appConfigFile: string): ComponentSpec[] {
  if (!existsSync(appConfigFile)) return [];
  const result: ComponentSpec[] = [];
  const visit = (configFile: string, parentPath: string) => {
    for (const child of childUses(readFileSync(configFile, "utf8"), configFile)) {
      const name = child.name ?? definedName(child.configFile);
      const componentPath = parentPath === "" ? name : `${parentPath}/${name}`;
      const dir = path.dirname(child.configFile);
      const schemaFile = ["schema.js", "schema.ts"].map((f) => path.join(dir, f)).find((f) => existsSync(f)) ?? null;
      result.push({ path: componentPath, dir, schemaFile });
      visit(child.configFile, componentPath);
    }
  };
  visit(appConfigFile, "");
  return result;
}

/** The `.use(...)` calls of a config's source, with the config file each used component comes from. */
export function childUses(source: string, configFile: string): ChildUse[] {
  const imports = new Map<string, string>();
  for (const m of source.matchAll(/import\s+(\w+)\s+from\s+["']([^"']*\/convex\.config(?:\.[cm]?[jt]s)?)["']/g)) {
    imports.set(m[1]!, m[2]!);
  }
  const uses: ChildUse[] = [];
  for (const m of source.matchAll(/\.use\(\s*(\w+)\s*(?:,\s*\{([^}]*)\})?\s*\)/g)) {
    const specifier = imports.get(m[1]!);
    if (specifier === undefined) {
      throw new Error(`${configFile}: cannot find where component "${m[1]}" is imported from`);
    }
    const name = m[2]?.match(/name:\s*["']([^"']+)["']/)?.[1] ?? null;
    uses.push({ name, configFile: resolveConfig(specifier, configFile) });
  }
  return uses;
}

function resolveConfig(specifier: string, fromFile: string): string {
  if (specifier.startsWith(".")) {
    const base = path.resolve(path.dirname(fromFile), specifier);
    const candidates = [base, ...[".ts", ".js"].map((ext) => base.replace(/\.js$/, "") + ext)];
    const found = candidates.find((f) => existsSync(f) && !f.endsWith("/"));
    if (!found) throw new Error(`${fromFile}: cannot find component config ${specifier}`);
    return found;
  }
  return createRequire(fromFile).resolve(specifier);
}

/** The name in `defineComponent("name")` of a component's config. */
function definedName(configFile: string): string {
  const m = readFileSync(configFile, "utf8").match(/defineComponent\(\s*["']([^"']+)["']/);
  if (!m) throw new Error(`${configFile}: no defineComponent("...") name found`);
  return m[1]!;
}
