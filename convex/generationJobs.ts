/**
 * The public jobs API: start, follow, cancel, pause, resume, retry and extend
 * generation jobs, and which model they run on. Whether a user may start one
 * is `admission.ts`'s; every status change goes through `transition`.
 *
 * Tables: inserts and reads `generationJobs`; reads `_scheduled_functions`; reads a job's source
 * through `sources.ts` (and marks it used).
 */
import { pick } from "convex-helpers";
import type { WithoutSystemFields } from "convex/server";
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { canTransition, moreQuestionsCount, newJobFields, questionsLeft, storedPhase } from "../lib/jobs";
import { validatePrompt } from "../lib/prompt";
import { jobSourceAt, planSourceJob } from "../lib/sourcePlan";
import { publicJobFields, vJobStatus, vModelKind, vPublicJob, type JobStatus, type PublicJob } from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import type { MutationCtx, QueryCtx } from "./_generated/server";
import { chooseModel } from "./lib/ai/models";
import { userMutation, userQuery } from "./lib/functions";
import { activeJobDocs, assertCanStartJob } from "./admission";
import { queueNewJob, startEstimate, transition } from "./jobTransitions";
import { markSourceUsed, readySource, sectionPlaces } from "./sources";

/** Prompts in job lists are cut to this many characters (the detail page shows all). */
const PROMPT_PREVIEW_LENGTH = 280;

// ── Public API ──────────────────────────────────────────────────────────────

/**
 * Starts a background generation job for the signed-in user and returns its id
 * at once: the job joins the queue and starts as soon as the generation pool
 * has a slot and the model's quota allows (at once when it has room);
 * `processJob` runs it on the server.
 *
 * - The prompt must be text of `MIN_PROMPT_LENGTH`..`MAX_PROMPT_LENGTH`
 *   characters once trimmed and stripped of invisible ones (`INVALID_PROMPT`).
 * - At most `MAX_CONCURRENT_PER_USER` jobs queued or running per user
 *   (`CONCURRENCY_LIMIT`), and within today's token budget (`BUDGET_EXCEEDED`).
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
    const existing = await jobOfKey(ctx, userId, args.idempotencyKey);
    if (existing) return existing;
    const checked = validatePrompt(args.prompt);
    if (!checked.ok) throw appError("INVALID_PROMPT", checked.message);
    return await startNewJob(ctx, {
      ...newJobFields(userId, checked.prompt, Date.now()),
      ...(args.idempotencyKey !== undefined ? { idempotencyKey: args.idempotencyKey } : {}),
    });
  },
});

/** Admits a new job (the caller's limits, and the day's budget for what it will cost), stores it and queues it. */
async function startNewJob(ctx: MutationCtx, fields: WithoutSystemFields<Doc<"generationJobs">>) {
  await assertCanStartJob(ctx, fields.userId, startEstimate(fields));
  const jobId = await ctx.db.insert("generationJobs", fields);
  await queueNewJob(ctx, (await ctx.db.get("generationJobs", jobId))!);
  return jobId;
}

/**
 * Starts a job over one of the caller's ready sources (`sources.ts`) and
 * returns its id at once, like `createJob`: `questionCount` questions
 * (`MIN_QUESTIONS`..`MAX_QUESTIONS`) spread over the source's sections in
 * proportion to their length (`planSourceJob`). Each section is one step,
 * written by its own model call that sees only that section and the plan, and
 * one dispatch of the pool: between steps the job goes back to the queue,
 * keeping its place. Every question comes with its verified quote (or is
 * labelled general knowledge).
 *
 * - `prompt`, optional, says what to focus on (checked like `createJob`'s).
 * - The same limits as `createJob` (the budget check counts every section's
 *   call), and the same `idempotencyKey` rule.
 * - A source that is not the caller's, not ready or deleted is NOT_FOUND.
 */
export const createSourceJob = userMutation({
  args: {
    sourceId: v.string(),
    questionCount: v.number(),
    prompt: v.optional(v.string()),
    idempotencyKey: v.optional(v.string()),
  },
  argErrorCodes: { prompt: "INVALID_PROMPT" },
  returns: v.id("generationJobs"),
  handler: async (ctx, args) => {
    const { userId } = ctx;
    const existing = await jobOfKey(ctx, userId, args.idempotencyKey);
    if (existing) return existing;
    const source = await readySource(ctx.db, userId, args.sourceId);
    if (source === null) throw appError("NOT_FOUND", "That material doesn't exist (it may have been deleted).");
    const { MIN_QUESTIONS, MAX_QUESTIONS } = JOB_CONFIG;
    if (
      !Number.isInteger(args.questionCount) ||
      args.questionCount < MIN_QUESTIONS ||
      args.questionCount > MAX_QUESTIONS
    )
      throw appError("INVALID_ARGUMENT", `Ask for ${MIN_QUESTIONS} to ${MAX_QUESTIONS} questions.`);
    let prompt = `Questions from “${source.name}”`;
    if (args.prompt !== undefined && args.prompt.trim() !== "") {
      const checked = validatePrompt(args.prompt);
      if (!checked.ok) throw appError("INVALID_PROMPT", checked.message);
      prompt = checked.prompt;
    }
    const now = Date.now();
    const sourcePlan = planSourceJob(await sectionPlaces(ctx.db, source._id), args.questionCount);
    const fields = {
      ...newJobFields(userId, prompt, now),
      estimatedTotal: args.questionCount,
      sourcePlan,
      source: jobSourceAt(sourcePlan, { sourceId: source._id, name: source.name }),
      ...(args.idempotencyKey !== undefined ? { idempotencyKey: args.idempotencyKey } : {}),
    };
    const jobId = await startNewJob(ctx, fields);
    await markSourceUsed(ctx, source._id);
    return jobId;
  },
});

