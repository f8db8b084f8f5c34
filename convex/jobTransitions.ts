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
import {
  canTransition,
  endsAttempt,
  estimateAttemptTokens,
  isFinishedStatus,
  isRunningStatus,
  JOB_ERRORS,
} from "../lib/jobs";
import { makesWay } from "../lib/queue";
import { estimateRemainingTokens, estimateStepTokens, jobSourceAt, stepTarget } from "../lib/sourcePlan";
import {
  vErrorCode,
  vModelKind,
  vSourcePlanStep,
  vTokenUsage,
  type AttemptOutcome,
  type AttemptRecord,
  type ErrorCode,
  type JobStatus,
  type TokenUsage,
} from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery, type MutationCtx } from "./_generated/server";
import {
  activeJobDocs,
  addDailyUsage,
  attemptAllowance,
  releaseTokens,
  reserveTokens,
  takeModelQuota,
  usageFields,
} from "./admission";
import { GENERATION_SYSTEM_PROMPT } from "./lib/ai/prompts";
import { SOURCED_SYSTEM_PROMPT } from "./lib/ai/sourcePrompts";
import { dequeue, enqueue, patchPool, poolSettings, poolState, queueHead, readPool } from "./lib/queue";

const vStartedJob = v.object({
  /** The attempt this action runs: its writes carry it (see the module header). */
  attempt: v.number(),
  prompt: v.string(),
  topic: v.optional(v.string()),
  estimatedTotal: v.optional(v.number()),
  questionsSaved: v.number(),
  questionsGenerated: v.number(),
  questionsSkipped: v.number(),
  /** A job over a learner's source: the step of its plan this action writes (one section), and the plan. */
  section: v.optional(
    v.object({
      sourceId: v.id("sources"),
      sourceName: v.string(),
      step: v.number(),
      steps: v.array(vSourcePlanStep),
      /** Questions the job holds once this step is done. */
      target: v.number(),
      /** Of `existingQuestions`, those written from this section: the ones its call is told to avoid. */
      existingQuestions: v.array(v.string()),
    }),
  ),
  /** Questions a previous attempt saved: the model is told to avoid them. */
  existingQuestions: v.array(v.string()),
  /** The most this attempt may spend (its reservation of the user's day). */
  tokenAllowance: v.number(),
});
export type StartedJob = Infer<typeof vStartedJob>;

/** pending → processing. Returns what the action needs, or null if the job is
 * no longer pending (cancelled before it started, or already taken). A job over
 * a source that moves on to its next step continues its open attempt (its
 * history and `startedAt` unchanged: sections are not attempts). */
export const startJob = internalMutation({
  args: { jobId: v.id("generationJobs"), userId: v.string(), model: vModelKind },
  returns: v.union(vStartedJob, v.null()),
  handler: async (ctx, { jobId, userId, model }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || job.userId !== userId) return null;
    const now = Date.now();
    const run = job.sourcePlan ? { runStartedAt: now } : {};
    const moved = continuesAttempt(job)
      ? await transition(ctx, job, "processing", { model, ...run })
      : await transition(ctx, job, "processing", {
          startedAt: now,
          model,
          ...run,
          attemptHistory: [...(job.attemptHistory ?? []), { attempt: job.attempts, startedAt: now }].slice(
            -JOB_CONFIG.MAX_ATTEMPT_HISTORY,
          ),
        });
    if (!moved) return null;
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
      questionsGenerated: job.questionsGenerated,
      questionsSkipped: job.questionsSkipped ?? 0,
      existingQuestions: existing.map((q) => q.question),
      tokenAllowance: job.tokenReservation?.tokens ?? JOB_CONFIG.MAX_ATTEMPT_TOKENS,
      ...(job.sourcePlan && job.source
        ? {
            section: {
              sourceId: job.source.sourceId,
              sourceName: job.source.name,
              step: job.sourcePlan.step,
              steps: job.sourcePlan.steps,
              target: stepTarget(job.sourcePlan),
              existingQuestions: existing
                .filter((q) => q.source?.sectionIndex === job.sourcePlan!.steps[job.sourcePlan!.step]?.section)
                .map((q) => q.question),
            },
          }
        : {}),
    };
  },
});

