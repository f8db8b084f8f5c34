/**
 * The benchmark's model: questions at a fixed pace, as the prompt's
 * directives say (`[[count:N]] [[pace:MS]] [[key:K]]`), reporting through
 * `onEvent` the moment each question is complete in the stream and the
 * moment the stream is aborted. Used in-process and, through
 * `preload-bench-model.ts`, inside a local-convex backend.
 */
import { codeModel, promptText, type StreamStep } from "../convex/lib/ai/modelStream";
import type { ModelChoice } from "../convex/lib/ai/models";
import { parseGenerationPrompt, parseRequest } from "../convex/lib/ai/prompts";
import { makeQuestion } from "../tests/support/scriptedModels";
import { parseDirectives } from "../tests/support/directiveModel";

export type BenchEvent = { type: "complete"; key: string; index: number; at: number } | { type: "abort"; key: string; at: number };

export const keyOf = (request: string) => request.match(/\[\[key:([^\]]+)\]\]/)?.[1] ?? "";

export function createBenchModel(onEvent: (event: BenchEvent) => void): ModelChoice {
  return {
    kind: "test",
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
        // An element is complete (and published by the SDK) once the next one begins.
        const steps: StreamStep[] = ['{"elements":['];
        for (let i = 0; i < count; i++) {
          const json = JSON.stringify(makeQuestion(i, { question: `Bench ${key} question ${i}` }));
          if (i > 0) steps.push({ delayMs: paceMs }, ",");
          steps.push(json.slice(0, 1));
          if (i > 0) steps.push({ call: () => onEvent({ type: "complete", key, index: i - 1, at: Date.now() }) });
          steps.push(json.slice(1));
        }
        steps.push("]}", { call: () => onEvent({ type: "complete", key, index: count - 1, at: Date.now() }) });
        return steps;
      },
    }),
  };
}
