/**
 * A deterministic model for suites that drive the app from outside (the
 * browser end-to-end suite, the fault suite over the real client, the
 * benchmark): what it does is written in the learner's prompt itself, so a
 * test types its scenario, e.g. "Roman roads [[count:8]] [[pace:300]]".
 *
 *   [[count:N]]          questions in the plan (default 5)
 *   [[pace:MS]]          time between questions (default 100 ms; keep it under
 *                        the 1 s idle timeout, or the job fails as a hang)
 *   [[fail:429]]         every attempt: the stream fails with HTTP 429
 *   [[fail-once:429]]    the first attempt fails with 429, a retry succeeds
 *   [[fail:401]]         the plan call fails with HTTP 401 (bad key)
 *   [[drop:K]]           the connection drops after K questions (every attempt)
 *   [[drop-once:K]]      the connection drops after K questions, once
 *   [[malformed:K]]      the JSON breaks after K questions
 *   [[hang:K]]           the stream stalls after K questions (idle timeout)
 *   [[stall:K]]          the stream stalls after K questions until aborted,
 *                        with no idle timeout (for crash and restart tests)
 *   [[crash:K]]          after K questions the stream throws something that
 *                        even the action's error handling cannot survive: the
 *                        action dies mid-job, as on a crash
 *
 * Questions are numbered from the job's saved count, so a retry continues
 * the sequence instead of repeating it. `*-once` directives remember, per
 * prompt, that they fired (in memory: a restarted backend forgets).
 */
import { codeModel, promptText, type StreamStep } from "../../convex/lib/ai/modelStream";
import type { ModelChoice } from "../../convex/lib/ai/models";
import { parseGenerationPrompt, parseRequest } from "../../convex/lib/ai/prompts";
import { http, makeQuestion, questionSteps } from "./scriptedModels";

export type Directives = {
  count: number;
  paceMs: number;
  fail?: { status: 429 | 401; once: boolean };
  drop?: { after: number; once: boolean };
  malformedAfter?: number;
  hangAfter?: number;
  stallAfter?: number;
  crashAfter?: number;
};

export function parseDirectives(text: string): Directives {
  const get = (name: string) => text.match(new RegExp(`\\[\\[${name}:(\\d+)\\]\\]`))?.[1];
  const number = (name: string) => (get(name) === undefined ? undefined : Number(get(name)));
  const failEvery = number("fail");
  const failOnce = number("fail-once");
  const failStatus = failEvery ?? failOnce;
  const dropEvery = number("drop");
  const dropOnce = number("drop-once");
  return {
    count: number("count") ?? 5,
    paceMs: number("pace") ?? 100,
    ...(failStatus === 429 || failStatus === 401 ? { fail: { status: failStatus, once: failEvery === undefined } } : {}),
    ...(dropEvery !== undefined || dropOnce !== undefined ? { drop: { after: (dropEvery ?? dropOnce)!, once: dropEvery === undefined } } : {}),
    ...(number("malformed") !== undefined ? { malformedAfter: number("malformed")! } : {}),
    ...(number("hang") !== undefined ? { hangAfter: number("hang")! } : {}),
    ...(number("stall") !== undefined ? { stallAfter: number("stall")! } : {}),
    ...(number("crash") !== undefined ? { crashAfter: number("crash")! } : {}),
  };
}

/** The idle timeout of the directive model: short, so `[[hang:K]]` fails in a second. */
export const DIRECTIVE_IDLE_TIMEOUT_MS = 1000;

const apiError = (status: 429 | 401) => (status === 429 ? http.tooManyRequests() : http.unauthorized());

export function createDirectiveModel(): ModelChoice {
  const fired = new Set<string>();
  const once = (key: string) => {
    if (fired.has(key)) return false;
    fired.add(key);
    return true;
  };
  return {
    kind: "openai-compatible",
    name: "scripted test model",
    maxRetries: 0,
    streamIdleTimeoutMs: DIRECTIVE_IDLE_TIMEOUT_MS,
    model: codeModel({
      provider: "test",
      modelId: "directives",
      generate: (call) => {
        const request = parseRequest(promptText(call)) ?? "";
        const d = parseDirectives(request);
        if (d.fail?.status === 401) throw apiError(401);
        const topic = request.replace(/\[\[[^\]]*\]\]/g, "").trim().slice(0, 60) || "Scripted topic";
        return JSON.stringify({ topic, questionCount: d.count, focus: "As scripted." });
      },
      stream: (call) => {
        const text = promptText(call);
        const request = parseRequest(text) ?? "";
        const d = parseDirectives(request);
        const plan = parseGenerationPrompt(text);
        const already = plan?.avoid.length ?? 0;
        const wanted = plan?.count ?? d.count;
        if (d.fail?.status === 429 && (!d.fail.once || once(`fail:${request}`))) return [{ error: apiError(429) }];
        const topic = plan?.topic ?? "Scripted topic";
        const questions = Array.from({ length: wanted }, (_, i) => makeQuestion(already + i, { question: `${topic} question ${already + i + 1}` }));
        const cut = (after: number, end: StreamStep[]) => questionSteps(questions.slice(0, Math.max(0, after - already)), { delayMs: d.paceMs, end });
        if (d.drop && already < d.drop.after && (!d.drop.once || once(`drop:${request}`))) {
          return cut(d.drop.after, [{ delayMs: 20 }, { error: http.connectionReset() }]);
        }
        if (d.malformedAfter !== undefined && already < d.malformedAfter) return cut(d.malformedAfter, []);
        if (d.hangAfter !== undefined && already < d.hangAfter) return cut(d.hangAfter, [{ until: new Promise(() => {}) }]);
        if (d.stallAfter !== undefined && already < d.stallAfter) return cut(d.stallAfter, keepAlive(call.abortSignal));
        if (d.crashAfter !== undefined && already < d.crashAfter) return cut(d.crashAfter, [{ delayMs: 20 }, { error: new Unsurvivable() }]);
        return questionSteps(questions, { delayMs: d.paceMs });
      },
    }),
  };
}

/** An error whose message cannot even be read: classifying it throws, so it
 * escapes the action's catch and the action dies, leaving its job processing. */
class Unsurvivable extends Error {
  override get message(): string {
    throw new Error("simulated crash: the action died while handling an error");
  }
}

/** A stall that is not a hang: a space every half second (inside the
 * half-written question) keeps the idle timeout from firing, until the
 * stream is aborted. */
function keepAlive(abortSignal: AbortSignal | undefined): StreamStep[] {
  const aborted = new Promise<void>((resolve) => abortSignal?.addEventListener("abort", () => resolve(), { once: true }));
  const steps: StreamStep[] = [];
  for (let i = 0; i < 20_000; i++) steps.push({ delayMs: 500 }, " ");
  return [...steps, { until: aborted }];
}
