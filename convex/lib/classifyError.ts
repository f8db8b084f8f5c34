/**
 * Turns whatever a model call threw into the job's error code, a short
 * message, and whether a retry can help. Pure: unit-tested without a database.
 */
import {
  APICallError,
  JSONParseError,
  LoadAPIKeyError,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  RetryError,
  TypeValidationError,
} from "ai";
import { JOB_ERRORS } from "../../lib/jobs";
import type { ErrorCode } from "../../lib/validators";

/** `message` is the provider's raw text, for the server's logs only (redact it
 * first: `redactSecrets`); users see `JOB_ERRORS[code]`. */
export type ClassifiedError = { code: ErrorCode; message: string; retryable: boolean };

const MAX_MESSAGE_LENGTH = 500;

/** Thrown by our own code when the model's output is unusable as a whole
 * (e.g. every question failed validation). */
export class InvalidOutputError extends Error {
  override name = "InvalidOutputError";
}

/** Thrown by our own code when an attempt reaches what it may spend of its user's day
 * (`MAX_ATTEMPT_TOKENS` or what is left of `DAILY_TOKEN_BUDGET`): the stream is stopped. */
export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
}

/** The job's error code, message and retry flag for whatever a model call threw. */
export function classifyError(error: unknown): ClassifiedError {
  const code = classify(error);
  return { code, message: describe(error), retryable: JOB_ERRORS[code].retryable };
}

/**
 * What the SDK really throws (captured from the real providers over HTTP:
 * `docs/model-errors.md`) is often a wrapper whose cause says what happened:
 * a dropped connection is an `APICallError` with status 200 ("Failed to
 * process successful response") caused by `TypeError: terminated` caused by
 * a socket error. So the chain is walked from the outside in (a RetryError
 * continues with its last attempt), and the first link that decides wins.
 */
function classify(error: unknown): ErrorCode {
  const links = causeChain(error);
  for (const link of links) {
    const code = classifyLink(link);
    if (code !== null) return code;
  }
  // A successful response whose body could not be read to the end: the connection failed.
  if (links.some((link) => APICallError.isInstance(link) && isSuccess(link.statusCode))) return "NETWORK";
  for (const link of links) {
    const code = classifyMessage(messageOf(link));
    if (code !== null) return code;
  }
  return "UNKNOWN";
}

const CAUSE_CHAIN_LIMIT = 10;

/** `error`, then what caused it, outermost first. */
function causeChain(error: unknown): unknown[] {
  const links: unknown[] = [];
  for (
    let link = error;
    link !== undefined && link !== null && links.length < CAUSE_CHAIN_LIMIT && !links.includes(link);
  ) {
    links.push(link);
    link = RetryError.isInstance(link) ? link.lastError : (link as { cause?: unknown }).cause;
  }
  return links;
}

/** Socket and DNS failures by their `code` (Node and undici). */
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** The code one link of the chain decides on its own, or null to look further. */
function classifyLink(link: unknown): ErrorCode | null {
  if (link instanceof BudgetExceededError) return "BUDGET_EXCEEDED";
  if (LoadAPIKeyError.isInstance(link)) return "API_KEY";
  if (APICallError.isInstance(link))
    return classifyStatus(link.statusCode, `${link.message} ${link.responseBody ?? ""}`);
  if (NoObjectGeneratedError.isInstance(link))
    return link.finishReason === "content-filter" ? "CONTENT_BLOCKED" : "INVALID_OUTPUT";
  if (NoOutputGeneratedError.isInstance(link)) return link.cause === undefined ? "INVALID_OUTPUT" : null;
  if (link instanceof InvalidOutputError || JSONParseError.isInstance(link) || TypeValidationError.isInstance(link))
    return "INVALID_OUTPUT";
  if (typeof link !== "object" || link === null) return null;
  const { name, code, status, type } = link as { name?: unknown; code?: unknown; status?: unknown; type?: unknown };
  if (name === "TimeoutError" || name === "AbortError") return "NETWORK";
  if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return "NETWORK";
  if (link instanceof TypeError && /^(terminated|fetch failed|failed to fetch)$/i.test(link.message)) return "NETWORK";
  if (link instanceof Error) return null;
  // A provider's error object sent inside the stream (not an Error): Google's
  // `{ code, message, status }`, or OpenAI's `{ message, type, code }`.
  if (typeof code === "number") return classifyStatus(code, messageOf(link));
  return classifyProviderCode([code, status, type].filter((value): value is string => typeof value === "string"));
}

/** By HTTP status: 429, 401/403 and Gemini's 400 for a bad key, 408 and 5xx; other 4xx are UNKNOWN. */
function classifyStatus(status: number | undefined, text: string): ErrorCode | null {
  if (status === undefined) return "NETWORK"; // no response at all: the SDK could not connect
  if (status === 429) return "RATE_LIMIT";
  if (status === 401 || status === 403) return "API_KEY";
  // Gemini answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  if (status === 400 && /API_KEY_INVALID|api key not valid|invalid api key|incorrect api key/i.test(text))
    return "API_KEY";
  if (status === 408 || status >= 500) return "NETWORK";
  if (isSuccess(status)) return null; // the response failed while being read: its cause says how
  return "UNKNOWN";
}

/** Google's `status` and OpenAI's `type`/`code` strings of an error object. */
function classifyProviderCode(codes: string[]): ErrorCode | null {
  for (const code of codes) {
    if (/^(RESOURCE_EXHAUSTED|rate_limit_exceeded|insufficient_quota|requests|tokens)$/i.test(code))
      return "RATE_LIMIT";
    if (/^(UNAUTHENTICATED|PERMISSION_DENIED|invalid_api_key|authentication_error|permission_error)$/i.test(code))
      return "API_KEY";
    if (/^(UNAVAILABLE|INTERNAL|DEADLINE_EXCEEDED|server_error|overloaded_error)$/i.test(code)) return "NETWORK";
  }
  return null;
}

const isSuccess = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

function messageOf(link: unknown): string {
  if (link instanceof Error) return `${link.name} ${link.message}`;
  if (typeof link === "object" && link !== null && typeof (link as { message?: unknown }).message === "string")
    return (link as { message: string }).message;
  return String(link);
}

/** Last resort for errors that carry no type (another runtime's fetch, say): what their message says. */
function classifyMessage(message: string): ErrorCode | null {
  if (/\b429\b|rate.?limit|too many requests|quota|resource.?exhausted/i.test(message)) return "RATE_LIMIT";
  if (/\b40[13]\b|api.?key|unauthori[sz]ed|permission denied|forbidden/i.test(message)) return "API_KEY";
  if (
    /network|timed? ?out|fetch failed|terminated|socket|ECONN\w*|ENOTFOUND|EAI_AGAIN|connection (reset|closed|refused)/i.test(
      message,
    )
  ) {
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
