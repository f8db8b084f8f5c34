/**
 * A deterministic model for suites that drive the app from outside (the
 * browser end-to-end suite, the fault suite over the real client, the
 * benchmark): what it does is written in the learner's prompt itself, so a
 * test types its scenario, e.g. "Roman roads [[count:8]] [[pace:300]]".
 *
 *   [[count:N]]          questions in the plan (default 5)
 *   [[from:K]]           number the questions from K + 1 (default 0): jobs
 *                        of one topic then write different questions
 *   [[pace:MS]]          time between questions (default 100 ms; keep it well
 *                        under the 3 s idle timeout, or the job fails as a hang),
 *                        and, over a section of a learner's material, before the first
 *   [[fail:429]]         every attempt: the stream fails with HTTP 429
 *   [[fail-once:429]]    the first attempt fails with 429, a retry succeeds
 *   [[fail:401]]         every attempt: the call fails with HTTP 401 (bad key)
 *   [[drop:K]]           the connection drops after K questions (every attempt)
 *   [[drop-once:K]]      the connection drops after K questions, once
 *   [[malformed:K]]      the JSON breaks after K questions
 *   [[hang:K]]           the stream stalls after K questions (idle timeout)
 *   [[stall:K]]          the stream stalls after K questions until aborted,
 *                        with no idle timeout (for crash and restart tests)
 *   [[crash:K]]          after K questions the stream throws something that
 *                        even the action's error handling cannot survive: the
 *                        action dies mid-job, as on a crash
 *   [[flaw:K]]           question K (from 1) has "All of the above" among its
 *                        options (a severe flaw: the quality gate rejects it,
 *                        and the attempt's rewrite replaces it with a clean one;
 *                        over a section of a source: the sample model's question
 *                        as it wrote it, with its quote)
 *   [[flaw-again:K]]     the same, and its rewrite is flawed too (dropped; not
 *                        over a section)
 *   [[advice:K]]         question K asks "Generally, ..." (a mild flaw: saved,
 *                        marked "Needs a look")
 *
 * It is the real `@ai-sdk/openai-compatible` provider talking HTTP to an
 * OpenAI-compatible stand-in (`wire/openai.ts`) started in the same process:
 * each prompt's directives become the stand-in's scenario, so a 429 is a real
 * 429 response, a dropped connection a destroyed socket, a hang a silent
 * socket, and what reaches `processJob` is what the SDK really throws.
 *
 * Questions are numbered from the job's saved count, so a retry continues
 * the sequence instead of repeating it. A call over a section of a learner's
 * material (a job over a source; its directives are in the learner's request)
 * is answered with the sample model's questions from that section, each
 * quoting it. `*-once` directives remember, per
 * prompt, that they fired (in memory: a restarted backend forgets).
 */
import { wrapLanguageModel, type LanguageModelMiddleware } from "ai";
import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { promptText, type StreamStep } from "../../convex/lib/ai/modelStream";
import type { ModelChoice } from "../../convex/lib/ai/models";
import type { GeneratedQuestion } from "../../lib/validators";
import { parseGenerationPrompt, parseRequest } from "../../convex/lib/ai/prompts";
import { sampleRewrites } from "../../convex/lib/ai/sampleModel";
import { sampleSourceQuestions } from "../../convex/lib/ai/sampleSourceQuestions";
import { parseSectionText } from "../../convex/lib/ai/sourcePrompts";
import { makeQuestion, questionSteps } from "./scriptedModels";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import { startProviderStandIn, wireChoice, wireSteps } from "./wire/providers";
import type { ContentEnd, Scenario, StandIn, WireRequest, WireStep } from "./wire/standIn";

export type Directives = {
  count: number;
  /** Added to every question's number. */
  from: number;
  paceMs: number;
  fail?: { status: 429 | 401; once: boolean };
  drop?: { after: number; once: boolean };
  malformedAfter?: number;
  hangAfter?: number;
  stallAfter?: number;
  crashAfter?: number;
  /** Questions (from 1) written with a severe flaw; `flawAgain`: their rewrite too. */
  flawed: number[];
  flawAgain: number[];
  advice: number[];
};

