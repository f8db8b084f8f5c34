/**
 * Generation jobs: what the web app calls (create, list, cancel, retry), the
 * internal state changes `aiGeneration.processJob` drives, the sweeper that
 * fails jobs whose action died, and the daily cleanup.
 *
 * Tables: reads and writes `generationJobs`; reads `questions` (retry dedup)
 * and `_scheduled_functions` (is the action still running?).
 * Questions themselves are written only by `questions.saveBatch`.
 *
 * Every status change goes through `transition`, which refuses what the state
 * machine in `lib/jobs.ts` does not allow, so a late `completeJob` or
 * `failJob` can never overwrite `cancelled`.
 */
import { omit } from "convex-helpers";
import { formatDistanceStrict } from "date-fns";
import { v, type Infer } from "convex/values";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { canTransition, isJobStuck, isTerminalStatus, JOB_ERRORS } from "../lib/jobs";
import { validatePrompt } from "../lib/prompt";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation, type MutationCtx, type QueryCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";
import { rateLimiter } from "./lib/rateLimits";
import {
  ACTIVE_JOB_STATUSES,
  vErrorCode,
  vJobPhase,
  vJobStatus,
  vModelKind,
  vPublicJob,
  type ErrorCode,
  type JobStatus,
  type PublicJob,
} from "../lib/validators";

/** Prompts in job lists are cut to this many characters (the detail page shows all). */
const PROMPT_PREVIEW_LENGTH = 280;

// ── Public API ──────────────────────────────────────────────────────────────

/**
 * Starts a background generation job for the signed-in user and returns its id
 * at once; `processJob` runs it on the server.
 *
 * - The prompt must be text of `MIN_PROMPT_LENGTH`..`MAX_PROMPT_LENGTH`
 *   characters once trimmed and stripped of invisible ones (`INVALID_PROMPT`).
 * - At most 3 jobs pending or processing per user (`CONCURRENCY_LIMIT`).
 * - Per-user token bucket (`RATE_LIMITED`, with `retryAfterMs`).
 * - The same `idempotencyKey` always returns the same job, so a double-click
 *   or a re-sent request never makes two jobs.
 */
