/**
 * Scripted language models for tests and the benchmark: deterministic
 * questions, at a chosen pace, failing exactly where a test says. They plug
 * into the app through the model seam (`setModelOverride`). For failures,
 * give them the errors the real providers throw (`wire/realErrors.ts`), or
 * run the real provider against a stand-in (`wire/providers.ts`).
 */
import { codeModel, promptText, type StreamStep } from "../../convex/lib/ai/modelStream";
import type { ModelChoice } from "../../convex/lib/ai/models";
import type { Intent } from "../../convex/lib/ai/prompts";
import type { GeneratedQuestion } from "../../lib/validators";

export function makeQuestion(i: number, overrides: Partial<GeneratedQuestion> = {}): GeneratedQuestion {
  return i % 2 === 0
    ? {
        question: `Scripted question ${i}: which option is number ${i}?`,
        type: "multiple-choice",
        options: [`Option ${i}`, `Option ${i + 1}`, `Option ${i + 2}`, `Option ${i + 3}`],
        correctAnswer: `Option ${i}`,
        explanation: `Option ${i} is number ${i}.`,
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
 * The stream of `{"elements":[...]}` for `questions`, with `delayMs` between
 * elements. The AI SDK publishes an element once the next one begins (or the
 * array closes), so every element is split after its first character:
 * - `pauseAt`: the stream waits for `until` just after element `index` began,
 *   i.e. once element `index - 1` is published;
 * - `onComplete(index)` runs at the moment element `index` is complete (the
 *   benchmark time-stamps it);
 * - `end`: instead of closing the array, the stream writes half of one more
 *   element (which must never be saved) and then plays `end` (a failure, a
 *   hang, or nothing: malformed JSON).
 */
export function questionSteps(
  questions: readonly unknown[],
  {
    delayMs = 0,
    pauseAt,
    onComplete,
    end,
  }: { delayMs?: number; pauseAt?: { index: number; until: Promise<unknown> }; onComplete?: (index: number) => void; end?: StreamStep[] } = {},
): StreamStep[] {
  const completed = (index: number): StreamStep[] => (onComplete && index >= 0 ? [{ call: () => onComplete(index) }] : []);
  const steps: StreamStep[] = ['{"elements":['];
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

export type Script = {
  /** Stream idle timeout of the model choice (ms). */
  streamIdleTimeoutMs?: number;
  /** The clarify step's answer: a plan, raw text, or an error to throw. */
  intent?: Intent | { text: string } | { error: unknown };
  /** The generation stream of the n-th streaming call (0-based). */
  stream: StreamStep[] | ((call: number) => StreamStep[]);
};

type Calls = { clarify: number; stream: number; prompts: string[]; signals: AbortSignal[] };

/** A model choice that plays `script`; `calls` records its calls, the
 * generation prompts it got and their abort signals. */
export function scriptedModel(script: Script): ModelChoice & { calls: Calls } {
  const calls: Calls = { clarify: 0, stream: 0, prompts: [], signals: [] };
  const model = codeModel({
    provider: "scripted",
    modelId: "scripted",
    generate: () => {
      calls.clarify++;
      const intent = script.intent ?? { topic: "Scripted topic", questionCount: 5, focus: "Scripted focus." };
      if ("error" in intent) throw intent.error;
      return "text" in intent ? intent.text : JSON.stringify(intent);
    },
    stream: (options) => {
      const call = calls.stream++;
      calls.prompts.push(promptText(options));
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
