/**
 * The benchmark's model: questions at a fixed pace, as the prompt's
 * directives say (`[[count:N]] [[pace:MS]] [[key:K]]`), reporting through
 * `onEvent` the moment each question is complete in the stream and the
 * moment the stream is aborted. Used in-process and, through
 * `preload-bench-model.ts`, inside a local-convex backend.
 */
import { codeModel, promptText } from "../convex/lib/ai/modelStream";
import type { ModelChoice } from "../convex/lib/ai/models";
import { parseGenerationPrompt, parseRequest } from "../convex/lib/ai/prompts";
import { makeQuestion, questionSteps } from "../tests/support/scriptedModels";
import { parseDirectives } from "../tests/support/directiveModel";

export type BenchEvent = { type: "complete"; key: string; index: number; at: number } | { type: "abort"; key: string; at: number };

export const keyOf = (request: string) => request.match(/\[\[key:([^\]]+)\]\]/)?.[1] ?? "";

export function createBenchModel(onEvent: (event: BenchEvent) => void): ModelChoice {
  return {
    kind: "openai-compatible",
    name: "benchmark model",
    maxRetries: 0,
    model: codeModel({
      provider: "bench",
      modelId: "fixed-pace",
      generate: (call) => {
        const request = parseRequest(promptText(call)) ?? "";
        return JSON.stringify({ topic: `Bench ${keyOf(request)}`, questionCount: parseDirectives(request).count, focus: "" });
      },
      stream: (call) => {
        const text = promptText(call);
        const request = parseRequest(text) ?? "";
        const key = keyOf(request);
        const { paceMs } = parseDirectives(request);
        const count = parseGenerationPrompt(text)?.count ?? parseDirectives(request).count;
        call.abortSignal?.addEventListener("abort", () => onEvent({ type: "abort", key, at: Date.now() }), { once: true });
        const questions = Array.from({ length: count }, (_, i) => makeQuestion(i, { question: `Bench ${key} question ${i}` }));
        return questionSteps(questions, {
          delayMs: paceMs,
          onComplete: (index) => onEvent({ type: "complete", key, index, at: Date.now() }),
        });
      },
    }),
  };
}