export function parseDirectives(text: string): Directives {
  const get = (name: string) => text.match(new RegExp(`\\[\\[${name}:(\\d+)\\]\\]`))?.[1];
  const all = (name: string) =>
    [...text.matchAll(new RegExp(`\\[\\[${name}:(\\d+)\\]\\]`, "g"))].map((match) => Number(match[1]));
  const number = (name: string) => (get(name) === undefined ? undefined : Number(get(name)));
  const failEvery = number("fail");
  const failOnce = number("fail-once");
  const failStatus = failEvery ?? failOnce;
  const dropEvery = number("drop");
  const dropOnce = number("drop-once");
  return {
    count: number("count") ?? 5,
    from: number("from") ?? 0,
    paceMs: number("pace") ?? 100,
    ...(failStatus === 429 || failStatus === 401
      ? { fail: { status: failStatus, once: failEvery === undefined } }
      : {}),
    ...(dropEvery !== undefined || dropOnce !== undefined
      ? { drop: { after: (dropEvery ?? dropOnce)!, once: dropEvery === undefined } }
      : {}),
    ...(number("malformed") !== undefined ? { malformedAfter: number("malformed")! } : {}),
    ...(number("hang") !== undefined ? { hangAfter: number("hang")! } : {}),
    ...(number("stall") !== undefined ? { stallAfter: number("stall")! } : {}),
    ...(number("crash") !== undefined ? { crashAfter: number("crash")! } : {}),
    flawed: [...all("flaw"), ...all("flaw-again")],
    flawAgain: all("flaw-again"),
    advice: all("advice"),
  };
}

/** `question` with "All of the above" in place of its last wrong option (a severe flaw); true/false ones stay. */
export function withAllOfTheAbove(question: GeneratedQuestion): GeneratedQuestion {
  if (question.type !== "multiple-choice") return question;
  return { ...question, options: [...question.options.slice(0, -1), "All of the above"] };
}

/**
 * Question `n` (from 1) as the directives have it: for `[[flaw:n]]` a multiple-choice question (a true/false
 * one is swapped for one, with its quote) with "All of the above"; for `[[advice:n]]` asking "Generally, ...".
 */
function withDirectiveFlaws(question: GeneratedQuestion, n: number, d: Directives): GeneratedQuestion {
  const { quote, generalKnowledge } = question;
  const text = `${d.advice.includes(n) ? "Generally, " : ""}${question.question}`;
  if (!d.flawed.includes(n)) return { ...question, question: text };
  const choice = question.type === "multiple-choice" ? question : { ...makeQuestion(0), quote, generalKnowledge };
  return withAllOfTheAbove({ ...choice, question: text });
}

/**
 * The idle timeout of the directive model: short, so `[[hang:K]]` fails in seconds, yet longer than a busy
 * 2-core machine stalls (at 1 s, paced jobs of the browser suite failed as hangs under load).
 */
export const DIRECTIVE_IDLE_TIMEOUT_MS = 3000;

/** How long after the half-written question a drop or crash happens. */
const FAILURE_DELAY_MS = 20;

/** How often `[[stall:K]]` sends a space, well inside the idle timeout. */
const KEEP_ALIVE_MS = DIRECTIVE_IDLE_TIMEOUT_MS / 2;

/** Starts the directive model's stand-in server in this process and returns the model choice that talks to it. */
export async function startDirectiveModel(): Promise<{ choice: ModelChoice; server: StandIn }> {
  const server = await startProviderStandIn("openai", directiveScenarios());
  const provider = wireChoice("openai", server);
  return {
    server,
    choice: {
      kind: "openai-compatible",
      name: "scripted test model",
      maxRetries: 0,
      streamIdleTimeoutMs: DIRECTIVE_IDLE_TIMEOUT_MS,
      model: wrapLanguageModel({ model: languageModelV3(provider.model), middleware: crashMiddleware }),
    },
  };
}

