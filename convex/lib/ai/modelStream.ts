/**
 * Building blocks for language models written in code (the offline sample
 * model, and the scripted models of the tests and the benchmark): a model
 * from two functions, and a stream played from a script of text chunks,
 * pauses and failures, that stops when the caller aborts.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";

/** One step of a scripted stream: text to emit, a pause (fixed, or until a
 * promise settles), a failure, or a callback run when the stream reaches it
 * (scripted models time-stamp events with it). */
export type StreamStep =
  string | { delayMs: number } | { until: Promise<unknown> } | { error: unknown } | { call: () => void };

const USAGE: LanguageModelV3Usage = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/** All text the caller sent (system and user parts), for models that read their prompt. */
export function promptText(options: LanguageModelV3CallOptions): string {
  return options.prompt
    .map((message) =>
      message.role === "system"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
    )
    .join("\n");
}

export function codeModel(spec: {
  provider: string;
  modelId: string;
  /** The full text a non-streaming call answers with. */
  generate: (options: LanguageModelV3CallOptions) => Promise<string> | string;
  /** The script a streaming call plays. */
  stream: (options: LanguageModelV3CallOptions) => Promise<StreamStep[]> | StreamStep[];
}): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: spec.provider,
    modelId: spec.modelId,
    supportedUrls: {},
    async doGenerate(options): Promise<LanguageModelV3GenerateResult> {
      const text = await spec.generate(options);
      return {
        content: [{ type: "text", text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: USAGE,
        warnings: [],
      };
    },
    async doStream(options) {
      return { stream: playScript(await spec.stream(options), options.abortSignal) };
    },
  };
}

/** A model stream that plays `steps` in order; an abort ends it with the abort reason. */
export function playScript(steps: StreamStep[], abortSignal?: AbortSignal): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream<LanguageModelV3StreamPart>({
    async start(controller) {
      const aborted = () => {
        if (!abortSignal?.aborted) return false;
        controller.error(abortSignal.reason);
        return true;
      };
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "text-start", id: "0" });
      for (const step of steps) {
        if (aborted()) return;
        if (typeof step === "string") {
          controller.enqueue({ type: "text-delta", id: "0", delta: step });
        } else if ("delayMs" in step) {
          await sleep(step.delayMs, abortSignal);
        } else if ("until" in step) {
          await untilOrAbort(step.until, abortSignal);
        } else if ("call" in step) {
          step.call();
        } else {
          controller.error(step.error);
          return;
        }
      }
      if (aborted()) return;
      controller.enqueue({ type: "text-end", id: "0" });
      controller.enqueue({ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: USAGE });
      controller.close();
    },
  });
}

/** `text` cut into chunks of `size` characters with `delayMs` between them. */
export function chunked(text: string, size: number, delayMs: number): StreamStep[] {
  const steps: StreamStep[] = [];
  for (let i = 0; i < text.length; i += size) {
    if (i > 0 && delayMs > 0) steps.push({ delayMs });
    steps.push(text.slice(i, i + size));
  }
  return steps;
}

function sleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    abortSignal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

function untilOrAbort(promise: Promise<unknown>, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    promise.then(done, done);
    abortSignal?.addEventListener("abort", done, { once: true });
  });
}