/** Whether `job`, a job over a source dispatched for its next step, continues its attempt (still open). */
function continuesAttempt(job: Doc<"generationJobs">): boolean {
  const last = job.attemptHistory?.at(-1);
  return job.sourcePlan !== undefined && last?.attempt === job.attempts && last.endedAt === undefined;
}

/**
 * A job over a source has saved the questions of its current step (its
 * attempt's last batch of that section, `saveBatch`'s `finish`): it completes
 * after its last step; otherwise it moves on to the next, back in the queue
 * (keeping its place by age, its attempt still open), so a long source never
 * holds a slot of the pool for more than one section, and each section's call
 * takes its own share of the model's quota and of its user's day. The step's
 * tokens are counted either way. Returns the job's new status.
 */
export async function finishStep(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  progress: Partial<Doc<"generationJobs">>,
  usage: TokenUsage,
): Promise<JobStatus> {
  const plan = job.sourcePlan;
  if (plan && job.source && plan.step + 1 < plan.steps.length) {
    const next = { ...plan, step: plan.step + 1 };
    const moved = await transition(
      ctx,
      job,
      "queued",
      { ...progress, sourcePlan: next, source: jobSourceAt(next, job.source) },
      usage,
      { continueAttempt: true },
    );
    if (moved) return "queued";
  }
  await transition(ctx, job, "completed", { ...progress, phase: "finalizing" }, usage);
  return "completed";
}

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

/**
 * The provider answered 429 although the model's quota allowed the attempt:
 * dispatching backs off (`RATE_LIMIT_BACKOFF_MS`, doubling per 429) and the
 * job goes back to the queue, keeping its place by age, as a new attempt that
 * continues where this one stopped. After `MAX_RATE_LIMIT_REQUEUES` it fails
 * with RATE_LIMIT instead. Returns false, writing nothing, if the job has
 * moved on from `attempt`.
 */
export const requeueJob = internalMutation({
  args: { jobId: v.id("generationJobs"), attempt: v.number(), usage: vTokenUsage },
  returns: v.boolean(),
  handler: async (ctx, { jobId, attempt, usage }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (!job || job.status !== "processing" || !isCurrentAttempt(job, attempt)) {
      if (job) await addDailyUsage(ctx, job.userId, usage);
      return false;
    }
    const pool = await readPool(ctx);
    const { initial, max } = JOB_CONFIG.RATE_LIMIT_BACKOFF_MS;
    const backoffMs = Math.min(max, pool.backoffMs ? pool.backoffMs * 2 : initial);
    await patchPool(ctx, { backoffMs, backoffUntil: Date.now() + backoffMs });
    const requeues = job.rateLimitRequeues ?? 0;
    if (requeues >= JOB_CONFIG.MAX_RATE_LIMIT_REQUEUES) {
      return await transition(ctx, job, "failed", failure("RATE_LIMIT"), usage);
    }
    return await transition(
      ctx,
      job,
      "queued",
      { attempts: job.attempts + 1, rateLimitRequeues: requeues + 1, queuedAt: job.queuedAt ?? job.createdAt },
      usage,
    );
  },
});

/**
 * Between two batches of a running attempt (`saveBatch`, with the batch's
 * `progress`): if another learner's first job waits because every slot is
 * taken, and `job` may make way for it (`makesWay`: its learner has questions
 * from it, it has not made way `MAX_YIELDS_PER_JOB` times, enough is left to
 * write), the job gives up its slot and goes back to the queue behind every
 * first job (round 1 at least, keeping its age), as a new attempt that goes
 * on from where this one stopped; the waiting job is dispatched into the slot
 * in this transaction. The attempt's tokens are recorded by its action when
 * its stream stops. Returns whether the job made way. Reads only the queue's
 * first row unless a first job waits.
 */