export const createJob = userMutation({
  args: { prompt: v.string(), idempotencyKey: v.optional(v.string()) },
  argErrorCodes: { prompt: "INVALID_PROMPT" },
  returns: v.id("generationJobs"),
  handler: async (ctx, args) => {
    const { userId } = ctx;
    if (args.idempotencyKey !== undefined) {
      const key = args.idempotencyKey;
      if (key.length === 0 || key.length > JOB_CONFIG.MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw appError(
          "INVALID_ARGUMENT",
          `idempotencyKey must be 1..${JOB_CONFIG.MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
        );
      }
      const existing = await ctx.db
        .query("generationJobs")
        .withIndex("by_user_idempotency", (q) => q.eq("userId", userId).eq("idempotencyKey", key))
        .first();
      if (existing) return existing._id;
    }
    const checked = validatePrompt(args.prompt);
    if (!checked.ok) throw appError("INVALID_PROMPT", checked.message);
    await assertCanStartJob(ctx, userId);

    const now = Date.now();
    const { ip } = await ctx.meta.getRequestMetadata();
    const jobId = await ctx.db.insert("generationJobs", {
      userId,
      kind: "questions",
      prompt: checked.prompt,
      status: "pending",
      phase: "clarifying",
      questionsGenerated: 0,
      questionsSaved: 0,
      questionIds: [],
      createdAt: now,
      lastProgressAt: now,
      attempts: 1,
      ...(ip ? { ipAddress: ip } : {}),
      ...(args.idempotencyKey !== undefined ? { idempotencyKey: args.idempotencyKey } : {}),
    });
    await scheduleProcessing(ctx, jobId, userId);
    return jobId;
  },
});

/**
 * The caller's most recent jobs, newest first (default 20, at most 50),
 * optionally only those with `status`. Prompts are cut to a preview.
 * Signed-out callers get an empty list.
 */
export const getRecentJobs = userQuery({
  args: { limit: v.optional(v.number()), status: v.optional(vJobStatus) },
  returns: v.array(vPublicJob),
  handler: async (ctx, { limit, status }) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const take = clampLimit(limit);
    const jobs = status
      ? await ctx.db
          .query("generationJobs")
          .withIndex("by_user_status", (q) => q.eq("userId", userId).eq("status", status))
          .order("desc")
          .take(take)
      : await ctx.db
          .query("generationJobs")
          .withIndex("by_user_created", (q) => q.eq("userId", userId))
          .order("desc")
          .take(take);
    return jobs.map((job) => toPublicJob(job, PROMPT_PREVIEW_LENGTH));
  },
});

/**
 * The caller's pending and processing jobs, newest first: what the navbar badge
 * counts. Reads only active jobs (never the history), at most 3 in practice.
 */
export const getActiveJobs = userQuery({
  args: {},
  returns: v.array(vPublicJob),
  handler: async (ctx) => {
    if (ctx.userId === null) return [];
    const jobs = await activeJobDocs(ctx, ctx.userId);
    return jobs.map((job) => toPublicJob(job, PROMPT_PREVIEW_LENGTH));
  },
});

/** One of the caller's jobs with its full prompt, or null if it does not exist,
 * is not theirs, or `jobId` is not a job id at all. */
export const getJobById = userQuery({
  args: { jobId: v.string() },
  returns: v.union(vPublicJob, v.null()),
  handler: async (ctx, args) => {
    if (ctx.userId === null) return null;
    const jobId = ctx.db.normalizeId("generationJobs", args.jobId);
    const job = jobId ? await ctx.db.get("generationJobs", jobId) : null;
    return job && job.userId === ctx.userId ? toPublicJob(job) : null;
  },
});

/**
 * Cancels one of the caller's pending or processing jobs. Questions saved so
 * far are kept; from the moment this returns, the job gets no further writes
 * (`saveBatch` checks the status in its own transaction) and its model stream
 * is aborted at its next batch. Returns how many questions were kept.
 */
export const cancelJob = userMutation({
  // A string, not v.id: a malformed id gets the same clear NOT_FOUND as a missing one.
  args: { jobId: v.string() },
  returns: v.object({ questionsSaved: v.number() }),
  handler: async (ctx, { jobId }) => {
    const job = await getOwnJob(ctx, jobId, ctx.userId);
    if (!canTransition(job.status, "cancelled")) {
      throw appError("INVALID_STATE", `This job has already ${finishedVerb(job.status)}, so it can't be cancelled.`);
    }
    await transition(ctx, job, "cancelled");
    // A job still waiting to start: drop its scheduled action. A running one
    // stops by itself when its next batch finds the job cancelled.
    if (job.scheduledFunctionId) {
      const scheduled = await ctx.db.system.get("_scheduled_functions", job.scheduledFunctionId);
      if (scheduled?.state.kind === "pending") await ctx.scheduler.cancel(job.scheduledFunctionId);
    }
    return { questionsSaved: job.questionsSaved };
  },
});

/**
 * Retries one of the caller's failed jobs whose failure is retryable. The job
 * continues where it stopped: questions already saved are kept and not
 * generated again. Counts against the concurrency and rate limits like a new job.
 */
export const retryJob = userMutation({
  args: { jobId: v.string() },
  returns: v.id("generationJobs"),
  handler: async (ctx, { jobId }) => {
    const job = await getOwnJob(ctx, jobId, ctx.userId);
    if (job.status !== "failed") {
      throw appError("INVALID_STATE", "Only a failed job can be retried.");
    }
    if (!job.retryable) {
      throw appError("INVALID_STATE", "Retrying won't fix this failure, so this job can't be retried.");
    }
    await assertCanStartJob(ctx, ctx.userId);
    await transition(ctx, job, "pending", {
      attempts: job.attempts + 1,
      phase: job.topic !== undefined && job.estimatedTotal !== undefined ? "generating" : "clarifying",
      errorCode: undefined,
      errorMessage: undefined,
      retryable: undefined,
      completedAt: undefined,
      durationMs: undefined,
    });
    await scheduleProcessing(ctx, job._id, ctx.userId);
    return job._id;
  },
});

// ── Internal state changes (called by aiGeneration.processJob) ───────────────

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
    const now = Date.now();
    if (!(await transition(ctx, job, "processing", { startedAt: now, model }))) return null;
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
    questionsGenerated: v.optional(v.number()),
    questionsSaved: v.optional(v.number()),
    estimatedTotal: v.optional(v.number()),
    topic: v.optional(v.string()),
  },
  returns: v.boolean(),
  handler: async (ctx, { jobId, ...progress }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || job.status !== "processing") return false;
    await ctx.db.patch("generationJobs", jobId, { ...progress, lastProgressAt: Date.now() });
    return true;
  },
});

