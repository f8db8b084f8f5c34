/**
 * What a model call really throws: the job's one generation call
 * (`streamAnswer`, exactly as `processJob` makes it), read the way
 * `processJob` reads it (each question once the next begins, the rest from
 * the final answer), returning the usable questions and the error it would
 * classify; and a plain description of an error and its cause chain for the
 * error table (`docs/model-errors.md`).
 */
import { APICallError, NoObjectGeneratedError, RetryError } from "ai";
import { AnswerReader } from "../../../convex/lib/ai/answerStream";
import { streamAnswer } from "../../../convex/lib/ai/generate";
import type { ModelChoice } from "../../../convex/lib/ai/models";
import { generationPrompt } from "../../../convex/lib/ai/prompts";
import { checkQuestion } from "../../../convex/lib/questionQuality";

export type Generation = { elements: unknown[]; error: unknown };

/** The generation prompt of a fresh job on `topic`. */
export const wirePrompt = (topic = "Wire topic") => generationPrompt({ request: topic, avoid: [] });

/** Makes a job's generation call and returns the usable questions it gave and the error it would classify (null if none). */
export async function generateLikeProcessJob(
  choice: ModelChoice,
  prompt = wirePrompt(),
  { sourced = false }: { sourced?: boolean } = {},
): Promise<Generation> {
  const { result, streamError } = streamAnswer(choice, prompt, { sourced });
  const reader = new AnswerReader();
  const elements: unknown[] = [];
  const take = (parts: unknown[]) => elements.push(...parts.map(checkQuestion).filter((q) => q !== null));
  try {
    for await (const partial of result.partialOutputStream) take(reader.read(partial).questions);
    take(reader.rest(await result.output));
    return { elements, error: null };
  } catch (error) {
    return { elements, error: streamError() ?? error };
  }
}

/** What a table row says about an error: its class, status, retry flag, message and causes. */
export type ErrorReport = {
  name: string;
  statusCode?: number;
  isRetryable?: boolean;
  /** The model's finish reason, where the error carries one (`NoObjectGeneratedError`). */
  finishReason?: string;
  message: string;
  /** Each cause below it: `Name [code]: message`. */
  causes: string[];
};

/** Describes `error` (a RetryError by its last attempt, noting how many there were). */
export function reportError(error: unknown): ErrorReport {
  if (RetryError.isInstance(error)) {
    const last = reportError(error.lastError);
    return { ...last, name: `RetryError(${error.errors.length} attempts) → ${last.name}` };
  }
  const report: ErrorReport = { name: nameOf(error), message: messageOf(error), causes: [] };
  if (APICallError.isInstance(error)) {
    if (error.statusCode !== undefined) report.statusCode = error.statusCode;
    report.isRetryable = error.isRetryable;
  }
  if (NoObjectGeneratedError.isInstance(error) && error.finishReason !== undefined)
    report.finishReason = error.finishReason;
  const seen = new Set<unknown>([error]);
  for (let cause = causeOf(error); cause !== undefined && !seen.has(cause); cause = causeOf(cause)) {
    seen.add(cause);
    const code = (cause as { code?: unknown }).code;
    report.causes.push(`${nameOf(cause)}${typeof code === "string" ? ` [${code}]` : ""}: ${messageOf(cause)}`);
  }
  return report;
}

const causeOf = (error: unknown): unknown => (error instanceof Error ? error.cause : undefined);
function nameOf(error: unknown): string {
  if (error instanceof Error) return error.constructor.name === "Error" ? error.name : error.constructor.name;
  return typeof error === "object" && error !== null ? "a plain object (not an Error)" : typeof error;
}

function messageOf(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === "object" && error !== null
        ? JSON.stringify(error)
        : String(error);
  return text.replace(/\s+/g, " ").trim();
}
