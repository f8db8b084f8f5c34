/**
 * Node ESM loader hook that lets local-convex reach a few module-private
 * internals of convex-test.
 *
 * Why: convex-test keeps its database, transaction manager and async-local
 * stores private, but a backend needs them (persist documents and id
 * counters, react after each commit, track which tables a query read,
 * re-arm scheduled functions after a restart). Editing node_modules or
 * vendoring a copy of convex-test is not an option, so when Node loads
 * `convex-test/dist/index.js` this hook appends one line to its source in
 * memory: `export { DatabaseFake, TransactionManager, ... }`. Nothing else in
 * convex-test changes.
 *
 * A name the source no longer declares is not exported (that would be a
 * syntax error); it is listed in `__localConvexMissingInternals` instead, and
 * `convexTestInternals.ts` refuses to start with a clear message naming it.
 * `local-convex/internals.test.ts` checks all of this against the installed
 * convex-test.
 *
 * Registered by `cli.ts` (`module.register`) before anything imports convex-test.
 */
import type { LoadHook } from "node:module";

/** The convex-test internals local-convex uses (see `convexTestInternals.ts`). */
export const EXPOSED_INTERNALS = [
  "DatabaseFake",
  "TransactionManager",
  "convexGlobalStorage",
  "getConvexGlobal",
  "executionContextStorage",
  "runScheduledFunction",
  "frameworkSetTimeout",
  "tableNameFromId",
  "evaluateRangeFilter",
  "evaluateFieldPath",
] as const;

/** Whether `url` is convex-test's entry module. */
export function isConvexTestEntry(url: string): boolean {
  return url.startsWith("file:") && url.endsWith("/convex-test/dist/index.js");
}

/** convex-test's source with the internals exported (the whole transformation). */
export function exposeInternals(source: string): string {
  const declaredAt = (name: string) =>
    new RegExp(`^(export\\s+)?(async\\s+)?(class|function\\*?|const|let|var)\\s+${name}\\b`, "m").exec(source);
  const toExport: string[] = [];
  const missing: string[] = [];
  for (const name of EXPOSED_INTERNALS) {
    const match = declaredAt(name);
    if (!match) missing.push(name);
    else if (!match[1]) toExport.push(name); // already exported: nothing to add
  }
  return (
    `${source}\n// Added in memory by local-convex/engine/convexTestHook.ts\n` +
    `export { ${toExport.join(", ")} };\n` +
    `export const __localConvexMissingInternals = ${JSON.stringify(missing)};\n`
  );
}

export const load: LoadHook = async (url, context, nextLoad) => {
  const result = await nextLoad(url, context);
  if (!isConvexTestEntry(url) || result.source === undefined) return result;
  const source =
    typeof result.source === "string" ? result.source : Buffer.from(result.source as Uint8Array).toString("utf8");
  return { ...result, source: exposeInternals(source) };
};
