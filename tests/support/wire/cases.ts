/**
 * The model error table: each way a provider's server can fail, for Gemini
 * and an OpenAI-compatible server, and the job error code it must end in.
 * Run through the real providers against the stand-ins by the unit tests of
 * `classifyError` (one test per row and provider) and by
 * `npx tsx tests/support/wire/errorTable.ts`, which prints the table of
 * `docs/model-errors.md` from what the SDK really throws.
 */
import type { ErrorCode } from "../../../lib/validators";
import { makeQuestions } from "../scriptedModels";
import { generateLikeProcessJob, wirePrompt } from "./capture";
import { GEMINI_BAD_REQUEST } from "./gemini";
import { questionsReply, startProviderStandIn, wireChoice, type WireProvider } from "./providers";
import type { ContentEnd, Scenario, WireRequest } from "./standIn";

/** The idle timeout of table runs: short, so a hang fails fast. */
export const TABLE_IDLE_TIMEOUT_MS = 150;
/** The Retry-After the retried 429 sends (seconds; the SDK reads fractions). */
export const TABLE_RETRY_AFTER_S = 0.2;
/** How long a run that expects no error watches for one (several idle timeouts). */
export const TABLE_SILENCE_MS = 3 * TABLE_IDLE_TIMEOUT_MS;
/** How long any other run may take before it counts as silent (generous: the machine may be busy). */
const CASE_TIMEOUT_MS = 4000;

/** Questions streamed before a failure that comes mid-stream. */
const BEFORE_FAILURE = 2;

export type WireCase = {
  /** A short name for tests. */
  name: string;
  /** What the server did, as the table says it. */
  server: string;
  /** The server's reply for `provider` ("refused": nothing listens; null: the provider has no such case). */
  scenario: (provider: WireProvider) => Scenario | "refused" | null;
  /** The SDK's retries for this run (default 0). */
  maxRetries?: number;
  /** The job's code and retry flag; null: no error ever comes. */
  expected: { code: ErrorCode; retryable: boolean } | null;
  /** Complete, usable questions read from the partial answers before the failure. */
  kept: number;
  /** HTTP requests the stand-in received (the SDK's retries included); default 1. */
  requests?: number;
};

const status = (code: number, extra: Partial<Extract<Scenario, { reply: "status" }>> = {}): Scenario => ({
  reply: "status",
  status: code,
  ...extra,
});
const questionsThen = (end: ContentEnd) => questionsReply(makeQuestions(BEFORE_FAILURE), { end, half: true });

