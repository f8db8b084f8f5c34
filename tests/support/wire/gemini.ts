/**
 * A stand-in for Gemini's REST API (`generativelanguage.googleapis.com/v1beta`),
 * for `@ai-sdk/google` pointed at it through `GEMINI_BASE_URL`:
 *
 *   POST /v1beta/models/{model}:streamGenerateContent?alt=sse   SSE frames
 *     `data: {candidates:[{content:{parts:[{text}],role:"model"},finishReason?}], usageMetadata}`
 *   POST /v1beta/models/{model}:generateContent                 one JSON answer
 *
 * Errors are Google's bodies (`{"error":{code,message,status,details?}}`); a
 * refused prompt is `promptFeedback.blockReason: "SAFETY"` with no
 * candidates, and the safety stop mid-stream is `finishReason: "SAFETY"`.
 * Bodies follow what the live API returns (as of 2025); Google sends no
 * `Retry-After` header on 429, only `RetryInfo.retryDelay` in the body.
 */
import type { ReplyContext, WireFormat } from "./standIn";

const MODEL = "gemini-2.5-flash";

/** `{"error":{...}}` as Google writes it. */
function googleError(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

/** Google's bodies for the statuses a model call meets. */
export const GEMINI_ERRORS: Record<number, unknown> = {
  400: googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
  ]),
  401: googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
  ),
  403: googleError(403, "PERMISSION_DENIED", "The caller does not have permission"),
  404: googleError(
    404,
    "NOT_FOUND",
    `models/${MODEL} is not found for API version v1beta, or is not supported for generateContent.`,
  ),
  429: googleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", [
    { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "17s" },
  ]),
  500: googleError(
    500,
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  ),
  503: googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
  504: googleError(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
};

/** A 400 that is not about the key (e.g. a schema the API rejects). */
export const GEMINI_BAD_REQUEST = googleError(
  400,
  "INVALID_ARGUMENT",
  'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
);

const SAFETY_RATINGS = [{ category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true }];

const usageMetadata = ({ usage }: ReplyContext) => ({
  promptTokenCount: usage.promptTokens,
  candidatesTokenCount: usage.completionTokens,
  totalTokenCount: usage.promptTokens + usage.completionTokens,
});

const candidate = (text: string | null, finishReason?: string) => ({
  ...(text === null ? {} : { content: { parts: [{ text }], role: "model" } }),
  ...(finishReason ? { finishReason } : {}),
  ...(finishReason === "SAFETY" ? { safetyRatings: SAFETY_RATINGS } : {}),
  index: 0,
});

const response = (context: ReplyContext, candidates: unknown[]) => ({
  candidates,
  usageMetadata: usageMetadata(context),
  modelVersion: MODEL,
  responseId: `stand-in-${context.request.index}`,
});

const finishReasonOf = (reason: "stop" | "filtered") => (reason === "stop" ? "STOP" : "SAFETY");

const blocked = (context: ReplyContext) => ({
  promptFeedback: { blockReason: "SAFETY", safetyRatings: SAFETY_RATINGS },
  usageMetadata: { promptTokenCount: context.usage.promptTokens, totalTokenCount: context.usage.promptTokens },
  modelVersion: MODEL,
});

type Part = { text?: string };
type GeminiBody = { systemInstruction?: { parts?: Part[] }; contents?: Array<{ parts?: Part[] }> };

/** Gemini's wire format, for `startStandIn`. */
export const geminiFormat: WireFormat = {
  name: "Gemini",
  basePath: "/v1beta",
  route(path) {
    const call = path.match(/^\/models\/[^/:]+:(streamGenerateContent|generateContent)(\?|$)/)?.[1];
    if (call === "streamGenerateContent") return path.includes("alt=sse") ? { streaming: true } : null;
    return call === "generateContent" ? { streaming: false } : null;
  },
  promptOf(body) {
    const { systemInstruction, contents = [] } = (typeof body === "object" && body !== null ? body : {}) as GeminiBody;
    return [systemInstruction, ...contents]
      .flatMap((content) => content?.parts ?? [])
      .map((part) => part.text ?? "")
      .join("\n");
  },
  delta: (text, context) => response(context, [candidate(text)]),
  finish: (reason, context) => [response(context, [candidate(null, finishReasonOf(reason))])],
  blockedStream: (context) => [blocked(context)],
  answer: (text, reason, context) => response(context, [candidate(text, finishReasonOf(reason))]),
  blockedAnswer: blocked,
  errorBody: (status) => GEMINI_ERRORS[status] ?? googleError(status, "UNKNOWN", `HTTP ${status}`),
};
