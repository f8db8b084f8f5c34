/**
 * The app's real model providers pointed at a stand-in (`standIn.ts`), and
 * the scenarios tests give it: the generation call's answer (a plan, then
 * questions), each with its ending.
 *
 *   const server = await startProviderStandIn("gemini", script({ stream: () => questionsReply(makeQuestions(3), { end: "drop" }) }));
 *   const choice = wireChoice("gemini", server, { maxRetries: 0 });
 *
 * `wireChoice` builds the model exactly as production does (`chooseModel`
 * with the provider's variables), so the request shapes, provider options and
 * error handling under test are the app's own.
 */
import { chooseModel, type ModelChoice } from "../../../convex/lib/ai/models";
import type { StreamStep } from "../../../convex/lib/ai/modelStream";
import type { Plan } from "../../../convex/lib/ai/prompts";
import { questionSteps } from "../scriptedModels";
import { geminiFormat } from "./gemini";
import { openAIFormat } from "./openai";
import { startStandIn, type ContentEnd, type Scenario, type StandIn, type WireRequest, type WireStep } from "./standIn";

export type WireProvider = "gemini" | "openai";
/** Every provider the wire tests run against. */
export const WIRE_PROVIDERS: readonly WireProvider[] = ["gemini", "openai"];

const FORMATS = { gemini: geminiFormat, openai: openAIFormat } as const;

/** Starts a stand-in speaking `provider`'s wire format. */
export function startProviderStandIn(
  provider: WireProvider,
  handler?: (request: WireRequest) => Scenario,
): Promise<StandIn> {
  return startStandIn(FORMATS[provider], handler);
}

let building = false;

/**
 * The model choice production makes for `provider` (`chooseModel` with its
 * variables), pointed at `server`, with `overrides` (keep `maxRetries` and
 * `streamIdleTimeoutMs` small in tests). Build it before `setModelOverride`,
 * never inside the override's factory: `chooseModel` would call the factory.
 */
export function wireChoice(provider: WireProvider, server: StandIn, overrides: Partial<ModelChoice> = {}): ModelChoice {
  if (building)
    throw new Error(
      "wireChoice was called from a model override's factory: build the choice first, then setModelOverride(() => choice)",
    );
  building = true;
  let choice: ModelChoice | null;
  try {
    choice =
      provider === "gemini"
        ? chooseModel({ GOOGLE_GENERATIVE_AI_API_KEY: "stand-in-key", GEMINI_BASE_URL: server.url })
        : chooseModel({ OPENAI_COMPATIBLE_BASE_URL: server.url, OPENAI_COMPATIBLE_API_KEY: "sk-stand-in-key" });
  } finally {
    building = false;
  }
  const kind = provider === "gemini" ? "gemini" : "openai-compatible";
  if (choice?.kind !== kind) {
    throw new Error(
      `chooseModel returned ${choice ? `the ${choice.kind} model` : "no model"}: is a model override still set?`,
    );
  }
  return { ...choice, ...overrides };
}

/** Content steps from a scripted stream (which must hold no failure: endings do that here). */
export function wireSteps(steps: readonly StreamStep[]): WireStep[] {
  return steps.map((step) => {
    if (typeof step === "object" && "error" in step)
      throw new Error("a wire scenario ends with a ContentEnd, not an error step");
    return step;
  });
}

/**
 * The answer `{"plan":…,"questions":[…]}` for `questions`, one frame per piece
 * (see `questionSteps`), `delayMs` between questions. With `half` (the default
 * unless it ends with "finish"), half of one more question follows and the
 * answer is never closed, as a model cut off mid-answer leaves it.
 */
export function questionsReply(
  questions: readonly unknown[],
  {
    plan: answerPlan = plan(questions.length),
    delayMs = 0,
    end = "finish",
    half = end !== "finish",
  }: { plan?: unknown; delayMs?: number; end?: ContentEnd; half?: boolean } = {},
): Scenario {
  return {
    reply: "content",
    steps: wireSteps(questionSteps(questions, { plan: answerPlan, delayMs, ...(half ? { end: [] } : {}) })),
    end,
  };
}

/** The plan of an answer. */
export const plan = (questionCount: number, topic = "Wire topic"): Plan => ({ topic, questionCount });

/** A handler that answers the n-th generation call (0-based, SDK retries included) with `stream(n)`. */
export function script({ stream }: { stream: (call: number, request: WireRequest) => Scenario }) {
  let calls = 0;
  return (request: WireRequest): Scenario => stream(calls++, request);
}
