/**
 * The job state machine's transitions: every change of a job's status, and
 * the progress a running attempt records.
 *
 * Tables: reads and writes `generationJobs` and `dailyUsage` (tokens per user
 * per day); reads `questions` (startJob tells a retry which questions
 * exist). Nothing else in `convex/` changes a
 * job's `status`: the public API (`generationJobs.ts`), saving a batch
 * (`questions.ts`) and maintenance (`maintenance.ts`) call `transition` and
 * `recordProgress` from here.
 *
 * `transition` refuses what `canTransition` (`lib/jobs.ts`, `JOB_TRANSITIONS`)
 * does not allow, so a late `completeJob` or `failJob` can never overwrite
 * `cancelled`; it alone stamps `completedAt` and `durationMs`, and keeps the
 * job's attempt history (an entry opened by `startJob`, closed when the
 * attempt ends: completed, failed, cancelled or paused).
 *
 * **One attempt writes at a time.** `startJob` hands the action its attempt
 * number (`job.attempts`); every write of the action (`saveBatch`,
 * `completeJob`, `failJob`) carries it and is refused once the job has moved
 * to a newer attempt, so an action still streaming after a pause and a quick
 * resume (or a cancel and continue) can never write into the new attempt.
 * An attempt's tokens are written with its end (on the job, its attempt and
 * the user's `dailyUsage`); those of an attempt cancelled under it count
 * toward the user's day only.
 */
import { v, type Infer } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { canTransition, endsAttempt, isTerminalStatus, JOB_ERRORS, utcDay } from "../lib/jobs";
import {
  vErrorCode,
  vJobPhase,
  vModelKind,
  vTokenUsage,
  type AttemptRecord,
  type ErrorCode,
  type JobStatus,
  type TokenUsage,
} from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import { internalMutation, type MutationCtx } from "./_generated/server";

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

/** Counts the tokens of an attempt that stopped without a transition of its
 * own (the job was cancelled under it) toward the user's day. The job itself
 * is not written: nothing is, once a job is cancelled. */
export const recordUsage = internalMutation({
  args: { jobId: v.id("generationJobs"), usage: vTokenUsage },
  returns: v.null(),
  handler: async (ctx, { jobId, usage }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (job) await addDailyUsage(ctx, job.userId, usage);
    return null;
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
    ...(isTerminalStatus(to)
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

/** Adds `usage` to the user's tokens of today (what the daily budget is checked against). */
async function addDailyUsage(ctx: MutationCtx, userId: string, usage: TokenUsage): Promise<void> {
  const day = utcDay(Date.now());
  const today = await ctx.db
    .query("dailyUsage")
    .withIndex("by_user_day", (q) => q.eq("userId", userId).eq("day", day))
    .unique();
  if (today) {
    await ctx.db.patch("dailyUsage", today._id, {
      inputTokens: today.inputTokens + usage.inputTokens,
      outputTokens: today.outputTokens + usage.outputTokens,
    });
  } else {
    await ctx.db.insert("dailyUsage", {
      userId,
      day,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    });
  }
}

/** The job fields that carry `usage` (totals, latest attempt), after adding it to the user's day. */
async function usageFields(ctx: MutationCtx, job: Doc<"generationJobs">, usage: TokenUsage) {
  await addDailyUsage(ctx, job.userId, usage);
  const history = job.attemptHistory ?? [];
  const last = history.at(-1);
  return {
    inputTokens: (job.inputTokens ?? 0) + usage.inputTokens,
    outputTokens: (job.outputTokens ?? 0) + usage.outputTokens,
    ...(usage.estimated || job.usageEstimated ? { usageEstimated: true } : {}),
    ...(last
      ? {
          attemptHistory: [
            ...history.slice(0, -1),
            {
              ...last,
              inputTokens: (last.inputTokens ?? 0) + usage.inputTokens,
              outputTokens: (last.outputTokens ?? 0) + usage.outputTokens,
            },
          ],
        }
      : {}),
  };
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
      | "phase"
      | "topic"
      | "estimatedTotal"
      | "questionsGenerated"
      | "questionsSaved"
      | "questionsSkipped"
      | "questionIds"
    >
  >,
): Promise<void> {
  await ctx.db.patch("generationJobs", job._id, { ...progress, lastProgressAt: Date.now() });
}

/** The fields a failed job gets for `code`. */
export function failure(code: ErrorCode) {
  return { errorCode: code, errorMessage: JOB_ERRORS[code].title, retryable: JOB_ERRORS[code].retryable };
}
