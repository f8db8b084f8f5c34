/**
 * Scripted language models for tests and the benchmark: deterministic
 * questions, at a chosen pace, failing exactly where a test says. They plug
 * into the app through the model seam (`setModelOverride`). For failures,
 * give them the errors the real providers throw (`wire/realErrors.ts`), or
 * run the real provider against a stand-in (`wire/providers.ts`).
 */
import { codeModel, promptText, type StreamStep } from "../../convex/lib/ai/modelStream";
import type { ModelChoice } from "../../convex/lib/ai/models";
import type { GeneratedQuestion } from "../../lib/validators";

/** A question that passes the quality gate (`lib/questionFlaws.ts`): numbered, so no two ask the same. */
export function makeQuestion(i: number, overrides: Partial<GeneratedQuestion> = {}): GeneratedQuestion {
  return i % 2 === 0
    ? {
        question: `Scripted question ${i}: which option is the right one?`,
        type: "multiple-choice",
        options: ["Option A", "Option B", "Option C", "Option D"],
        correctAnswer: "Option A",
        explanation: `Option A is right in scripted question ${i}.`,
        difficulty: "easy",
        ...overrides,
      }
    : {
        question: `Scripted question ${i}: ${i} is odd.`,
        type: "true-false",
        options: ["True", "False"],
        correctAnswer: "True",
        explanation: `${i} is odd.`,
        difficulty: "medium",
        ...overrides,
      };
}

export function makeQuestions(count: number, from = 0): GeneratedQuestion[] {
  return Array.from({ length: count }, (_, i) => makeQuestion(from + i));
}

/**
 * The stream of the one generation call's answer, `{"plan":…,"questions":[…]}`,
 * for `questions`, with `delayMs` between them. A question is complete once
 * the next one begins (or the answer ends), so every question is split after
 * its first character:
 * - `plan`: the answer's plan (default: "Scripted topic" with as many
 *   questions as given); any JSON value, to test an unusable one; null for an
 *   answer without a plan;
 * - `pauseAt`: the stream waits for `until` just after question `index`
 *   began, i.e. once question `index - 1` is complete;
 * - `onComplete(index)` runs at the moment question `index` is complete (the
 *   benchmark time-stamps it);
 * - `end`: instead of closing the answer, the stream writes half of one more
 *   question (which must never be saved) and then plays `end` (a failure, a
 *   hang, or nothing: malformed JSON).
 */
export function questionSteps(
  questions: readonly unknown[],
  {
    plan = { topic: "Scripted topic", questionCount: questions.length },
    delayMs = 0,
    pauseAt,
    onComplete,
    end,
  }: {
    plan?: unknown;
    delayMs?: number;
    pauseAt?: { index: number; until: Promise<unknown> };
    onComplete?: (index: number) => void;
    end?: StreamStep[];
  } = {},
): StreamStep[] {
  const completed = (index: number): StreamStep[] =>
    onComplete && index >= 0 ? [{ call: () => onComplete(index) }] : [];
  const steps: StreamStep[] = [plan === null ? '{"questions":[' : `{"plan":${JSON.stringify(plan)},"questions":[`];
  questions.forEach((question, i) => {
    const json = JSON.stringify(question);
    if (i > 0) {
      if (delayMs > 0) steps.push({ delayMs });
      steps.push(",");
    }
    steps.push(json.slice(0, 1), ...completed(i - 1));
    if (pauseAt?.index === i) steps.push({ until: pauseAt.until });
    steps.push(json.slice(1));
  });
  const last = questions.length - 1;
  if (end === undefined) return [...steps, "]}", ...completed(last)];
  return [...steps, `${questions.length > 0 ? "," : ""}{"question": "Half a`, ...completed(last), ...end];
}

/** A plan of `questionCount` questions on "Scripted topic". */
export const plan = (questionCount: number) => ({ topic: "Scripted topic", questionCount });

export type Script = {
  /** Stream idle timeout of the model choice (ms). */
  streamIdleTimeoutMs?: number;
  /** The stream of the n-th call (0-based). */
  stream: StreamStep[] | ((call: number) => StreamStep[]);
};

type Calls = { stream: number; prompts: string[]; signals: AbortSignal[]; maxOutputTokens: Array<number | undefined> };

/** A model choice that plays `script`; `calls` records its calls, the
 * prompts it got, their abort signals and the most they were allowed to write. */
export function scriptedModel(script: Script): ModelChoice & { calls: Calls } {
  const calls: Calls = { stream: 0, prompts: [], signals: [], maxOutputTokens: [] };
  const model = codeModel({
    provider: "scripted",
    modelId: "scripted",
    generate: () => {
      throw new Error("The scripted model only streams: a job makes one streaming call.");
    },
    stream: (options) => {
      const call = calls.stream++;
      calls.prompts.push(promptText(options));
      calls.maxOutputTokens.push(options.maxOutputTokens);
      if (options.abortSignal) calls.signals.push(options.abortSignal);
      return typeof script.stream === "function" ? script.stream(call) : script.stream;
    },
  });
  return {
    kind: "openai-compatible",
    name: "scripted",
    model,
    maxRetries: 0,
    ...(script.streamIdleTimeoutMs ? { streamIdleTimeoutMs: script.streamIdleTimeoutMs } : {}),
    calls,
  };
}

/** A promise with its resolve function: a gate a test opens when it wants. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
