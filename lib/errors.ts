/**
 * Errors the UI shows: every `ConvexError` thrown by a public function carries
 * `{ code, message }`, and the client reads them through these helpers.
 */
import { ConvexError } from "convex/values";
import type { FlawNote } from "./validators";

export const APP_ERROR_CODES = [
  "UNAUTHENTICATED",
  "INVALID_PROMPT",
  "INVALID_ARGUMENT",
  "CONCURRENCY_LIMIT",
  "RATE_LIMITED",
  "BUDGET_EXCEEDED",
  "NOT_FOUND",
  "INVALID_STATE",
  "SOURCE_LIMIT",
  "QUESTION_FLAWED",
  "SOURCE_IN_USE",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export type AppErrorData = {
  code: AppErrorCode;
  message: string;
  /** RATE_LIMITED, BUDGET_EXCEEDED: milliseconds until the next job may start. */
  retryAfterMs?: number;
  /** QUESTION_FLAWED: the severe item-writing flaws that keep an edit from being saved, each with its reason. */
  flaws?: FlawNote[];
};

/** Builds the error a public function throws for the UI to show. */
export function appError(
  code: AppErrorCode,
  message: string,
  extra: Omit<AppErrorData, "code" | "message"> = {},
): ConvexError<AppErrorData> {
  return new ConvexError<AppErrorData>({ code, message, ...extra });
}

export function isAppError(error: unknown): error is ConvexError<AppErrorData> {
  if (!(error instanceof ConvexError)) return false;
  const data: unknown = error.data;
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as { code?: unknown }).code === "string" &&
    (APP_ERROR_CODES as readonly string[]).includes((data as { code: string }).code) &&
    typeof (data as { message?: unknown }).message === "string"
  );
}

/** The code of an app error, or null for anything else. */
export function appErrorCode(error: unknown): AppErrorCode | null {
  return isAppError(error) ? error.data.code : null;
}

/** A sentence to show a user for any error a Convex call threw. */
export function userFacingMessage(error: unknown): string {
  if (isAppError(error)) return error.data.message;
  // The backend itself could not write (local-convex with a full disk): nothing changed, and it recovers by itself.
  if (error instanceof ConvexError && (error.data as { code?: unknown } | null)?.code === "StorageUnavailable") {
    return "The server can't save data right now, so nothing was changed. Try again in a moment.";
  }
  if (error instanceof Error && /Connection lost|Failed to fetch|NetworkError/i.test(error.message)) {
    return "Can't reach the server. Check your connection and try again.";
  }
  return "Something went wrong. Please try again.";
}
