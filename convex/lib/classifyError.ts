/**
 * Turns whatever a model call threw into the job's error code, a short
 * message, and whether a retry can help. Pure: unit-tested without a database.
 */
import { APICallError, LoadAPIKeyError, NoObjectGeneratedError, NoOutputGeneratedError, RetryError } from "ai";
import { JOB_ERRORS } from "../../lib/jobs";
import type { ErrorCode } from "./validators";

/** `message` is the provider's raw text, for the server's logs only (redact it
 * first: `redactSecrets`); users see `JOB_ERRORS[code]`. */
export type ClassifiedError = { code: ErrorCode; message: string; retryable: boolean };

const MAX_MESSAGE_LENGTH = 500;

/** Thrown by our own code when the model's output is unusable as a whole
 * (e.g. every question failed validation). */
export class InvalidOutputError extends Error {
  override name = "InvalidOutputError";
}

export function classifyError(error: unknown): ClassifiedError {
  const code = classify(error);
  return { code, message: describe(error), retryable: JOB_ERRORS[code].retryable };
}

function classify(error: unknown): ErrorCode {
  // The AI SDK gave up after retrying: the last attempt says why.
  if (RetryError.isInstance(error)) return classify(error.lastError);
  if (LoadAPIKeyError.isInstance(error)) return "API_KEY";
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 429) return "RATE_LIMIT";
    if (status === 401 || status === 403) return "API_KEY";
    // Gemini answers a bad key with 400 INVALID_ARGUMENT "API key not valid".
    if (/api[ _-]?key/i.test(error.message)) return "API_KEY";
    if (status === undefined || status === 408 || status >= 500) return "NETWORK";
    return classifyMessage(error.message) ?? "UNKNOWN";
  }
  if (
    error instanceof InvalidOutputError ||
    NoObjectGeneratedError.isInstance(error) ||
    NoOutputGeneratedError.isInstance(error)
  ) {
    return "INVALID_OUTPUT";
  }
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "NETWORK";
    if (error.name === "AI_TypeValidationError" || error.name === "AI_JSONParseError") return "INVALID_OUTPUT";
    const byCause = error.cause !== undefined && error.cause !== error ? classify(error.cause) : "UNKNOWN";
    if (byCause !== "UNKNOWN") return byCause;
    return classifyMessage(`${error.name} ${error.message}`) ?? "UNKNOWN";
  }
  return classifyMessage(String(error)) ?? "UNKNOWN";
}

/** Last resort for errors that carry no type: what their message says. */
function classifyMessage(message: string): ErrorCode | null {
  if (/\b429\b|rate.?limit|too many requests|quota|resource.?exhausted/i.test(message)) return "RATE_LIMIT";
  if (/\b40[13]\b|api.?key|unauthori[sz]ed|permission denied|forbidden/i.test(message)) return "API_KEY";
  if (/network|timed? ?out|fetch failed|socket|ECONN\w*|ENOTFOUND|EAI_AGAIN|connection (reset|closed|refused)/i.test(message)) {
    return "NETWORK";
  }
  return null;
}

function describe(error: unknown): string {
  const inner = RetryError.isInstance(error) ? error.lastError : error;
  let text = inner instanceof Error ? inner.message : String(inner);
  if (APICallError.isInstance(inner) && inner.statusCode !== undefined) text = `HTTP ${inner.statusCode}: ${text}`;
  text = text.replace(/\s+/g, " ").trim() || "Unknown error";
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
