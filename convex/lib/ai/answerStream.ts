/**
 * Reading the one generation call's answer while it streams
 * (`{ plan: { topic, questionCount }, questions: [...] }`, as
 * `generationOutputSchema` describes), and counting the tokens it used.
 * Pure: unit-tested without a model.
 */
import { CHARS_PER_TOKEN } from "../../../lib/jobs";
import type { TokenUsage } from "../../../lib/validators";

type Answer = { plan?: unknown; questions?: unknown };

/**
 * Turns the growing partial answers (`partialOutputStream`) into what is
 * complete: the plan once the questions have begun (it is written before
 * them), and each question once the next one has begun. What the final answer
 * holds beyond that is `rest` (the last question, complete once the answer is).
 */
export class AnswerReader {
  private taken = 0;

  /** What `partial` completes since the last read. */
  read(partial: unknown): { plan?: { topic?: unknown; questionCount?: unknown }; questions: unknown[] } {
    const { plan, questions } = asAnswer(partial);
    const list = Array.isArray(questions) ? questions : null;
    const complete = list ? list.slice(this.taken, Math.max(this.taken, list.length - 1)) : [];
    this.taken += complete.length;
    return { ...(list && isObject(plan) ? { plan } : {}), questions: complete };
  }

  /** The plan of the final answer, if it has one. */
  plan(final: unknown): { topic?: unknown; questionCount?: unknown } | undefined {
    const { plan } = asAnswer(final);
    return isObject(plan) ? plan : undefined;
  }

  /** The final answer's questions not read yet. */
  rest(final: unknown): unknown[] {
    const { questions } = asAnswer(final);
    if (!Array.isArray(questions)) return [];
    const rest = questions.slice(this.taken);
    this.taken = questions.length;
    return rest;
  }
}

function asAnswer(value: unknown): Answer {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The tokens a call used: what the provider reported, or, when it reported
 * nothing (an aborted stream, a provider without usage), an estimate from the
 * prompt and the text streamed so far.
 */
export class UsageMeter {
  private streamedChars = 0;

  constructor(private readonly promptText: string) {}

  /** Counts a chunk of `streamText`'s `onChunk`. */
  observe(chunk: { type: string; text?: string }): void {
    if (chunk.type === "text-delta" && typeof chunk.text === "string") this.streamedChars += chunk.text.length;
  }

  /** The tokens used so far, estimated: the prompt and the text streamed. */
  soFar(): number {
    const { inputTokens, outputTokens } = this.usage(null);
    return inputTokens + outputTokens;
  }

  usage(reported: { inputTokens?: number; outputTokens?: number } | null): TokenUsage {
    if (reported && Number.isFinite(reported.inputTokens) && Number.isFinite(reported.outputTokens)) {
      return { inputTokens: reported.inputTokens!, outputTokens: reported.outputTokens!, estimated: false };
    }
    return {
      inputTokens: Math.ceil(this.promptText.length / CHARS_PER_TOKEN),
      outputTokens: Math.ceil(this.streamedChars / CHARS_PER_TOKEN),
      estimated: true,
    };
  }
}