/**
 * The caller's most recent jobs, newest first (`RECENT_JOBS_DEFAULT_LIMIT`, at
 * most `RECENT_JOBS_MAX_LIMIT`),
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
 * counts. Reads only active jobs (never the history): at most
 * `MAX_CONCURRENT_PER_USER` per status.
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

/**
 * The caller's jobs that are running, queued or paused, newest first: what
 * the live strip shows. Reads only those statuses through an index (active
 * ones are at most `MAX_CONCURRENT_PER_USER` per status; paused ones, which
 * are kept for `FAILED_JOB_RETENTION_DAYS`, the newest `RECENT_JOBS_MAX_LIMIT`).
 */
export const getLiveJobs = userQuery({
  args: {},
  returns: v.array(vPublicJob),
  handler: async (ctx) => {
    if (ctx.userId === null) return [];
    const userId = ctx.userId;
    const [active, paused] = await Promise.all([
      activeJobDocs(ctx, userId),
      ctx.db
        .query("generationJobs")
        .withIndex("by_user_status", (q) => q.eq("userId", userId).eq("status", "paused"))
        .order("desc")
        .take(JOB_CONFIG.RECENT_JOBS_MAX_LIMIT),
    ]);
    return [...active, ...paused].map((job) => toPublicJob(job, PROMPT_PREVIEW_LENGTH));
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
 * Cancels one of the caller's queued, running or paused jobs. Questions saved so
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
    await dropWaitingAction(ctx, job);
    return { questionsSaved: job.questionsSaved };
  },
});

/**
 * Pauses one of the caller's queued or running jobs. Like a cancel, the
 * questions saved so far are kept and no further question of the running
 * attempt is written from the moment this returns; unlike one, the job waits
 * to be resumed (`resumeJob`). A paused job does not count toward
 * `MAX_CONCURRENT_PER_USER`. Returns how many questions are saved.
 */
export const pauseJob = userMutation({
  args: { jobId: v.string() },
  returns: v.object({ questionsSaved: v.number() }),
  handler: async (ctx, { jobId }) => {
    const job = await getOwnJob(ctx, jobId, ctx.userId);
    if (!canTransition(job.status, "paused")) {
      throw appError("INVALID_STATE", "Only a queued or running generation can be paused.");
    }
    await transition(ctx, job, "paused");
    await dropWaitingAction(ctx, job);
    return { questionsSaved: job.questionsSaved };
  },
});

/**
 * Resumes a paused job, or continues a cancelled one, where it stopped: a new
 * attempt asks the model only for the questions still missing and shows it
 * the saved ones, so none is duplicated. Counts against the concurrency,
 * budget and rate limits like a new job (`assertCanStartJob`).
 */
export const resumeJob = userMutation({
  args: { jobId: v.string() },
  returns: v.id("generationJobs"),
  handler: async (ctx, { jobId }) => {
    const job = await getOwnJob(ctx, jobId, ctx.userId);
    if (job.status !== "paused" && job.status !== "cancelled") {
      throw appError("INVALID_STATE", "Only a paused or cancelled generation can be continued.");
    }
    const left = questionsLeft(job);
    if (left === 0) {
      throw appError("INVALID_STATE", `Nothing is left to write: all ${job.questionsSaved} questions are saved.`);
    }
    await restartJob(ctx, job);
    return job._id;
  },
});

/**
 * "More": a completed job writes `MORE_QUESTIONS_COUNT` more questions on the
 * same topic (at most `MAX_QUESTIONS` in all), as a new attempt of the same
 * job that avoids the saved ones. Counts against the limits like a new job.
 */
