/**
 * The job state machine: every change of a job's status (`transition`, the one
 * writer, checked against `JOB_TRANSITIONS`), and the progress a running
 * attempt records. Each write of an attempt carries its number and is refused
 * once the job has moved on to a newer one (`isCurrentAttempt`).
 *
 * Tables: reads and writes `generationJobs`; reads `questions` (what a
 * continued job already has); the attempt's tokens go to the ledger of `admission.ts`.
 */
import { v, type Infer } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { canTransition, endsAttempt, isFinishedStatus, JOB_ERRORS } from "../lib/jobs";
import {
  vErrorCode,
  vModelKind,
  vTokenUsage,
  type AttemptRecord,
  type ErrorCode,
  type JobStatus,
  type TokenUsage,
} from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import { internalMutation, internalQuery, type MutationCtx } from "./_generated/server";
import { addDailyUsage, usageFields } from "./admission";

const vStartedJob = v.object({
  /** The attempt this action runs: its writes carry it (see the module header). */
  attempt: v.number(),
  prompt: v.string(),
  topic: v.optional(v.string()),
  estimatedTotal: v.optional(v.number()),
  questionsSaved: v.number(),
  /** Questions a previous attempt saved: the model is told to avoid them. */
  existingQuestions: v.array(v.string()),
});
export type StartedJob = Infer<typeof vStartedJob>;

/** pending → processing. Returns what the action needs, or null if the job is
 * no longer pending (cancelled before it started, or already taken). */
export const startJob = internalMutation({
  args: { jobId: v.id("generationJobs"), userId: v.string(), model: vModelKind },
  returns: v.union(vStartedJob, v.null()),
  handler: async (ctx, { jobId, userId, model }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || job.userId !== userId) return null;
    const now = Date.now();
    const opened: AttemptRecord = { attempt: job.attempts, startedAt: now };
    const attemptHistory = [...(job.attemptHistory ?? []), opened].slice(-JOB_CONFIG.MAX_ATTEMPT_HISTORY);
    if (!(await transition(ctx, job, "processing", { startedAt: now, model, attemptHistory }))) return null;
    const existing =
      job.questionsSaved > 0
        ? await ctx.db
            .query("questions")
            .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
            .take(JOB_CONFIG.MAX_QUESTIONS)
        : [];
    return {
      attempt: job.attempts,
      prompt: job.prompt,
      ...(job.topic !== undefined ? { topic: job.topic } : {}),
      ...(job.estimatedTotal !== undefined ? { estimatedTotal: job.estimatedTotal } : {}),
      questionsSaved: job.questionsSaved,
      existingQuestions: existing.map((q) => q.question),
    };
  },
});

/** processing → completed, with the attempt's token usage. Returns false,
 * writing nothing, otherwise. (Most attempts complete with their last
 * batch instead: `saveBatch`'s `finish`.) */
export const completeJob = internalMutation({
  args: { jobId: v.id("generationJobs"), usage: v.optional(vTokenUsage), attempt: v.optional(v.number()) },
  returns: v.boolean(),
  handler: async (ctx, { jobId, usage, attempt }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || !isCurrentAttempt(job, attempt)) return false;
    return await transition(ctx, job, "completed", { phase: "finalizing" }, usage);
  },
});

/** pending|processing → failed with a classified error; the job gets the
 * code's fixed message and retryability (`JOB_ERRORS`), never provider text.
 * Returns false, writing nothing, if the job was already finished or cancelled. */
export const failJob = internalMutation({
  args: {
    jobId: v.id("generationJobs"),
    errorCode: vErrorCode,
    usage: v.optional(vTokenUsage),
    attempt: v.optional(v.number()),
  },
  returns: v.boolean(),
  handler: async (ctx, { jobId, errorCode, usage, attempt }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job) return false;
    const failed = isCurrentAttempt(job, attempt) && (await transition(ctx, job, "failed", failure(errorCode), usage));
    if (!failed && usage) await addDailyUsage(ctx, job.userId, usage); // spent all the same; the job itself has moved on
    return failed;
  },
});

/** Whether the job is still processing attempt `attempt`: what a running action
 * asks between saves, so a pause or cancel stops its stream in time (`BatchSaver`). */
export const isAttemptRunning = internalQuery({
  args: { jobId: v.id("generationJobs"), attempt: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { jobId, attempt }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    return job !== null && job.status === "processing" && isCurrentAttempt(job, attempt);
  },
});

/** Whether a write of attempt `attempt` (when the caller runs one) may touch the job:
 * not once the job has moved on to a newer attempt. */
export function isCurrentAttempt(job: Doc<"generationJobs">, attempt: number | undefined): boolean {
  return attempt === undefined || attempt === job.attempts;
}

/**
 * Moves `job` to status `to` with `fields`, if the state machine allows it,
 * and refreshes the heartbeat. A job that finishes (completed, failed,
 * cancelled) gets `completedAt` and, if it had started, `durationMs` (the one
 * place durations are computed); its open attempt is closed in its history
 * then, and when it is paused. `usage`, the attempt's tokens, is added in the same write.
 * Returns whether anything was written.
 */
export async function transition(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  to: JobStatus,
  fields: Partial<Doc<"generationJobs">> = {},
  usage?: TokenUsage,
): Promise<boolean> {
  if (!canTransition(job.status, to)) return false;
  const now = Date.now();
  const next = { ...job, ...fields, status: to };
  const finished = {
    ...(isFinishedStatus(to)
      ? { completedAt: now, ...(job.startedAt !== undefined ? { durationMs: now - job.startedAt } : {}) }
      : {}),
    ...(endsAttempt(to)
      ? { attemptHistory: closeAttempt(next.attemptHistory, { endedAt: now, outcome: to, next }) }
      : {}),
  };
  const withUsage = usage ? await usageFields(ctx, { ...next, ...finished }, usage) : {};
  await ctx.db.patch("generationJobs", job._id, {
    ...finished,
    ...fields,
    ...withUsage,
    status: to,
    lastProgressAt: now,
  });
  return true;
}

/** The history with its open attempt (the last, if not ended) closed as `outcome`. */
function closeAttempt(
  history: AttemptRecord[] | undefined,
  { endedAt, outcome, next }: { endedAt: number; outcome: JobStatus; next: Doc<"generationJobs"> },
): AttemptRecord[] | undefined {
  const last = history?.at(-1);
  if (!history || !last || last.endedAt !== undefined) return history;
  if (!endsAttempt(outcome)) return history;
  const closed: AttemptRecord = {
    ...last,
    endedAt,
    outcome,
    questionsSaved: next.questionsSaved,
    ...(outcome === "failed" && next.errorCode ? { errorCode: next.errorCode } : {}),
  };
  return [...history.slice(0, -1), closed];
}

/** Progress of a running job (its status unchanged), with a fresh heartbeat. */
export async function recordProgress(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  progress: Partial<
    Pick<
      Doc<"generationJobs">,
      "phase" | "topic" | "estimatedTotal" | "questionsGenerated" | "questionsSaved" | "questionsSkipped"
    >
  >,
): Promise<void> {
  await ctx.db.patch("generationJobs", job._id, { ...progress, lastProgressAt: Date.now() });
}

/** The fields a failed job gets for `code`. */
export function failure(code: ErrorCode) {
  return { errorCode: code, errorMessage: JOB_ERRORS[code].title, retryable: JOB_ERRORS[code].retryable };
}
