/**
 * The benchmark's model: questions at a fixed pace, as the prompt's
 * directives say (`[[count:N]] [[pace:MS]] [[first:MS]] [[key:K]]`: `first`
 * is the time to the first token of every call, as a real provider's round
 * trip), reporting through `onEvent` each call it gets, the moment each
 * question is complete in the stream and the moment the stream is aborted.
 * It answers the generation call (plan, then questions; over a section of a
 * learner's material, questions quoting it) and, for the two-call designs the
 * benchmark compares, a separate plan call; with `[[flaw:K]]`, question K has
 * a severe flaw, and the quality gate's rewrite request gets clean
 * replacements. Each job's questions carry a number of their own (from its
 * key), so no job's questions duplicate another's. Used
 * in-process and, through `preload-bench-model.ts`, inside a local-convex
 * backend.
 */
import { JOB_CONFIG } from "../lib/constants/jobs";
import { codeModel, promptText } from "../convex/lib/ai/modelStream";
import type { ModelChoice } from "../convex/lib/ai/models";
import { parseGenerationPrompt, parseRequest } from "../convex/lib/ai/prompts";
import { sampleRewrites } from "../convex/lib/ai/sampleModel";
import { sampleSourceQuestions } from "../convex/lib/ai/sampleSourceQuestions";
import { parseSectionText } from "../convex/lib/ai/sourcePrompts";
import { makeQuestion, questionSteps } from "../tests/support/scriptedModels";
import { parseDirectives, withAllOfTheAbove } from "../tests/support/directiveModel";

export type BenchEvent =
  | { type: "call"; key: string; at: number }
  | { type: "complete"; key: string; index: number; at: number }
  | { type: "abort"; key: string; at: number };

export const keyOf = (request: string) => request.match(/\[\[key:([^\]]+)\]\]/)?.[1] ?? "";
const firstTokenMs = (request: string) => Number(request.match(/\[\[first:(\d+)\]\]/)?.[1] ?? 0);
/** A number of the job's own, from its key (FNV-1a), in its questions' text. */
const tagOf = (key: string) =>
  [...key].reduce((hash, c) => Math.imul(hash ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

export function createBenchModel(onEvent: (event: BenchEvent) => void): ModelChoice {
  return {
    kind: "openai-compatible",
    name: "benchmark model",
    maxRetries: 0,
    model: codeModel({
      provider: "bench",
      modelId: "fixed-pace",
      // The plan call of the two-call designs (its request is not fenced).
      generate: async (call) => {
        const request = promptText(call);
        onEvent({ type: "call", key: keyOf(request), at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, firstTokenMs(request)));
        return JSON.stringify({ topic: `Bench ${keyOf(request)}`, questionCount: parseDirectives(request).count });
      },
      stream: (call) => {
        const text = promptText(call);
        const request = parseRequest(text) ?? "";
        const key = keyOf(request);
        const { paceMs, count: asked, flawed } = parseDirectives(request);
        const given = /^Topic: /m.test(text) ? parseGenerationPrompt(text) : null;
        const count = given?.count ?? asked;
        const rewrite = given?.rewrite ?? [];
        onEvent({ type: "call", key, at: Date.now() });
        call.abortSignal?.addEventListener("abort", () => onEvent({ type: "abort", key, at: Date.now() }), {
          once: true,
        });
        // Over a section of a learner's material: the sample model's questions from it, each quoting it.
        const section = parseSectionText(text);
        const questions =
          section !== null
            ? rewrite.length > 0
              ? sampleRewrites(sampleSourceQuestions(section, JOB_CONFIG.MAX_QUESTIONS), rewrite, given?.avoid ?? [])
              : sampleSourceQuestions(section, count, given?.avoid ?? [])
            : rewrite.length > 0
              ? rewrite.map(({ question }) => makeQuestion(0, { question: `${question}, rewritten` }))
              : Array.from({ length: count }, (_, i) => {
                  const question = `Bench #${tagOf(key)} question ${i}`;
                  return flawed.includes(i + 1)
                    ? withAllOfTheAbove(makeQuestion(0, { question }))
                    : makeQuestion(i, { question });
                });
        return [
          { delayMs: firstTokenMs(request) },
          ...questionSteps(questions, {
            plan: { topic: given?.topic ?? `Bench ${key}`, questionCount: count },
            delayMs: paceMs,
            onComplete: (index) => onEvent({ type: "complete", key, index, at: Date.now() }),
          }),
        ];
      },
    }),
  };
}
