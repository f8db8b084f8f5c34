/**
 * The one model call of a job's attempt, configured in one place: the
 * choice's retries, idle timeout and provider options, the system prompt,
 * and the lenient output whose questions are checked one by one. `processJob`
 * streams it; the wire suite's capture (`tests/support/wire/capture.ts`) runs
 * the very same call to record what the SDK throws.
 */
import { Output, streamText, type StreamTextResult, type ToolSet } from "ai";
import { JOB_CONFIG } from "../../../lib/constants/jobs";
import type { ModelChoice } from "./models";
import { GENERATION_SYSTEM_PROMPT } from "./prompts";
import { lenientGenerationOutput } from "./questionSchema";

export type AnswerStream = {
  result: StreamTextResult<ToolSet, Output.Output<unknown, unknown>>;
  /** The provider's error, if the stream reported one (429, 401...): the stream itself just ends. */
  streamError: () => unknown;
};

/** Starts the generation call for `prompt` (the user prompt of `generationPrompt`). */
export function streamAnswer(
  choice: ModelChoice,
  prompt: string,
  {
    abortSignal,
    onChunk,
  }: { abortSignal?: AbortSignal; onChunk?: (chunk: { type: string; text?: string }) => void } = {},
): AnswerStream {
  let streamError: unknown = undefined;
  const result = streamText({
    model: choice.model,
    maxRetries: choice.maxRetries,
    ...(abortSignal ? { abortSignal } : {}),
    timeout: { chunkMs: choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS },
    ...(choice.providerOptions ? { providerOptions: choice.providerOptions } : {}),
    system: GENERATION_SYSTEM_PROMPT,
    prompt,
    output: Output.object({ schema: lenientGenerationOutput }),
    ...(onChunk ? { onChunk: ({ chunk }: { chunk: { type: string; text?: string } }) => onChunk(chunk) } : {}),
    onError: ({ error }) => {
      streamError ??= error;
    },
  });
  return { result, streamError: () => streamError };
}
