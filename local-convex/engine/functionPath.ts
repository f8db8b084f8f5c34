/**
 * Function paths as clients send them, and the one canonical form used inside
 * local-convex and by convex-test: `"module/path:exportName"`.
 */

/**
 * `"messages"`, `"messages.js"`, `"messages:list"`, `"messages.js:list"` →
 * `"messages:default"` / `"messages:list"` (what the backend accepts).
 * Throws on paths that cannot name a function.
 */
export function canonicalizeUdfPath(udfPath: string): string {
  const colon = udfPath.lastIndexOf(":");
  const modulePart = colon === -1 ? udfPath : udfPath.slice(0, colon);
  const exportName = colon === -1 ? "default" : udfPath.slice(colon + 1);
  const modulePath = modulePart.replace(/\.js$/, "");
  if (!/^[\w-]+(\/[\w-]+)*$/.test(modulePath) || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new Error(`Invalid function path: ${JSON.stringify(udfPath)}`);
  }
  return `${modulePath}:${exportName}`;
}

/** `/api/run/messages/list` style paths: `"messages/list"` → `"messages:list"`, `"a/b/c"` → `"a/b:c"`. */
export function udfPathFromRunPath(runPath: string): string {
  const parts = runPath.split("/").filter((p) => p.length > 0);
  if (parts.length < 2) throw new Error(`Invalid function path: ${JSON.stringify(runPath)}`);
  return canonicalizeUdfPath(`${parts.slice(0, -1).join("/")}:${parts.at(-1)}`);
}
