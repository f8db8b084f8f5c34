/**
 * The app's real model providers pointed at a stand-in (`standIn.ts`), and
 * the scenarios tests give it: a plan for the clarify call, questions for the
 * generation stream, each with its ending.
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
import type { Intent } from "../../../convex/lib/ai/prompts";
import { questionSteps } from "../scriptedModels";
import { geminiFormat } from "./gemini";
import { openAIFormat } from "./openai";
import { startStandIn, type ContentEnd, type Scenario, type StandIn, type WireRequest, type WireStep } from "./standIn";

export type WireProvider = "gemini" | "openai";
/** Every provider the wire tests run against. */
export const WIRE_PROVIDERS: readonly WireProvider[] = ["gemini", "openai"];

const FORMATS = { gemini: geminiFormat, openai: openAIFormat } as const;

/** Starts a stand-in speaking `provider`'s wire format. */
export function startProviderStandIn(provider: WireProvider, handler?: (request: WireRequest) => Scenario): Promise<StandIn> {
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
  if (building) throw new Error("wireChoice was called from a model override's factory: build the choice first, then setModelOverride(() => choice)");
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
    throw new Error(`chooseModel returned ${choice ? `the ${choice.kind} model` : "no model"}: is a model override still set?`);
  }
  return { ...choice, ...overrides };
}

/** Content steps from a scripted stream (which must hold no failure: endings do that here). */
export function wireSteps(steps: readonly StreamStep[]): WireStep[] {
  return steps.map((step) => {
    if (typeof step === "object" && "error" in step) throw new Error("a wire scenario ends with a ContentEnd, not an error step");
    return step;
  });
}

/** A reply whose content is `value` as JSON, in one piece (the clarify call's answer). */
export function jsonReply(value: unknown): Scenario {
  return { reply: "content", steps: [JSON.stringify(value)] };
}

/**
 * `{"elements":[...]}` for `questions`, one frame per piece (see
 * `questionSteps`), `delayMs` between questions. With `half` (the default
 * unless it ends with "finish"), half of one more question follows and the
 * array is never closed, as a model cut off mid-answer leaves it.
 */
export function questionsReply(
  questions: readonly unknown[],
  { delayMs = 0, end = "finish", half = end !== "finish" }: { delayMs?: number; end?: ContentEnd; half?: boolean } = {},
): Scenario {
  return { reply: "content", steps: wireSteps(questionSteps(questions, { delayMs, ...(half ? { end: [] } : {}) })), end };
}

/** A plan for the clarify call. */
export const plan = (questionCount: number, topic = "Wire topic"): Intent => ({ topic, questionCount, focus: "Everything." });

/**
 * A handler that answers the clarify call (not streamed) with `intent` and the
 * n-th generation stream (0-based, SDK retries included) with `stream(n)`.
 */
export function script({ intent = plan(5), stream }: { intent?: Intent | Scenario; stream: (call: number, request: WireRequest) => Scenario }) {
  let streams = 0;
  return (request: WireRequest): Scenario => {
    if (request.streaming) return stream(streams++, request);
    return "reply" in intent ? intent : jsonReply(intent);
  };
}
