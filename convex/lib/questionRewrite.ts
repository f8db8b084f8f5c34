/**
 * The attempt's one rewrite: after the stream, the questions the quality gate
 * rejected (a severe flaw, or a question the learner already has) go back to
 * the model in ONE more call that names each one's problems and asks for as
 * many replacements, in order (for a job over a source, from the same section:
 * the attempt's `rewritePrompt`). The replacements go through the same checker
 * (`QuestionIntake`) and support check (a section's quotes), and `saveBatch`
 * judges them against the collection like any other; a replacement that fails
 * again is dropped, never rewritten again.
 * The call may spend only what the attempt has left of its allowance, stops
 * when the job is paused or cancelled under it (`BatchSaver.isRunning`), and
 * never fails the attempt: what it could not replace is dropped.
 */
import type { GateReport, QuestionToSave, TokenUsage } from "../../lib/validators";
import { AnswerReader } from "./ai/answerStream";
import { ModelAnswer } from "./ai/generate";
import type { ModelChoice } from "./ai/models";
import type { RejectedForRewrite } from "./ai/prompts";
import type { BatchSaver } from "./batchSaver";
import { classifyError } from "./classifyError";
import type { QuestionIntake, RejectedQuestion } from "./questionIntake";
import type { SupportCheck } from "./questionSupport";
import { redactSecrets } from "./redact";

export type RewriteRequest = {
  choice: ModelChoice;
  /** The call's user prompt, given the questions to replace (the attempt's `rewritePrompt`), and whether
   * it is over a section of a learner's source (its questions carry quotes). */
  prompt: (rewrite: readonly RejectedForRewrite[]) => string;
  sourced: boolean;
  /** The questions to replace, in order. */
  rejected: readonly RejectedQuestion[];
  /** Tokens the call may spend (what the attempt has left of its allowance). */
  maxTokens: number;
};

/** The rewrite's result: the replacement written for each rejected question (null: none that passed
 * the checker), and the call's tokens; or `stopped` when the job stopped running this attempt. */
export type RewriteResult =
  | { kind: "done"; replacements: Array<QuestionToSave | null>; usage: TokenUsage }
  | { kind: "stopped"; usage: TokenUsage };

/** Runs the rewrite call for `rejected`; the intake and the support check judge what it writes, the saver
 * answers "still running?". */
export async function rewriteRejected(
  { choice, prompt, sourced, rejected, maxTokens }: RewriteRequest,
  { intake, support }: { intake: QuestionIntake; support: SupportCheck },
  saver: Pick<BatchSaver, "msUntilCheck" | "isRunning">,
): Promise<RewriteResult> {
  const rewrite = rejected.map(({ question, flaws }) => ({
    question: question.question,
    problems: flaws.map((flaw) => flaw.reason),
  }));
  const answer = new ModelAnswer(choice, prompt(rewrite), { maxTokens, sourced });
  const reader = new AnswerReader();
  const written: unknown[] = [];
  try {
    for (;;) {
      if (saver.msUntilCheck(Date.now()) === 0 && !(await saver.isRunning())) {
        answer.abort();
        return { kind: "stopped", usage: answer.estimatedUsage() };
      }
      const step = await answer.next(saver.msUntilCheck(Date.now()));
      if (step.kind === "wait") continue;
      if (step.kind === "done") {
        written.push(...reader.rest(await answer.final()));
        break;
      }
      written.push(...reader.read(step.value).questions);
      if (written.length >= rejected.length) {
        await answer.finishEarly();
        break;
      }
    }
  } catch (error) {
    // What was complete before the failure is kept; the rest of the rejected questions are dropped.
    const { code, message } = classifyError(answer.failure(error));
    console.warn(`rewrite of ${rejected.length} rejected question(s) failed (${code}): ${redactSecrets(message)}`);
  } finally {
    answer.close();
  }
  const replacements = rejected.map((_, index) => {
    if (index >= written.length) return null;
    const [kept] = support.keep(intake.take([written[index]]));
    return kept ?? null;
  });
  return { kind: "done", replacements, usage: await answer.usage() };
}

/**
 * The questions to save in place of the rejected ones (`batch`), and the report for `saveBatch`
 * (`report`: each rejected question with its flaws and its replacement's index in `batch`;
 * absent when nothing was rejected).
 */
export function gateReport(
  rejected: readonly RejectedQuestion[],
  replacements: ReadonlyArray<QuestionToSave | null>,
): { batch: QuestionToSave[]; report?: GateReport } {
  const batch: QuestionToSave[] = [];
  const entries = rejected.map(({ question, flaws }, index) => {
    const replacement = replacements[index];
    if (!replacement) return { question: question.question, flaws };
    batch.push(replacement);
    return { question: question.question, flaws, replacement: batch.length - 1 };
  });
  return entries.length > 0 ? { batch, report: { rejected: entries } } : { batch };
}

/** Two calls' tokens as one attempt's. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    estimated: a.estimated || b.estimated,
  };
}