/** processing → completed. Returns false, writing nothing, otherwise. */
export const completeJob = internalMutation({
  args: { jobId: v.id("generationJobs"), durationMs: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { jobId, durationMs }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job) return false;
    return await transition(ctx, job, "completed", { durationMs, phase: "finalizing" });
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

// ── Recovery and retention (crons) ──────────────────────────────────────────

/**
 * Fails, as INTERRUPTED and retryable, active jobs whose action is gone (see
 * `isJobStuck`: no heartbeat for `STALE_JOB_AFTER_MS` and the scheduled
 * `processJob` crashed, was killed by a deploy or restart, or outlived any
 * action). Runs every minute; reads only stale active jobs through an index,
 * so it costs nothing while all is well.
 */
export const recoverStuckJobs = internalMutation({
  args: {},
  returns: v.object({ interrupted: v.number() }),
  handler: async (ctx) => {
    const now = Date.now();
    let interrupted = 0;
    for (const status of ACTIVE_JOB_STATUSES) {
      const stale = await ctx.db
        .query("generationJobs")
        .withIndex("by_status_progress", (q) =>
          q.eq("status", status).lt("lastProgressAt", now - JOB_CONFIG.STALE_JOB_AFTER_MS),
        )
        .take(JOB_CONFIG.RECOVERY_BATCH_SIZE);
      for (const job of stale) {
        const action = job.scheduledFunctionId ? await ctx.db.system.get("_scheduled_functions", job.scheduledFunctionId) : null;
        if (!isJobStuck({ silentForMs: now - job.lastProgressAt, actionState: action?.state.kind ?? null })) continue;
        const failed = await transition(ctx, job, "failed", failure("INTERRUPTED"));
        if (failed) interrupted++;
      }
    }
    if (interrupted > 0) console.warn(`recoverStuckJobs: marked ${interrupted} job(s) INTERRUPTED`);
    return { interrupted };
  },
});

const RETENTION: ReadonlyArray<readonly [JobStatus, number]> = [
  ["completed", JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS],
  ["cancelled", JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS],
  ["failed", JOB_CONFIG.FAILED_JOB_RETENTION_DAYS],
];

/**
 * Deletes completed and cancelled jobs older than 7 days and failed jobs older
 * than 30 days, at most `CLEANUP_BATCH_SIZE` per transaction; when a batch is
 * full it schedules itself again, so any backlog is cleared in bounded steps.
 * Questions are never deleted: they belong to the user, not to the job.
 */
export const cleanup = internalMutation({
  args: {},
  returns: v.object({
    deletedCompleted: v.number(),
    deletedCancelled: v.number(),
    deletedFailed: v.number(),
    total: v.number(),
    hasMore: v.boolean(),
  }),
  handler: async (ctx) => {
    const now = Date.now();
    const deleted: Partial<Record<JobStatus, number>> = {};
    let budget: number = JOB_CONFIG.CLEANUP_BATCH_SIZE;
    for (const [status, days] of RETENTION) {
      if (budget === 0) break;
      const expired = await ctx.db
        .query("generationJobs")
        .withIndex("by_status_created", (q) => q.eq("status", status).lt("createdAt", now - days * DAY_MS))
        .take(budget);
      for (const job of expired) await ctx.db.delete("generationJobs", job._id);
      deleted[status] = expired.length;
      budget -= expired.length;
    }
    const hasMore = budget === 0;
    if (hasMore) await ctx.scheduler.runAfter(0, internal.generationJobs.cleanup, {});
    const total = JOB_CONFIG.CLEANUP_BATCH_SIZE - budget;
    if (total > 0) console.log(`cleanup: deleted ${total} old job(s)${hasMore ? ", continuing" : ""}`);
    return {
      deletedCompleted: deleted.completed ?? 0,
      deletedCancelled: deleted.cancelled ?? 0,
      deletedFailed: deleted.failed ?? 0,
      total,
      hasMore,
    };
  },
});

// ── Helpers ─────────────────────────────────────────────────────────────────

/**
 * Moves `job` to status `to` with `fields`, if the state machine allows it,
 * and refreshes the heartbeat. A job that finishes (completed, failed,
 * cancelled) gets `completedAt` and, if it had started, `durationMs` (unless
 * `fields` says otherwise). Returns whether anything was written.
 */
async function transition(
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

/** The fields a failed job gets for `code`. */
function failure(code: ErrorCode) {
  return { errorCode: code, errorMessage: JOB_ERRORS[code].title, retryable: JOB_ERRORS[code].retryable };
}

/** The caller's job, or NOT_FOUND: for a malformed id, a missing job, and
 * someone else's job alike (whether another user's job exists is not ours to reveal). */
async function getOwnJob(ctx: QueryCtx, rawJobId: string, userId: string) {
  const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
  const job = jobId ? await ctx.db.get("generationJobs", jobId) : null;
  if (!job || job.userId !== userId) throw appError("NOT_FOUND", "That job doesn't exist (it may have been cleaned up).");
  return job;
}

async function activeJobDocs(ctx: QueryCtx, userId: string): Promise<Doc<"generationJobs">[]> {
  const byStatus = await Promise.all(
    ACTIVE_JOB_STATUSES.map((status) =>
      ctx.db
        .query("generationJobs")
        .withIndex("by_user_status", (q) => q.eq("userId", userId).eq("status", status))
        .order("desc")
        .take(JOB_CONFIG.MAX_CONCURRENT_PER_USER),
    ),
  );
  return byStatus.flat().sort((a, b) => b.createdAt - a.createdAt);
}

/** Concurrency limit (pending + processing), then the rate limit. Throws the
 * error the UI shows; a rejected call rolls back and consumes no token. */
async function assertCanStartJob(ctx: MutationCtx, userId: string): Promise<void> {
  const active = await activeJobDocs(ctx, userId);
  if (active.length >= JOB_CONFIG.MAX_CONCURRENT_PER_USER) {
    throw appError(
      "CONCURRENCY_LIMIT",
      `You already have ${JOB_CONFIG.MAX_CONCURRENT_PER_USER} generations running. Wait for one to finish or cancel one, then try again.`,
    );
  }
  const { ok, retryAfter } = await rateLimiter.limit(ctx, "startJob", { key: userId });
  if (!ok) {
    const wait = formatDistanceStrict(0, Math.max(1000, retryAfter), { roundingMethod: "ceil" });
    throw appError("RATE_LIMITED", `You're starting generations too quickly. Try again in ${wait}.`, {
      retryAfterMs: Math.ceil(retryAfter),
    });
  }
}

async function scheduleProcessing(ctx: MutationCtx, jobId: Id<"generationJobs">, userId: string) {
  const scheduledFunctionId = await ctx.scheduler.runAfter(0, internal.aiGeneration.processJob, { jobId, userId });
  await ctx.db.patch("generationJobs", jobId, { scheduledFunctionId });
}


function toPublicJob(job: Doc<"generationJobs">, promptLimit?: number): PublicJob {
  const visible = omit(job, ["userId", "questionIds", "ipAddress", "idempotencyKey", "scheduledFunctionId"]);
  if (promptLimit !== undefined && visible.prompt.length > promptLimit) {
    return { ...visible, prompt: `${visible.prompt.slice(0, promptLimit).trimEnd()}…` };
  }
  return visible;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return JOB_CONFIG.RECENT_JOBS_DEFAULT_LIMIT;
  return Math.min(JOB_CONFIG.RECENT_JOBS_MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

function finishedVerb(status: JobStatus): string {
  return status === "completed" ? "completed" : status === "cancelled" ? "been cancelled" : "failed";
}