/** The rows of the table, in its order. */
export const WIRE_CASES: WireCase[] = [
  {
    name: "429, every attempt",
    server: "429 and the provider's quota body, every attempt",
    scenario: () => status(429),
    expected: { code: "RATE_LIMIT", retryable: true },
    kept: 0,
  },
  {
    name: "429 with Retry-After, retried",
    server: `429 with \`Retry-After: ${TABLE_RETRY_AFTER_S}\`, every attempt (1 SDK retry)`,
    scenario: () => status(429, { headers: { "retry-after": String(TABLE_RETRY_AFTER_S) } }),
    maxRetries: 1,
    expected: { code: "RATE_LIMIT", retryable: true },
    kept: 0,
    requests: 2,
  },
  {
    name: "401",
    server: "401 and the provider's bad-key body",
    scenario: () => status(401),
    expected: { code: "API_KEY", retryable: false },
    kept: 0,
  },
  {
    name: "400 API_KEY_INVALID",
    server: "400 `API_KEY_INVALID` (Gemini's answer to a bad key)",
    scenario: (provider) => (provider === "gemini" ? status(400) : null),
    expected: { code: "API_KEY", retryable: false },
    kept: 0,
  },
  {
    name: "403",
    server: "403 `PERMISSION_DENIED` / forbidden",
    scenario: () => status(403),
    expected: { code: "API_KEY", retryable: false },
    kept: 0,
  },
  {
    name: "400 bad request",
    server: "400 bad request (not about the key)",
    scenario: (provider) => status(400, provider === "gemini" ? { body: GEMINI_BAD_REQUEST } : {}),
    expected: { code: "UNKNOWN", retryable: false },
    kept: 0,
  },
  {
    name: "404 model not found",
    server: "404 model not found",
    scenario: () => status(404),
    expected: { code: "UNKNOWN", retryable: false },
    kept: 0,
  },
  {
    name: "500",
    server: "500 and the provider's internal-error body",
    scenario: () => status(500),
    expected: { code: "NETWORK", retryable: true },
    kept: 0,
  },
  {
    name: "502 HTML from a proxy",
    server: "502 with an HTML body (a proxy)",
    scenario: () => status(502, { body: "<html><body>502 Bad Gateway</body></html>" }),
    expected: { code: "NETWORK", retryable: true },
    kept: 0,
  },
  {
    name: "503",
    server: "503 overloaded",
    scenario: () => status(503),
    expected: { code: "NETWORK", retryable: true },
    kept: 0,
  },
  {
    name: "connection refused",
    server: "nothing listening (connection refused)",
    scenario: () => "refused",
    expected: { code: "NETWORK", retryable: true },
    kept: 0,
    requests: 0,
  },
  {
    name: "dropped mid-stream",
    server: `${BEFORE_FAILURE} questions, then the socket destroyed mid-question`,
    scenario: () => questionsThen("drop"),
    expected: { code: "NETWORK", retryable: true },
    kept: BEFORE_FAILURE,
  },
  {
    name: "dropped before any content",
    server: "headers, then the socket destroyed before any content",
    scenario: () => ({ reply: "content", steps: [], end: "drop" }),
    expected: { code: "NETWORK", retryable: true },
    kept: 0,
  },
  {
    name: "idle past the timeout",
    server: `${BEFORE_FAILURE} questions, then silence past the idle timeout`,
    scenario: () => questionsThen("hang"),
    expected: { code: "NETWORK", retryable: true },
    kept: BEFORE_FAILURE,
  },
  {
    name: "error frame mid-stream",
    server: `${BEFORE_FAILURE} questions, then an error frame in the stream (the 503 body)`,
    scenario: () => questionsThen("error"),
    expected: { code: "NETWORK", retryable: true },
    kept: BEFORE_FAILURE,
  },
  {
    name: "no headers ever",
    server: "accepts the connection, never sends headers",
    scenario: () => ({ reply: "silence" }),
    expected: null,
    kept: 0,
  },
  {
    name: "a frame that is not JSON",
    server: `${BEFORE_FAILURE} questions, then a frame that is not JSON`,
    scenario: () => questionsThen("garbage"),
    expected: { code: "INVALID_OUTPUT", retryable: true },
    kept: BEFORE_FAILURE,
  },
  {
    name: "prose, not JSON",
    server: "content that is prose, not JSON",
    scenario: () => ({ reply: "content", steps: ["Sure! Here are some questions:", "\n1. What is a Roman road?"] }),
    expected: { code: "INVALID_OUTPUT", retryable: true },
    kept: 0,
  },
  {
    name: "broken JSON",
    server: `${BEFORE_FAILURE} questions, half a question, then a normal finish (broken JSON)`,
    scenario: () => questionsThen("finish"),
    expected: { code: "INVALID_OUTPUT", retryable: true },
    kept: BEFORE_FAILURE,
  },
  {
    name: "prompt refused",
    server: "prompt refused (Gemini `promptFeedback.blockReason: SAFETY`, no candidates; OpenAI `refusal`)",
    scenario: () => ({ reply: "blocked" }),
    expected: { code: "CONTENT_BLOCKED", retryable: false },
    kept: 0,
  },
  {
    name: "safety stop mid-stream",
    server: `${BEFORE_FAILURE} questions, then the safety stop (Gemini \`finishReason: SAFETY\`; OpenAI \`finish_reason: content_filter\`)`,
    scenario: () => questionsThen("filtered"),
    expected: { code: "CONTENT_BLOCKED", retryable: false },
    kept: BEFORE_FAILURE,
  },
];

export type CaseRun = { error: unknown; kept: number; requests: WireRequest[]; silent: boolean };

/** Runs `wireCase` for `provider` through the real provider, the way `processJob` calls it. */
export async function runCase(provider: WireProvider, wireCase: WireCase): Promise<CaseRun> {
  const scenario = wireCase.scenario(provider);
  if (scenario === null) throw new Error(`${wireCase.server}: no such case for ${provider}`);
  const server = await startProviderStandIn(provider, () => (scenario === "refused" ? { reply: "silence" } : scenario));
  if (scenario === "refused") await server.close(); // its port now refuses connections
  const choice = wireChoice(provider, server, {
    maxRetries: wireCase.maxRetries ?? 0,
    streamIdleTimeoutMs: TABLE_IDLE_TIMEOUT_MS,
  });
  try {
    const call = generateLikeProcessJob(choice, wirePrompt());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<null>(
      (resolve) =>
        (timer = setTimeout(() => resolve(null), wireCase.expected === null ? TABLE_SILENCE_MS : CASE_TIMEOUT_MS)),
    );
    const run = await Promise.race([call, silence]).finally(() => clearTimeout(timer));
    if (run === null) return { error: null, kept: 0, requests: server.requests, silent: true };
    return { error: run.error, kept: run.elements.length, requests: server.requests, silent: false };
  } finally {
    await server.close();
  }
}
