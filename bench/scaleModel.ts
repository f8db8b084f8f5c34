/**
 * `npm run bench:scale`'s model: a stand-in for Gemini's API over HTTP
 * (`tests/support/wire/`, Gemini's wire format), which the backend reaches
 * exactly as production does (`GOOGLE_GENERATIVE_AI_API_KEY` and
 * `GEMINI_BASE_URL`, no model override), at Gemini Flash's pace, with a quota
 * of its own: requests and tokens per minute, each a token bucket (capacity
 * one minute's worth, refilled continuously). A request above either is
 * answered 429 with Google's `RESOURCE_EXHAUSTED` body and costs nothing; one
 * within both is charged its prompt's tokens and the answer's on arrival
 * (four characters a token, as the stand-in reports usage).
 *
 * The answer follows the learner's request: `[[count:N]]` questions (default
 * 10), named after `[[key:K]]`, at the stand-in's pace unless `[[first:MS]]`
 * and `[[pace:MS]]` set the call's own; a retry (the prompt carries the plan)
 * gets only the missing questions, numbered on from the saved ones.
 */
import { parseGenerationPrompt, parseRequest } from "../convex/lib/ai/prompts";
import { keyOf } from "./benchModel";
import { makeQuestion, questionSteps } from "../tests/support/scriptedModels";
import { startProviderStandIn, wireSteps } from "../tests/support/wire/providers";
import type { Scenario, StandIn, WireRequest, WireStep } from "../tests/support/wire/standIn";

export type ScaleModelOptions = {
  /** Time to the first token of a call (ms). */
  firstTokenMs: number;
  /** Time between questions (ms). */
  paceMs: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
};

/** What the stand-in saw, per request it answered. */
export type ModelCall = { key: string; at: number; status: 200 | 429 };

export type ScaleModel = {
  /** `GEMINI_BASE_URL` for the backend. */
  url: string;
  calls: ModelCall[];
  close(): Promise<void>;
};

const CHARS_PER_TOKEN = 4;
const MINUTE_MS = 60_000;

/** A token bucket of `perMinute`, full at the start. */
class Bucket {
  private level: number;
  private at = Date.now();
  constructor(private readonly perMinute: number) {
    this.level = perMinute;
  }
  /** Takes `amount` if it is there now; returns whether it was. */
  take(amount: number, now = Date.now()): boolean {
    this.level = Math.min(this.perMinute, this.level + ((now - this.at) * this.perMinute) / MINUTE_MS);
    this.at = now;
    if (this.level < amount) return false;
    this.level -= amount;
    return true;
  }
  has(amount: number, now = Date.now()): boolean {
    const level = Math.min(this.perMinute, this.level + ((now - this.at) * this.perMinute) / MINUTE_MS);
    return level >= amount;
  }
}

const directive = (request: string, name: string) => {
  const value = request.match(new RegExp(`\\[\\[${name}:(\\d+)\\]\\]`))?.[1];
  return value === undefined ? undefined : Number(value);
};

/** Starts the stand-in on a free port. */
export async function startScaleModel(options: ScaleModelOptions): Promise<ScaleModel> {
  const requests = new Bucket(options.requestsPerMinute);
  const tokens = new Bucket(options.tokensPerMinute);
  const calls: ModelCall[] = [];
  const server: StandIn = await startProviderStandIn("gemini", (wire: WireRequest): Scenario => {
    const request = parseRequest(wire.prompt) ?? "";
    const key = keyOf(request);
    const retry = /^Topic: /m.test(wire.prompt);
    const given = parseGenerationPrompt(wire.prompt);
    const topic = retry ? given.topic : `Scale ${key}`;
    const already = given.avoid.length;
    const count = retry ? given.count : (directive(request, "count") ?? 10);
    const questions = Array.from({ length: count }, (_, i) =>
      makeQuestion(already + i, { question: `${topic} question ${already + i + 1}` }),
    );
    const steps: WireStep[] = [
      { delayMs: directive(request, "first") ?? options.firstTokenMs },
      ...wireSteps(
        questionSteps(questions, {
          plan: { topic, questionCount: count },
          delayMs: directive(request, "pace") ?? options.paceMs,
        }),
      ),
    ];
    const answerChars = steps.reduce((sum, step) => sum + (typeof step === "string" ? step.length : 0), 0);
    const cost = Math.ceil(wire.prompt.length / CHARS_PER_TOKEN) + Math.ceil(answerChars / CHARS_PER_TOKEN);
    const now = Date.now();
    if (!requests.has(1, now) || !tokens.has(cost, now)) {
      calls.push({ key, at: now, status: 429 });
      return { reply: "status", status: 429 };
    }
    requests.take(1, now);
    tokens.take(cost, now);
    calls.push({ key, at: now, status: 200 });
    return { reply: "content", steps, end: "finish" };
  });
  return { url: server.url, calls, close: () => server.close() };
}
