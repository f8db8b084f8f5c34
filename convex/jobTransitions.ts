/**
 * The job state machine's transitions: every change of a job's status, and
 * the progress a running attempt records.
 *
 * Tables: reads and writes `generationJobs`; reads `questions` (startJob
 * tells a retry which questions exist). Nothing else in `convex/` changes a
 * job's `status`: the public API (`generationJobs.ts`), saving a batch
 * (`questions.ts`) and maintenance (`maintenance.ts`) call `transition` and
 * `recordProgress` from here.
 *
 * `transition` refuses what `canTransition` (`lib/jobs.ts`, `JOB_TRANSITIONS`)
 * does not allow, so a late `completeJob` or `failJob` can never overwrite
 * `cancelled`; it alone stamps `completedAt` and `durationMs`.
 */
import { v, type Infer } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { canTransition, isTerminalStatus, JOB_ERRORS } from "../lib/jobs";
import { vErrorCode, vJobPhase, vModelKind, type ErrorCode, type JobStatus } from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import { internalMutation, type MutationCtx } from "./_generated/server";

const vStartedJob = v.object({
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
    if (!(await transition(ctx, job, "processing", { startedAt: Date.now(), model }))) return null;
    const existing =
      job.questionsSaved > 0
        ? await ctx.db
            .query("questions")
            .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
            .take(JOB_CONFIG.MAX_QUESTIONS)
        : [];
    return {
      prompt: job.prompt,
      ...(job.topic !== undefined ? { topic: job.topic } : {}),
      ...(job.estimatedTotal !== undefined ? { estimatedTotal: job.estimatedTotal } : {}),
      questionsSaved: job.questionsSaved,
      existingQuestions: existing.map((q) => q.question),
    };
  },
});

/** Records the phase (and the topic and estimate once known) of a processing
 * job. Returns false, writing nothing, if the job is no longer processing.
 * (The topic joins the user's topic list with the first saved question: see `saveBatch`.) */
export const updateProgress = internalMutation({
  args: {
    jobId: v.id("generationJobs"),
    phase: vJobPhase,
    estimatedTotal: v.optional(v.number()),
    topic: v.optional(v.string()),
  },
  returns: v.boolean(),
  handler: async (ctx, { jobId, ...progress }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || job.status !== "processing") return false;
    await recordProgress(ctx, job, progress);
    return true;
  },
});

/** processing → completed. Returns false, writing nothing, otherwise. */
export const completeJob = internalMutation({
  args: { jobId: v.id("generationJobs") },
  returns: v.boolean(),
  handler: async (ctx, { jobId }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job) return false;
    return await transition(ctx, job, "completed", { phase: "finalizing" });
  },
});

/** pending|processing → failed with a classified error; the job gets the
 * code's fixed message and retryability (`JOB_ERRORS`), never provider text.
 * Returns false, writing nothing, if the job was already finished or cancelled. */
export const failJob = internalMutation({
  args: { jobId: v.id("generationJobs"), errorCode: vErrorCode },
  returns: v.boolean(),
  handler: async (ctx, { jobId, errorCode }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job) return false;
    return await transition(ctx, job, "failed", failure(errorCode));
  },
});

/**
 * Moves `job` to status `to` with `fields`, if the state machine allows it,
 * and refreshes the heartbeat. A job that finishes (completed, failed,
 * cancelled) gets `completedAt` and, if it had started, `durationMs`: the one
 * place durations are computed. Returns whether anything was written.
 */
export async function transition(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  to: JobStatus,
  fields: Partial<Doc<"generationJobs">> = {},
): Promise<boolean> {
  if (!canTransition(job.status, to)) return false;
  const now = Date.now();
  const finished = isTerminalStatus(to)
    ? { completedAt: now, ...(job.startedAt !== undefined ? { durationMs: now - job.startedAt } : {}) }
    : {};
  await ctx.db.patch("generationJobs", job._id, { ...finished, ...fields, status: to, lastProgressAt: now });
  return true;
}

/** Progress of a running job (its status unchanged), with a fresh heartbeat. */
export async function recordProgress(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  progress: Partial<Pick<Doc<"generationJobs">, "phase" | "topic" | "estimatedTotal" | "questionsGenerated" | "questionsSaved" | "questionIds">>,
): Promise<void> {
  await ctx.db.patch("generationJobs", job._id, { ...progress, lastProgressAt: Date.now() });
}

/** The fields a failed job gets for `code`. */
export function failure(code: ErrorCode) {
  return { errorCode: code, errorMessage: JOB_ERRORS[code].title, retryable: JOB_ERRORS[code].retryable };
}