export async function makeWayIfWaited(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  progress: Partial<Doc<"generationJobs">>,
): Promise<boolean> {
  const head = await queueHead(ctx);
  if (head === null || head.round !== 0) return false;
  const now = Date.now();
  const next = { ...job, ...progress };
  const running = {
    userId: job.userId,
    sourced: job.sourcePlan !== undefined,
    yields: job.yields ?? 0,
    questionsSaved: next.questionsSaved,
    estimatedTotal: next.estimatedTotal,
  };
  if (!makesWay(running, head, poolState(await readPool(ctx), now), now)) return false;
  return await transition(
    ctx,
    job,
    "queued",
    { ...progress, attempts: job.attempts + 1, yields: running.yields + 1 },
    undefined,
    { madeWay: true },
  );
}

/** Whether the job is still processing attempt `attempt`: what a running action
 * asks between saves, so a pause or cancel stops its stream in time (`BatchSaver`). */
export const isAttemptRunning = internalQuery({
  args: { jobId: v.id("generationJobs"), attempt: v.number(), step: v.optional(v.number()) },
  returns: v.boolean(),
  handler: async (ctx, { jobId, attempt, step }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    return job !== null && job.status === "processing" && isCurrentAttempt(job, attempt, step);
  },
});

/** Whether a write of attempt `attempt` (when the caller runs one) may touch the job:
 * not once the job has moved on to a newer attempt, nor, for a job over a
 * source, to another `step` of its plan (each step is written by its own action). */
export function isCurrentAttempt(job: Doc<"generationJobs">, attempt: number | undefined, step?: number): boolean {
  if (attempt !== undefined && attempt !== job.attempts) return false;
  return step === undefined || step === job.sourcePlan?.step;
}

/**
 * Moves `job` to status `to` with `fields`, if the state machine allows it,
 * and refreshes the heartbeat. A job that finishes (completed, failed,
 * cancelled) gets `completedAt` and, if it had started, `durationMs` (the one
 * place durations are computed); its open attempt is closed in its history
 * then, and when it is paused or requeued (not when a job over a source goes
 * back to the queue for its next step: `continueAttempt`; as "yielded" when
 * it made way for a first job: `madeWay`). `usage`, the
 * attempt's tokens, is added in the same write. The generation pool follows (`poolEffects`): a job
 * that joins the queue takes its place, one that leaves the pool frees its
 * slot, and waiting jobs are dispatched into free slots, all in this transaction.
 * Returns whether anything was written.
 */
export async function transition(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  to: JobStatus,
  fields: Partial<Doc<"generationJobs">> = {},
  usage?: TokenUsage,
  { continueAttempt = false, madeWay = false }: { continueAttempt?: boolean; madeWay?: boolean } = {},
): Promise<boolean> {
  if (!canTransition(job.status, to)) return false;
  const now = Date.now();
  const next = { ...job, ...fields, status: to };
  const finished = {
    ...(isFinishedStatus(to)
      ? { completedAt: now, ...(job.startedAt !== undefined ? { durationMs: now - job.startedAt } : {}) }
      : {}),
    ...(endsAttempt(to) && !continueAttempt
      ? {
          attemptHistory: closeAttempt(next.attemptHistory, {
            endedAt: now,
            outcome: madeWay ? "yielded" : to === "queued" ? "requeued" : to,
            next,
          }),
        }
      : {}),
  };
  const withUsage = usage ? await usageFields(ctx, { ...next, ...finished }, usage) : {};
  const pool = await poolEffects(ctx, job, to, now, { stepDone: continueAttempt, madeWay });
  await ctx.db.patch("generationJobs", job._id, {
    ...finished,
    ...fields,
    ...withUsage,
    ...pool.fields,
    status: to,
    lastProgressAt: now,
  });
  if (pool.dispatch) await dispatchWaiting(ctx);
  return true;
}

