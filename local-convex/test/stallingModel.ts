/**
 * Preload for local-convex's restart test (`--preload`): every job runs on a
 * model that streams one question and then stalls until the job is aborted,
 * so its `processJob` action is still running when the test kills the
 * backend. Also proves that a preloaded module and the app's functions share
 * one instance of `convex/lib/ai/models.ts`.
 */
import { codeModel } from "../../convex/lib/ai/modelStream";
import { setModelOverride } from "../../convex/lib/ai/models";

const question = {
  question: "Which planet is known as the red planet?",
  type: "multiple-choice",
  options: ["Mars", "Venus", "Jupiter", "Mercury"],
  correctAnswer: "Mars",
  explanation: "Iron oxide on its surface makes Mars look red.",
  difficulty: "easy",
};

setModelOverride(() => ({
  kind: "openai-compatible",
  name: "stalling test model",
  maxRetries: 0,
  model: codeModel({
    provider: "test",
    modelId: "stalling",
    generate: () => {
      throw new Error("A job makes one streaming call.");
    },
    // A question is complete once the next one has begun.
    stream: () => [
      '{"plan":{"topic":"Planets","questionCount":5},"questions":[',
      JSON.stringify(question),
      ',{"question":"',
      { until: new Promise(() => {}) },
    ],
  }),
}));
