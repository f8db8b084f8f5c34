/**
 * Function paths as clients send them, and the one canonical form used inside
 * local-convex and by convex-test: `"module/path:exportName"`; and how error
 * messages and logs quote a name a client sent (never all of a huge one).
 */
import { FUNCTION_NAME_IN_ERRORS, MAX_FUNCTION_NAME_LENGTH } from "../limits";

/**
 * `"messages"`, `"messages.js"`, `"messages:list"`, `"messages.js:list"` →
 * `"messages:default"` / `"messages:list"` (what the backend accepts).
 * Throws on paths that cannot name a function.
 */
export function canonicalizeUdfPath(udfPath: string): string {
  if (udfPath.length > MAX_FUNCTION_NAME_LENGTH) throw new Error(functionNameTooLong(udfPath));
  const colon = udfPath.lastIndexOf(":");
  const modulePart = colon === -1 ? udfPath : udfPath.slice(0, colon);
  const exportName = colon === -1 ? "default" : udfPath.slice(colon + 1);
  const modulePath = modulePart.replace(/\.js$/, "");
  if (!/^[\w-]+(\/[\w-]+)*$/.test(modulePath) || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new Error(`Invalid function path: ${JSON.stringify(displayFunctionName(udfPath))}`);
  }
  return `${modulePath}:${exportName}`;
}

/** `/api/run/messages/list` style paths: `"messages/list"` → `"messages:list"`, `"a/b/c"` → `"a/b:c"`. */
export function udfPathFromRunPath(runPath: string): string {
  const parts = runPath.split("/").filter((p) => p.length > 0);
  if (parts.length < 2) throw new Error(`Invalid function path: ${JSON.stringify(displayFunctionName(runPath))}`);
  return canonicalizeUdfPath(`${parts.slice(0, -1).join("/")}:${parts.at(-1)}`);
}

/** A function name as error messages and logs quote it: cut to `FUNCTION_NAME_IN_ERRORS` characters. */
export function displayFunctionName(udfPath: string): string {
  return udfPath.length <= FUNCTION_NAME_IN_ERRORS
    ? udfPath
    : `${udfPath.slice(0, FUNCTION_NAME_IN_ERRORS)}… (${udfPath.length} characters)`;
}

/** The refusal of a name longer than `MAX_FUNCTION_NAME_LENGTH`. */
export function functionNameTooLong(udfPath: string): string {
  return `Function name too long: ${udfPath.length} characters, the limit is ${MAX_FUNCTION_NAME_LENGTH} ('${displayFunctionName(udfPath)}').`;
}
