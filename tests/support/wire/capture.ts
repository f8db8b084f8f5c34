/**
 * What a model call really throws: a generation run the way `processJob`
 * runs it (`streamText` + `Output.array`, the choice's retries, idle timeout
 * and provider options; the error is the stream's own if it reported one,
 * else what the element stream or `result.output` rejected with), and a
 * plain description of an error and its cause chain for the error table
 * (`docs/model-errors.md`).
 *
 * Keep `generateLikeProcessJob` in step with `streamAndSave` in
 * `convex/aiGeneration.ts`; the wire suite runs the real `processJob`.
 */
import { APICallError, NoObjectGeneratedError, Output, RetryError, streamText } from "ai";
import type { ModelChoice } from "../../../convex/lib/ai/models";
import { GENERATION_SYSTEM_PROMPT, generationPrompt } from "../../../convex/lib/ai/prompts";
import { generatedQuestionSchema } from "../../../convex/lib/ai/questionSchema";
import { JOB_CONFIG } from "../../../lib/constants/jobs";

export type Generation = { elements: unknown[]; error: unknown };

/** The generation prompt of a fresh job on `topic`. */
export const wirePrompt = (topic = "Wire topic", count = 5) => generationPrompt({ topic, focus: "", count, request: topic, avoid: [] });

/** Streams a generation like `processJob` and returns the elements it yielded and the error it would classify (null if none). */
export async function generateLikeProcessJob(choice: ModelChoice, prompt = wirePrompt()): Promise<Generation> {
  let streamError: unknown = undefined;
  const result = streamText({
    model: choice.model,
    maxRetries: choice.maxRetries,
    timeout: { chunkMs: choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS },
    ...(choice.providerOptions ? { providerOptions: choice.providerOptions } : {}),
    system: GENERATION_SYSTEM_PROMPT,
    prompt,
    output: Output.array({ element: generatedQuestionSchema }),
    onError: ({ error }) => {
      streamError ??= error;
    },
  });
  const elements: unknown[] = [];
  try {
    for await (const element of result.elementStream) elements.push(element);
    await result.output;
    return { elements, error: null };
  } catch (error) {
    return { elements, error: streamError ?? error };
  }
}

/** What a table row says about an error: its class, status, retry flag, message and causes. */
export type ErrorReport = {
  name: string;
  statusCode?: number;
  isRetryable?: boolean;
  /** The model's finish reason, where the error carries one (`NoObjectGeneratedError`). */
  finishReason?: string;
  message: string;
  /** Each cause below it: `Name [code]: message`. */
  causes: string[];
};

/** Describes `error` (a RetryError by its last attempt, noting how many there were). */
export function reportError(error: unknown): ErrorReport {
  if (RetryError.isInstance(error)) {
    const last = reportError(error.lastError);
    return { ...last, name: `RetryError(${error.errors.length} attempts) → ${last.name}` };
  }
  const report: ErrorReport = { name: nameOf(error), message: messageOf(error), causes: [] };
  if (APICallError.isInstance(error)) {
    if (error.statusCode !== undefined) report.statusCode = error.statusCode;
    report.isRetryable = error.isRetryable;
  }
  if (NoObjectGeneratedError.isInstance(error) && error.finishReason !== undefined) report.finishReason = error.finishReason;
  const seen = new Set<unknown>([error]);
  for (let cause = causeOf(error); cause !== undefined && !seen.has(cause); cause = causeOf(cause)) {
    seen.add(cause);
    const code = (cause as { code?: unknown }).code;
    report.causes.push(`${nameOf(cause)}${typeof code === "string" ? ` [${code}]` : ""}: ${messageOf(cause)}`);
  }
  return report;
}

const causeOf = (error: unknown): unknown => (error instanceof Error ? error.cause : undefined);
function nameOf(error: unknown): string {
  if (error instanceof Error) return error.constructor.name === "Error" ? error.name : error.constructor.name;
  return typeof error === "object" && error !== null ? "a plain object (not an Error)" : typeof error;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === "object" && error !== null ? JSON.stringify(error) : String(error);
  return text.replace(/\s+/g, " ").trim();
}
