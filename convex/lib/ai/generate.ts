/**
 * The model call of a job's attempt (or of one section of a job over a
 * learner's source), configured in one place: the
 * choice's retries, idle timeout and provider options, the system prompt,
 * and the lenient output whose questions are checked one by one. `processJob`
 * reads it through `ModelAnswer`; the wire suite's capture
 * (`tests/support/wire/capture.ts`) runs the very same call to record what the SDK throws.
 */
import { Output, streamText, type StreamTextResult, type ToolSet } from "ai";
import { JOB_CONFIG } from "../../../lib/constants/jobs";
import type { TokenUsage } from "../../../lib/validators";
import { BudgetExceededError } from "../classifyError";
import { UsageMeter } from "./answerStream";
import type { ModelChoice } from "./models";
import { GENERATION_SYSTEM_PROMPT } from "./prompts";
import { lenientGenerationOutput, lenientSourcedGenerationOutput } from "./questionSchema";
import { SOURCED_SYSTEM_PROMPT } from "./sourcePrompts";

export type AnswerStream = {
  result: StreamTextResult<ToolSet, Output.Output<unknown, unknown>>;
  /** The provider's error, if the stream reported one (429, 401...): the stream itself just ends. */
  streamError: () => unknown;
};

/** The system prompt of a call: a job over a prompt, or over one section of a learner's source. */
export function systemPromptOf(sourced: boolean): string {
  return sourced ? SOURCED_SYSTEM_PROMPT : GENERATION_SYSTEM_PROMPT;
}

/** Starts the generation call for `prompt` (the user prompt of `generationPrompt`, or, `sourced`, of
 * `sectionPrompt`: then every question must say what supports it). */
