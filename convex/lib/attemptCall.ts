/**
 * What one run of `processJob` asks the model, and how its answer is judged:
 * for a job over a prompt, the whole job in one call (or what a retry still
 * misses); for a job over a learner's source, one step of its plan, a call
 * that sees only its section (and the plan), whose questions must each be
 * supported by the section (`SectionSupport`). The attempt itself (reader →
 * checker → support → batcher → saver) is the same for both, and so is its one
 * rewrite of what the quality gate rejected (`rewritePrompt`: for a section,
 * replacements from the same section, quoted like the others).
 */
import type { SaverJob } from "./batchSaver";
import { internal } from "../_generated/api";
import type { ActionCtx } from "../_generated/server";
import type { StartedJob } from "../jobTransitions";
import { generationPrompt, type Plan, type RejectedForRewrite } from "./ai/prompts";
import { sectionPrompt, sourceTopic } from "./ai/sourcePrompts";
import { noSourceCheck, SectionSupport, type SupportCheck } from "./questionSupport";

export type AttemptCall = {
  /** The plan known before the call (a retry's, a source's); null: the model makes it. */
  known: Plan | null;
  /** Questions the job holds once this call is done; by default, the plan's count. */
  target?: number;
  /** The user prompt; `sourced`: of a section (`sectionPrompt`), whose questions carry quotes. */
  prompt: string;
  sourced: boolean;
  support: SupportCheck;
  /** What the saver's writes carry beyond the attempt (a source's step, the counts it adds to). */
  saver: Pick<SaverJob, "step" | "generatedBefore" | "skippedBefore">;
  /** The user prompt of the attempt's rewrite (`rewriteRejected`): one replacement for each of `rewrite`, in
   * order, different from the job's questions and from `taken` (those this attempt kept); `plan` is the
   * attempt's (made by the model when none was known). */
  rewritePrompt(rewrite: readonly RejectedForRewrite[], taken: readonly string[], plan: Plan): string;
};

/** The call of a job over a prompt: the plan and every question still missing, in one answer. */
export function promptCall(job: StartedJob): AttemptCall {
  const known: Plan | null =
    job.topic !== undefined && job.estimatedTotal !== undefined
      ? { topic: job.topic, questionCount: job.estimatedTotal }
      : null;
  return {
    known,
    prompt: generationPrompt({
      request: job.prompt,
      ...(known ? { plan: known, count: known.questionCount - job.questionsSaved } : {}),
      avoid: job.existingQuestions,
    }),
    sourced: false,
    support: noSourceCheck,
    saver: {},
    rewritePrompt: (rewrite, taken, plan) =>
      generationPrompt({
        request: job.prompt,
        plan,
        count: rewrite.length,
        avoid: [...job.existingQuestions, ...taken],
        rewrite,
      }),
  };
}

/**
 * The call of the current step of a job over a source: its section, read
 * from the source (null when it is gone), with the plan, for the questions the
 * step still misses (earlier steps' shortfalls included).
 */
export async function sectionCall(
  ctx: Pick<ActionCtx, "runQuery">,
  userId: string,
  job: StartedJob & { section: NonNullable<StartedJob["section"]> },
): Promise<AttemptCall | null> {
  const { sourceId, sourceName, step, steps, target } = job.section;
  const current = steps[step];
  if (current === undefined) return null;
  const read = await ctx.runQuery(internal.sources.getSection, { userId, sourceId, index: current.section });
  if (read === null) return null;
  const plan: Plan = { topic: job.topic ?? sourceTopic(sourceName), questionCount: job.estimatedTotal ?? target };
  const section = { request: job.prompt, plan, sourceName, steps, step, text: read.text };
  // Only this section's questions: other sections' are about other text (the checker still drops a repeat of any).
  const avoid = job.section.existingQuestions;
  return {
    known: plan,
    target,
    prompt: sectionPrompt({ ...section, count: Math.max(0, target - job.questionsSaved), avoid }),
    sourced: true,
    support: new SectionSupport({ sourceId, sourceName, index: current.section, place: read.place, text: read.text }),
    saver: { step, generatedBefore: job.questionsGenerated, skippedBefore: job.questionsSkipped },
    rewritePrompt: (rewrite, taken) =>
      sectionPrompt({ ...section, count: rewrite.length, avoid: [...avoid, ...taken], rewrite }),
  };
}
