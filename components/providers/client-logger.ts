/**
 * The Convex client's logger. The client logs every failed call with
 * `console.error`, and Next.js's development overlay shows each one as if the
 * app had crashed. A refusal the UI expects and shows itself (a `ConvexError`
 * with an app error code: the concurrency limit, the rate limit, an invalid
 * prompt...) is logged as info instead; anything else stays an error.
 */
import { APP_ERROR_CODES } from "@/lib/errors";

type ClientLogger = {
  logVerbose(...args: unknown[]): void;
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};

const CONVEX_ERROR_LINE = /^\[CONVEX [MQA?]\([^)]*\)\] ConvexError ([\s\S]*)$/;

/** Whether a log line is the client's report of an app error (`appError` on the server). */
export function isExpectedRefusal(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first !== "string") return false;
  const match = CONVEX_ERROR_LINE.exec(first);
  if (!match) return false;
  try {
    const data: unknown = JSON.parse(match[1]!);
    const code = typeof data === "object" && data !== null ? (data as { code?: unknown }).code : undefined;
    return typeof code === "string" && (APP_ERROR_CODES as readonly string[]).includes(code);
  } catch {
    return false;
  }
}

export const clientLogger: ClientLogger = {
  logVerbose: () => undefined,
  log: (...args) => console.log(...args),
  warn: (...args) => console.warn(...args),
  error: (...args) => (isExpectedRefusal(args) ? console.info(...args) : console.error(...args)),
};
