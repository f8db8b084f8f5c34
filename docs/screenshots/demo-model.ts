/**
 * Preload for local-convex (`--preload docs/screenshots/demo-model.ts`) used
 * to capture the screenshots: the offline sample model, slowed down so jobs
 * can be seen running, plus failures on demand, chosen by a word in the prompt:
 *
 *   "Byzantine"  streams a few questions, then fails as a 429 (RATE_LIMIT, retryable)
 *   "Quantum"    fails at once with a bad key (API_KEY, not retryable)
 *
 * `DEMO_CHUNK_DELAY_MS` sets the pace (default 120 ms per chunk).
 */
import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { setModelOverride } from "../../convex/lib/ai/models";
import { createSampleModel } from "../../convex/lib/ai/sampleModel";
import { captureRealErrors } from "../../tests/support/wire/realErrors";

const chunkDelayMs = Number(process.env.DEMO_CHUNK_DELAY_MS ?? 120);

// What the real Gemini provider throws for a 429 and a bad key (captured from a local stand-in).
const errors = await captureRealErrors();
const httpError = (statusCode: 429 | 401) => (statusCode === 429 ? errors.tooManyRequests : errors.badKey);

function promptOf(options: Parameters<LanguageModelV3["doStream"]>[0]): string {
  return JSON.stringify(options.prompt);
}

/** Passes the stream through until about `chars` of text, then errors. */
function failAfter(stream: ReadableStream<LanguageModelV3StreamPart>, chars: number, error: Error) {
  let seen = 0;
  return stream.pipeThrough(
    new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
      transform(part, controller) {
        if (part.type === "text-delta") {
          seen += part.delta.length;
          if (seen > chars) {
            controller.error(error);
            return;
          }
        }
        controller.enqueue(part);
      },
    }),
  );
}

setModelOverride(() => {
  const sample = createSampleModel({ chunkDelayMs });
  const model: LanguageModelV3 = {
    ...sample,
    doGenerate: (options) => sample.doGenerate(options),
    async doStream(options) {
      const prompt = promptOf(options);
      if (prompt.includes("Quantum")) throw httpError(401);
      const result = await sample.doStream(options);
      if (prompt.includes("Byzantine")) return { ...result, stream: failAfter(result.stream, 1400, httpError(429)) };
      return result;
    },
  };
  return { kind: "sample", name: "offline sample model (demo pace)", model, maxRetries: 0 };
});