export const extendJob = userMutation({
  args: { jobId: v.string() },
  returns: v.object({ jobId: v.id("generationJobs"), added: v.number() }),
  handler: async (ctx, { jobId }) => {
    const job = await getOwnJob(ctx, jobId, ctx.userId);
    if (job.status !== "completed") {
      throw appError("INVALID_STATE", "Only a finished generation can be asked for more questions.");
    }
    const added = moreQuestionsCount(job);
    if (added === 0) {
      throw appError(
        "INVALID_STATE",
        `A generation holds at most ${JOB_CONFIG.MAX_QUESTIONS} questions. Start a new one for more on this topic.`,
      );
    }
    const more = { estimatedTotal: job.questionsSaved + added };
    if (job.source === undefined) {
      await restartJob(ctx, job, more);
      return { jobId: job._id, added };
    }
    // Over a source: the new questions are spread over its sections again, after those the job holds.
    const source = await sourceToContinue(ctx, job);
    const sourcePlan = planSourceJob(await sectionPlaces(ctx.db, source._id), added, job.questionsSaved);
    await restartJob(ctx, job, { ...more, sourcePlan, source: jobSourceAt(sourcePlan, job.source) });
    return { jobId: job._id, added };
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
    await restartJob(ctx, job);
    return job._id;
  },
});

/** Which model new jobs run on, so the UI can say when it is the offline
 * sample; null when none is configured (a job would fail at once). */
export const getModelInfo = userQuery({
  args: {},
  returns: v.union(v.object({ kind: vModelKind, name: v.string() }), v.null()),
  handler: () => {
    const choice = chooseModel();
    return choice && { kind: choice.kind, name: choice.name };
  },
});

// ── Helpers ─────────────────────────────────────────────────────────────────

/** The caller's job, or NOT_FOUND: for a malformed id, a missing job, and
 * someone else's job alike (whether another user's job exists is not ours to reveal). */
async function getOwnJob(ctx: QueryCtx, rawJobId: string, userId: string) {
  const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
  const job = jobId ? await ctx.db.get("generationJobs", jobId) : null;
  if (!job || job.userId !== userId)
    throw appError("NOT_FOUND", "That job doesn't exist (it may have been cleaned up).");
  return job;
}

/**
 * A new attempt of `job` (retry, resume, continue, more): checks the limits
 * and puts it back in the queue with `fields` (dispatched at once if the pool
 * has room). The attempt number goes up, so writes of any earlier attempt are refused.
 */
async function restartJob(ctx: MutationCtx, job: Doc<"generationJobs">, fields: Partial<Doc<"generationJobs">> = {}) {
  const next = { ...job, ...fields };
  if (job.source !== undefined) await sourceToContinue(ctx, job);
  await assertCanStartJob(ctx, job.userId, startEstimate(next));
  const moved = await transition(ctx, job, "queued", {
    ...fields,
    attempts: job.attempts + 1,
    phase: next.topic !== undefined && next.estimatedTotal !== undefined ? "generating" : "planning",
    errorCode: undefined,
    errorMessage: undefined,
    retryable: undefined,
    completedAt: undefined,
    durationMs: undefined,
  });
  if (!moved) throw appError("INVALID_STATE", "This generation can't be restarted from its current state.");
}

/** The job with `idempotencyKey` (the same key always returns the same job), or null; refuses a malformed key. */
async function jobOfKey(ctx: QueryCtx, userId: string, key: string | undefined) {
  if (key === undefined) return null;
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
  return existing?._id ?? null;
}

/** The source a job over one continues from, or INVALID_STATE when its owner has deleted it since. */
async function sourceToContinue(ctx: QueryCtx, job: Doc<"generationJobs">) {
  const source = job.source ? await readySource(ctx.db, job.userId, job.source.sourceId) : null;
  if (source === null)
    throw appError(
      "INVALID_STATE",
      "The material this generation wrote from has been deleted, so it can't go on. Its questions are kept.",
    );
  return source;
}

/** A job's scheduled action that has not started yet is dropped (a running
 * one stops by itself when its next batch finds the job moved on). */
async function dropWaitingAction(ctx: MutationCtx, job: Doc<"generationJobs">) {
  if (!job.scheduledFunctionId) return;
  const scheduled = await ctx.db.system.get("_scheduled_functions", job.scheduledFunctionId);
  if (scheduled?.state.kind === "pending") await ctx.scheduler.cancel(job.scheduledFunctionId);
}

/** The fields of a job its owner sees (`publicJobFields`): never the table's own bookkeeping. */
const PUBLIC_JOB_FIELDS = ["_id", "_creationTime", ...Object.keys(publicJobFields)] as (keyof PublicJob)[];

function toPublicJob(job: Doc<"generationJobs">, promptLimit?: number): PublicJob {
  const visible = { ...(pick(job, PUBLIC_JOB_FIELDS) as PublicJob), phase: storedPhase(job.phase) };
  if (promptLimit !== undefined && visible.prompt.length > promptLimit) {
    return { ...visible, prompt: `${visible.prompt.slice(0, promptLimit).trimEnd()}…` };
  }
  return visible;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return JOB_CONFIG.RECENT_JOBS_DEFAULT_LIMIT;
  return Math.min(JOB_CONFIG.RECENT_JOBS_MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/** How a job that can no longer be cancelled ended (completed, cancelled or failed). */
function finishedVerb(status: JobStatus): string {
  return status === "completed" ? "completed" : status === "cancelled" ? "been cancelled" : "failed";
}
