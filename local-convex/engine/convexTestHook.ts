/**
 * Node ESM loader hook that lets local-convex reach a few module-private
 * internals of convex-test.
 *
 * Why: convex-test keeps its database, transaction manager and async-local
 * stores private, but a backend needs them (persist documents and id
 * counters, react after each commit, track which tables a query read,
 * re-arm scheduled functions after a restart, run them a few at a time).
 * Editing node_modules or vendoring a copy of convex-test is not an option,
 * so when Node loads `convex-test/dist/index.js` this hook changes its source
 * in memory, in two places only:
 *
 * - it appends `export { DatabaseFake, TransactionManager, ... }`;
 * - it renames `runScheduledFunction` (what the timer convex-test sets for a
 *   scheduled function calls when it fires) and declares a stand-in of that
 *   name, which hands each start to the runner local-convex sets with
 *   `setScheduledFunctionRunner` (`scheduledSlots.ts`: wait for a slot, then
 *   call the original). Without a runner it calls the original at once.
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
  "setScheduledFunctionRunner",
] as const;

/** The name `runScheduledFunction`'s original is renamed to. */
const ORIGINAL_RUN_SCHEDULED_FUNCTION = "__localConvexOriginalRunScheduledFunction";

/**
 * `source` with `runScheduledFunction` replaceable (see the header); unchanged
 * if convex-test no longer declares it that way (`setScheduledFunctionRunner`
 * is then reported missing).
 */
function interceptScheduledStarts(source: string): string {
  const declaration = /^async function runScheduledFunction\(/m;
  if (!declaration.test(source)) return source;
  return (
    source.replace(declaration, `async function ${ORIGINAL_RUN_SCHEDULED_FUNCTION}(`) +
    `\nlet __localConvexScheduledFunctionRunner = null;\n` +
    `function runScheduledFunction(job) {\n` +
    `  return __localConvexScheduledFunctionRunner === null\n` +
    `    ? ${ORIGINAL_RUN_SCHEDULED_FUNCTION}(job)\n` +
    `    : __localConvexScheduledFunctionRunner(job, ${ORIGINAL_RUN_SCHEDULED_FUNCTION});\n` +
    `}\n` +
    `function setScheduledFunctionRunner(runner) {\n` +
    `  __localConvexScheduledFunctionRunner = runner;\n` +
    `}\n`
  );
}

/** Whether `url` is convex-test's entry module. */
export function isConvexTestEntry(url: string): boolean {
  return url.startsWith("file:") && url.endsWith("/convex-test/dist/index.js");
}

/** convex-test's source with the internals exported and scheduled starts interceptable (the whole transformation). */
export function exposeInternals(original: string): string {
  const source = interceptScheduledStarts(original);
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
