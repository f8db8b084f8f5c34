/**
 * A stand-in for an OpenAI chat-completions server (OpenAI itself, or the
 * Ollama / vLLM / LM Studio the app reaches through `@ai-sdk/openai-compatible`
 * and `OPENAI_COMPATIBLE_BASE_URL`):
 *
 *   POST /v1/chat/completions   `stream: true`: SSE frames
 *     `data: {choices:[{index,delta:{content},finish_reason}]}` … `data: [DONE]`,
 *     plus a last frame `{choices:[], usage}` only when the request sends
 *     `stream_options.include_usage`; otherwise one JSON `chat.completion`
 *     (with `usage`).
 *
 * Errors are OpenAI's bodies (`{"error":{message,type,param,code}}`); a
 * refused prompt is `refusal` text (`delta.refusal` when streamed,
 * `message.refusal` otherwise) with `finish_reason: "stop"`, and the safety
 * stop mid-stream is `finish_reason: "content_filter"`.
 */
import type { ReplyContext, WireFormat } from "./standIn";

const openAIError = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

/** OpenAI's bodies for the statuses a model call meets. */
export const OPENAI_ERRORS: Record<number, unknown> = {
  400: openAIError(
    "Invalid schema for response_format 'response': 'additionalProperties' is required to be supplied and to be false.",
    "invalid_request_error",
    null,
  ),
  401: openAIError(
    "Incorrect API key provided: sk-stand***-key. You can find your API key at https://platform.openai.com/account/api-keys.",
    "invalid_request_error",
    "invalid_api_key",
  ),
  403: openAIError(
    "Country, region, or territory not supported",
    "request_forbidden",
    "unsupported_country_region_territory",
  ),
  404: openAIError(
    "The model `llama3.1` does not exist or you do not have access to it.",
    "invalid_request_error",
    "model_not_found",
  ),
  429: openAIError(
    "Rate limit reached for llama3.1 in organization org-standin on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
    "requests",
    "rate_limit_exceeded",
  ),
  500: openAIError("The server had an error while processing your request. Sorry about that!", "server_error", null),
  502: openAIError("Bad gateway.", "server_error", null),
  503: openAIError("The engine is currently overloaded, please try again later", "server_error", null),
};

/** What a model that refuses says (`refusal`). */
export const REFUSAL = "I'm sorry, but I can't help with that request.";

type OpenAIBody = {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: Array<{ content?: unknown }>;
};
const bodyOf = (body: unknown) => (typeof body === "object" && body !== null ? body : {}) as OpenAIBody;

const usage = ({ usage: u }: ReplyContext) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.promptTokens + u.completionTokens,
});

const chunk = (context: ReplyContext, choices: unknown[]) => ({
  id: `chatcmpl-stand-in-${context.request.index}`,
  object: "chat.completion.chunk",
  created: Math.floor(context.request.at / 1000),
  model: bodyOf(context.request.body).model ?? "unknown",
  choices,
});

/** The usage frame, sent last, only if the request asked for it. */
const usageFrames = (context: ReplyContext) =>
  bodyOf(context.request.body).stream_options?.include_usage ? [{ ...chunk(context, []), usage: usage(context) }] : [];

const finishReasonOf = (reason: "stop" | "filtered") => (reason === "stop" ? "stop" : "content_filter");

const completion = (
  context: ReplyContext,
  message: { content: string | null; refusal: string | null },
  finishReason: string,
) => ({
  ...chunk(context, [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finishReason }]),
  object: "chat.completion",
  usage: usage(context),
});

/** OpenAI chat completions' wire format, for `startStandIn`. */
export const openAIFormat: WireFormat = {
  name: "OpenAI",
  basePath: "/v1",
  route: (path, body) => (path === "/chat/completions" ? { streaming: bodyOf(body).stream === true } : null),
  promptOf: (body) =>
    (bodyOf(body).messages ?? [])
      .map(({ content }) =>
        typeof content === "string"
          ? content
          : Array.isArray(content)
            ? content.map((part: { text?: string }) => part.text ?? "").join("")
            : "",
      )
      .join("\n"),
  delta: (text, context) => chunk(context, [{ index: 0, delta: { content: text }, finish_reason: null }]),
  finish: (reason, context) => [
    chunk(context, [{ index: 0, delta: {}, finish_reason: finishReasonOf(reason) }]),
    ...usageFrames(context),
  ],
  blockedStream: (context) => [
    chunk(context, [{ index: 0, delta: { role: "assistant", content: null, refusal: "" }, finish_reason: null }]),
    chunk(context, [{ index: 0, delta: { refusal: REFUSAL }, finish_reason: null }]),
    chunk(context, [{ index: 0, delta: {}, finish_reason: "stop" }]),
    ...usageFrames(context),
  ],
  terminator: "[DONE]",
  answer: (text, reason, context) => completion(context, { content: text, refusal: null }, finishReasonOf(reason)),
  blockedAnswer: (context) => completion(context, { content: null, refusal: REFUSAL }, "stop"),
  errorBody: (status) => OPENAI_ERRORS[status] ?? openAIError(`HTTP ${status}`, "server_error", null),
};