/**
 * What a move of `job` to `to` does to the pool, and the job fields that go
 * with it: joining the queue inserts its row (its round: how many other jobs
 * its user has queued or running); leaving it deletes the row; entering
 * `pending` takes a slot, reserves the attempt's tokens from its user's day
 * and schedules `processJob`; leaving the pool frees the slot, gives the
 * reservation back and records how long the attempt took.
 */
async function poolEffects(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  to: JobStatus,
  now: number,
  { stepDone, madeWay }: { stepDone: boolean; madeWay: boolean },
): Promise<{ fields: Partial<Doc<"generationJobs">>; dispatch: boolean }> {
  const from = job.status;
  const fields: Partial<Doc<"generationJobs">> = {};
  let dispatch = false;
  if (from === "queued") await dequeue(ctx, job._id);
  if (to === "queued") {
    // A job the provider's 429 sent back, or that made way, keeps its place by age; one that made way
    // has run, so it waits behind every first job.
    fields.queuedAt = from === "processing" ? (job.queuedAt ?? now) : now;
    await takeQueuePlace(ctx, job, fields.queuedAt, madeWay ? 1 : 0);
    dispatch = true;
  }
  const wasRunning = isRunningStatus(from);
  const isRunning = isRunningStatus(to);
  if (!wasRunning && isRunning) {
    const pool = await readPool(ctx);
    await patchPool(ctx, { running: pool.running + 1, changedAt: now });
    fields.tokenReservation = await reserveTokens(ctx, job.userId, await attemptAllowance(ctx, job.userId));
    fields.scheduledFunctionId = await ctx.scheduler.runAfter(0, internal.aiGeneration.processJob, {
      jobId: job._id,
      userId: job.userId,
    });
  }
  if (wasRunning && !isRunning) {
    const pool = await readPool(ctx);
    // How long the slot was held: the attempt, or, for a job over a source, this step of it.
    const heldSince = job.runStartedAt ?? job.startedAt;
    const took = from === "processing" && heldSince !== undefined ? now - heldSince : null;
    const succeeded = to === "completed" || stepDone;
    await patchPool(ctx, {
      running: Math.max(0, pool.running - 1),
      changedAt: now,
      ...(took !== null && succeeded
        ? { avgAttemptMs: Math.round(pool.avgAttemptMs ? pool.avgAttemptMs * 0.8 + took * 0.2 : took) }
        : {}),
      ...(succeeded ? { backoffMs: undefined } : {}),
    });
    if (job.tokenReservation) await releaseTokens(ctx, job.userId, job.tokenReservation);
    fields.tokenReservation = undefined;
    fields.quotaTokens = undefined;
    dispatch = true;
  }
  return { fields, dispatch };
}

/**
 * A job created `queued` (`createJob`) takes its place in the queue, and
 * waiting jobs are dispatched: the start of its life, as `transition` does
 * for every later attempt.
 */
export async function queueNewJob(ctx: MutationCtx, job: Doc<"generationJobs">): Promise<void> {
  await takeQueuePlace(ctx, job, job.queuedAt ?? job.createdAt);
  await dispatchWaiting(ctx);
}

/** The queue row of `job`: its round is how many other jobs its user has queued or running (`minRound` at least). */
async function takeQueuePlace(
  ctx: MutationCtx,
  job: Doc<"generationJobs">,
  queuedAt: number,
  minRound = 0,
): Promise<void> {
  const others = (await activeJobDocs(ctx, job.userId)).filter((other) => other._id !== job._id);
  await enqueue(ctx, job, Math.max(minRound, others.length), queuedAt);
}

/**
 * Dispatches waiting jobs into the pool's free slots, in queue order, while
 * the model's quota allows: each moves `queued → pending` (its action is
 * scheduled). When the quota or a backoff says wait, a `generationQueue.dispatch`
 * is scheduled for then (one at a time: `dispatchLater`); a job whose user has no budget left
 * today fails with BUDGET_EXCEEDED. At most `MAX_PARALLEL_GENERATIONS` run.
 */