export function streamAnswer(
  choice: ModelChoice,
  prompt: string,
  {
    abortSignal,
    onChunk,
    maxOutputTokens,
    sourced = false,
  }: {
    abortSignal?: AbortSignal;
    onChunk?: (chunk: { type: string; text?: string }) => void;
    /** The most the model may write (what the attempt may still spend). */
    maxOutputTokens?: number;
    sourced?: boolean;
  } = {},
): AnswerStream {
  let streamError: unknown = undefined;
  const result = streamText({
    model: choice.model,
    maxRetries: choice.maxRetries,
    ...(abortSignal ? { abortSignal } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    timeout: { chunkMs: choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS },
    ...(choice.providerOptions ? { providerOptions: choice.providerOptions } : {}),
    system: systemPromptOf(sourced),
    prompt,
    output: Output.object({ schema: sourced ? lenientSourcedGenerationOutput : lenientGenerationOutput }),
    ...(onChunk ? { onChunk: ({ chunk }: { chunk: { type: string; text?: string } }) => onChunk(chunk) } : {}),
    onError: ({ error }) => {
      streamError ??= error;
    },
  });
  return { result, streamError: () => streamError };
}

/** One step of `ModelAnswer.next`: a longer partial answer, nothing yet, or the end of the stream. */
export type AnswerStep = { kind: "partial"; value: unknown } | { kind: "wait" } | { kind: "done" };

/**
 * The reader's side of the generation call while it streams: partial answers
 * one at a time with a deadline, an abort, the tokens used, and the error it
 * ended with. A server that sends nothing at all is given up on after the
 * idle timeout (the SDK's own timeout starts only at the first chunk). With
 * `maxTokens` (what the attempt may spend), the model may write no more than
 * that less the prompt, and the stream is stopped once it has cost that much.
 */
export class ModelAnswer {
  private readonly controller = new AbortController();
  private readonly meter: UsageMeter;
  private readonly stream: AnswerStream;
  private readonly partials: AsyncIterator<unknown>;
  private pending: Promise<IteratorResult<unknown>>;
  private answered = false;
  private abortReason: unknown = undefined;
  private readonly idleMs: number;
  private readonly silentUntil: number;

  constructor(
    choice: ModelChoice,
    prompt: string,
    { maxTokens, now = Date.now(), sourced = false }: { maxTokens?: number; now?: number; sourced?: boolean } = {},
  ) {
    this.meter = new UsageMeter(systemPromptOf(sourced) + prompt);
    const inputTokens = this.meter.soFar();
    this.stream = streamAnswer(choice, prompt, {
      sourced,
      abortSignal: this.controller.signal,
      onChunk: (chunk) => {
        this.answered = true;
        this.meter.observe(chunk);
        if (maxTokens !== undefined && this.meter.soFar() > maxTokens) {
          this.abort(new BudgetExceededError(`The attempt reached the ${maxTokens} tokens it may spend`));
        }
      },
      ...(maxTokens !== undefined ? { maxOutputTokens: Math.max(MIN_OUTPUT_TOKENS, maxTokens - inputTokens) } : {}),
    });
    this.partials = this.stream.result.partialOutputStream[Symbol.asyncIterator]();
    this.pending = this.partials.next();
    this.idleMs = choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS;
    this.silentUntil = now + this.idleMs;
  }

  /** The next partial answer, or `wait` once `ms` pass without one. Rejects if the stream fails. */
  async next(ms: number): Promise<AnswerStep> {
    if (!this.answered && Date.now() >= this.silentUntil) {
      this.abort(new DOMException(`No answer from the model within ${this.idleMs}ms`, "TimeoutError"));
    }
    const wait = this.answered ? ms : Math.min(ms, this.silentUntil - Date.now());
    const step = await raceTimer(this.pending, Math.max(0, wait));
    if (step === TIMER) return { kind: "wait" };
    if (step.done) return { kind: "done" };
    this.pending = this.partials.next();
    return { kind: "partial", value: step.value };
  }

  /** The whole answer, once the stream has ended; rejects if it is not JSON at all, or was blocked. */
  final(): PromiseLike<unknown> {
    return this.stream.result.output;
  }

  /** Enough questions: lets the stream end by itself (so the provider reports
   * its usage), but stops paying for more after `STREAM_FINISH_GRACE_MS`. */
  async finishEarly(): Promise<void> {
    await raceTimer(
      Promise.resolve(this.stream.result.finishReason).catch(() => null),
      JOB_CONFIG.STREAM_FINISH_GRACE_MS,
    );
    this.abort();
  }

  /** Ends the stream; with a `reason`, that is what the attempt failed with. */
  abort(reason?: unknown): void {
    if (reason !== undefined) this.abortReason ??= reason;
    this.controller.abort(reason);
  }

  /** What the stream failed with: why it was aborted, or the provider's error if it reported one, else `caught`. */
  failure(caught: unknown): unknown {
    return this.abortReason ?? this.stream.streamError() ?? caught;
  }

  /** Stops reading: a read abandoned by the abort may still reject. */
  close(): void {
    this.pending.catch(() => {});
  }

  /** The tokens used so far, estimated from the text (for a stream stopped before it ended). */
  estimatedUsage(): TokenUsage {
    return this.meter.usage(null);
  }

  /** The tokens used: the provider's count once the stream has finished, else the estimate. */
  async usage(): Promise<TokenUsage> {
    let reported: { inputTokens?: number; outputTokens?: number } | null = null;
    try {
      const settled = await raceTimer(
        Promise.resolve(this.stream.result.totalUsage),
        JOB_CONFIG.STREAM_FINISH_GRACE_MS,
      );
      reported = settled === TIMER ? null : settled;
    } catch {
      // aborted or failed: nothing reported
    }
    return this.meter.usage(reported);
  }
}

/** Output tokens a call is always allowed (a question or two), however little the attempt has left. */
const MIN_OUTPUT_TOKENS = 256;

const TIMER = Symbol("timer");

/** The promise's value, or TIMER if `ms` pass first. */
async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMER> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMER>((resolve) => (timer = setTimeout(() => resolve(TIMER), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