/** The stand-in's answer to each request, read off the directives in its prompt. */
function directiveScenarios(): (request: WireRequest) => Scenario {
  const fired = new Set<string>();
  const once = (key: string) => {
    if (fired.has(key)) return false;
    fired.add(key);
    return true;
  };
  return ({ prompt }) => {
    const request = parseRequest(prompt) ?? "";
    const d = parseDirectives(request);
    const given = parseGenerationPrompt(prompt);
    const section = parseSectionText(prompt);
    if (given.rewrite.length > 0) {
      // The attempt's rewrite: a clean question in place of each rejected one (flawed again for [[flaw-again:K]]);
      // over a section, the sample model's (the rejected one as it writes it, with its quote).
      const replacements =
        section !== null
          ? sampleRewrites(sampleSourceQuestions(section, JOB_CONFIG.MAX_QUESTIONS), given.rewrite, given.avoid)
          : given.rewrite.map(({ question }) => {
              const clean = makeQuestion(0, { question: `${question}, rewritten` });
              return d.flawAgain.some((k) => question.endsWith(` question ${k}`)) ? withAllOfTheAbove(clean) : clean;
            });
      const plan = { topic: given.topic, questionCount: replacements.length };
      return {
        reply: "content",
        steps: wireSteps(questionSteps(replacements, { plan, delayMs: d.paceMs })),
        end: "finish",
      };
    }
    if (d.fail?.status === 401) return { reply: "status", status: 401 };
    if (d.fail?.status === 429 && (!d.fail.once || once(`fail:${request}`))) return { reply: "status", status: 429 };
    // The plan: the one the prompt gives (a retry), else the request without its directives and the asked count.
    const hasPlan = /^Topic: /m.test(prompt);
    const topic = hasPlan
      ? given.topic
      : request
          .replace(/\[\[[^\]]*\]\]/g, "")
          .trim()
          .slice(0, JOB_CONFIG.MAX_TOPIC_LENGTH) || "Scripted topic";
    const already = given.avoid.length;
    const wanted = hasPlan ? given.count : d.count;
    const plan = { topic, questionCount: wanted };
    // A call over a section of a learner's material: the sample model's questions from it, with real quotes.
    const first = d.from + already + 1; // the number of the call's first question
    const written =
      section !== null
        ? sampleSourceQuestions(section, wanted, given.avoid)
        : Array.from({ length: wanted }, (_, i) =>
            makeQuestion(first + i - 1, { question: `${topic} question ${first + i}` }),
          );
    const questions = written.map((question, i) => withDirectiveFlaws(question, first + i, d));
    /** The first `after` questions (counting saved ones), half of the next, then `then`. */
    const upTo = (after: number, then: StreamStep[] = []) =>
      wireSteps(
        questionSteps(questions.slice(0, Math.max(0, after - already)), { plan, delayMs: d.paceMs, end: then }),
      );
    const cut = (after: number, end: ContentEnd, then: StreamStep[] = []): Scenario => ({
      reply: "content",
      steps: upTo(after, then),
      end,
    });
    if (d.drop && already < d.drop.after && (!d.drop.once || once(`drop:${request}`)))
      return cut(d.drop.after, "drop", [{ delayMs: FAILURE_DELAY_MS }]);
    if (d.malformedAfter !== undefined && already < d.malformedAfter) return cut(d.malformedAfter, "finish");
    if (d.hangAfter !== undefined && already < d.hangAfter) return cut(d.hangAfter, "hang");
    if (d.stallAfter !== undefined && already < d.stallAfter)
      return { reply: "content", steps: keepAlive(upTo(d.stallAfter)), end: "hang" };
    // The server drops the connection; `crashMiddleware` turns that into the crash.
    if (d.crashAfter !== undefined && already < d.crashAfter)
      return cut(d.crashAfter, "drop", [{ delayMs: FAILURE_DELAY_MS }]);
    // A section's call also waits a pace before its first question, so a job over many sections is paced too.
    const lead = section !== null ? [{ delayMs: d.paceMs }] : [];
    return {
      reply: "content",
      steps: wireSteps([...lead, ...questionSteps(questions, { plan, delayMs: d.paceMs })]),
      end: "finish",
    };
  };
}

/** `steps`, then a stall that is not a hang: a space (inside the
 * half-written question) every `KEEP_ALIVE_MS` keeps the idle timeout from
 * firing, until the client goes away (the stand-in stops reading steps then). */
function* keepAlive(steps: WireStep[]): Generator<WireStep> {
  yield* steps;
  for (;;) yield* [{ delayMs: KEEP_ALIVE_MS }, " "];
}

/**
 * `[[crash:K]]` must stay a hand-built error: no HTTP failure makes the action
 * itself die. When the stream of a crash prompt fails (the stand-in drops
 * it), the failure becomes an `Unsurvivable`, which the action cannot even
 * classify.
 */
const crashMiddleware: LanguageModelMiddleware = {
  specificationVersion: "v3",
  async wrapStream({ doStream, params }) {
    const result = await doStream();
    const crashes = parseDirectives(parseRequest(promptText(params)) ?? "").crashAfter !== undefined;
    return crashes ? { ...result, stream: failingWith(result.stream, () => new Unsurvivable()) } : result;
  },
};

/** `stream`, except that a failure to read it fails with `error()` instead. */
function failingWith(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  error: () => unknown,
): ReadableStream<LanguageModelV3StreamPart> {
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.error(error());
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function languageModelV3(model: ModelChoice["model"]): LanguageModelV3 {
  if (typeof model === "string" || model.specificationVersion !== "v3")
    throw new Error("the OpenAI-compatible provider should give a v3 language model");
  return model;
}

/** An error whose message cannot even be read: classifying it throws, so it
 * escapes the action's catch and the action dies, leaving its job processing. */
class Unsurvivable extends Error {
  override get message(): string {
    throw new Error("simulated crash: the action died while handling an error");
  }
}