export async function dispatchWaiting(ctx: MutationCtx): Promise<void> {
  const settings = poolSettings();
  const now = Date.now();
  for (let pool = await readPool(ctx); pool.running < settings.maxParallel; pool = await readPool(ctx)) {
    if (pool.backoffUntil !== undefined && pool.backoffUntil > now) return await dispatchLater(ctx, pool.backoffUntil);
    const head = await queueHead(ctx);
    if (!head) return;
    const job = await ctx.db.get("generationJobs", head.jobId);
    if (!job || job.status !== "queued") {
      await ctx.db.delete("generationQueue", head._id); // not waiting any more (never expected: transition keeps them in step)
      continue;
    }
    const estimate = dispatchEstimate(job);
    if ((await attemptAllowance(ctx, job.userId)) < estimate) {
      // The user's day ran out while the job waited (their other attempts spent it).
      await transition(ctx, job, "failed", failure("BUDGET_EXCEEDED"));
      continue;
    }
    const quota = await takeModelQuota(ctx, estimate, settings);
    if (!quota.ok) return await dispatchLater(ctx, now + Math.max(quota.retryAfterMs, 1));
    // A dispatch still scheduled stays so (only it clears `dispatchAt`): the next wait needs no other.
    await patchPool(ctx, { changedAt: now });
    await transition(ctx, job, "pending", { quotaTokens: estimate });
  }
}

/** What a dispatch of `job` is expected to cost (its call; for a job over a source, its current step's). */
export function dispatchEstimate(job: Doc<"generationJobs">): number {
  return job.sourcePlan
    ? estimateStepTokens({ ...job, sourcePlan: job.sourcePlan }, SOURCED_SYSTEM_PROMPT.length)
    : estimateAttemptTokens(job, GENERATION_SYSTEM_PROMPT.length);
}

/** What the rest of `job` (a new one's fields, or a stored one restarting) is expected to cost, for the budget
 * check when it starts (`assertCanStartJob`): its attempt, or, for a job over a source, the steps it still has to run. */
export function startEstimate(
  job: Pick<Doc<"generationJobs">, "prompt" | "questionsSaved" | "estimatedTotal" | "sourcePlan">,
): number {
  return job.sourcePlan
    ? estimateRemainingTokens({ ...job, sourcePlan: job.sourcePlan }, SOURCED_SYSTEM_PROMPT.length)
    : estimateAttemptTokens(job, GENERATION_SYSTEM_PROMPT.length);
}

/**
 * Schedules `generationQueue.dispatch` at `at`, unless the one scheduled runs by then (or is due and waits for
 * the scheduler: it runs soon, and the sweeper replaces one long overdue). One scheduled later is replaced. So
 * at most one is scheduled however often slots free while the quota says wait.
 */
async function dispatchLater(ctx: MutationCtx, at: number): Promise<void> {
  const pool = await readPool(ctx);
  if (pool.dispatchAt !== undefined && pool.dispatchAt <= at) return;
  if (pool.dispatchId !== undefined) await ctx.scheduler.cancel(pool.dispatchId);
  const dispatchId = await ctx.scheduler.runAt(at, internal.generationQueue.dispatch, {});
  await patchPool(ctx, { dispatchAt: at, dispatchId });
}

/** The history with its open attempt (the last, if not ended) closed as `outcome`. */
function closeAttempt(
  history: AttemptRecord[] | undefined,
  { endedAt, outcome, next }: { endedAt: number; outcome: AttemptOutcome; next: Doc<"generationJobs"> },
): AttemptRecord[] | undefined {
  const last = history?.at(-1);
  if (!history || !last || last.endedAt !== undefined) return history;
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
      | "qualityGate"
    >
  >,
): Promise<void> {
  await ctx.db.patch("generationJobs", job._id, { ...progress, lastProgressAt: Date.now() });
}

/** The fields a failed job gets for `code`. */
export function failure(code: ErrorCode) {
  return { errorCode: code, errorMessage: JOB_ERRORS[code].title, retryable: JOB_ERRORS[code].retryable };
}
