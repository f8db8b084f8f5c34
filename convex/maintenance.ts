/**
 * Maintenance, run by the crons (`crons.ts`): the sweeper that fails jobs
 * whose action died, and the daily cleanup of old job history and old daily
 * token totals.
 *
 * Tables: reads and writes `generationJobs` (status changes through
 * `transition`, deletes in bounded batches) and `generationPool` (a repair);
 * deletes old `dailyUsage` rows; reads `generationQueue` and `_scheduled_functions`
 * (is a job's action still running?). Deletes only the `questions` their
 * owner soft-deleted, after the undo window: questions belong to the user,
 * not to the job that wrote them.
 */
import { v } from "convex/values";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { isJobStuck, utcDay } from "../lib/jobs";
import { RUNNING_JOB_STATUSES, type JobStatus } from "../lib/validators";
import { internal } from "./_generated/api";
import { internalMutation, type MutationCtx } from "./_generated/server";
import { dispatchWaiting, failure, transition } from "./jobTransitions";
import { patchPool, poolSettings, queueHead, readPool } from "./lib/queue";

/**
 * Fails, as INTERRUPTED and retryable, running jobs whose action is gone (see
 * `isJobStuck`: the scheduled `processJob` failed or was cancelled and the job
 * missed two heartbeats, or no heartbeat for `STALE_JOB_AFTER_MS` and the
 * action crashed, was killed by a deploy or restart, or outlived any action). A queued job is never failed: it is waiting, not stuck. Then, if
 * jobs wait while the pool has not moved for `STALE_JOB_AFTER_MS`, recounts its
 * slots and dispatches (a repair: `transition` keeps the count). Runs every
 * minute (`crons.ts`); reads only stale running jobs through an index and the
 * pool's row, so it costs nothing while all is well.
 */
export const recoverStuckJobs = internalMutation({
  args: {},
  returns: v.object({ interrupted: v.number() }),
  handler: async (ctx) => {
    const now = Date.now();
    let interrupted = 0;
    for (const status of RUNNING_JOB_STATUSES) {
      const stale = await ctx.db
        .query("generationJobs")
        .withIndex("by_status_progress", (q) =>
          q.eq("status", status).lt("lastProgressAt", now - JOB_CONFIG.DEAD_ACTION_AFTER_MS),
        )
        .take(JOB_CONFIG.RECOVERY_BATCH_SIZE);
      for (const job of stale) {
        const action = job.scheduledFunctionId
          ? await ctx.db.system.get("_scheduled_functions", job.scheduledFunctionId)
          : null;
        if (!isJobStuck({ silentForMs: now - job.lastProgressAt, actionState: action?.state.kind ?? null })) continue;
        const failed = await transition(ctx, job, "failed", failure("INTERRUPTED"));
        if (failed) interrupted++;
      }
    }
    if (interrupted > 0) console.warn(`recoverStuckJobs: marked ${interrupted} job(s) INTERRUPTED`);
    await repairPool(ctx, now);
    return { interrupted };
  },
});

/** Recounts the pool's slots and dispatches when jobs wait and nothing has moved for a while,
 * or when a scheduled dispatch is long overdue. */
async function repairPool(ctx: MutationCtx, now: number): Promise<void> {
  const pool = await readPool(ctx);
  const overdue = pool.dispatchAt !== undefined && pool.dispatchAt < now - JOB_CONFIG.STALE_JOB_AFTER_MS;
  const still = now - pool.changedAt > JOB_CONFIG.STALE_JOB_AFTER_MS;
  if (!overdue && !(still && (await queueHead(ctx)))) return;
  const limit = poolSettings().maxParallel + JOB_CONFIG.RECOVERY_BATCH_SIZE;
  let running = 0;
  for (const status of RUNNING_JOB_STATUSES) {
    running += (
      await ctx.db
        .query("generationJobs")
        .withIndex("by_status_progress", (q) => q.eq("status", status))
        .take(limit)
    ).length;
  }
  if (running !== pool.running)
    console.warn(`recoverStuckJobs: the pool counted ${pool.running} running, found ${running}`);
  // A scheduled dispatch long overdue is taken as lost (and cancelled, in case it is not); one still to come stays.
  if (overdue && pool.dispatchId !== undefined) await ctx.scheduler.cancel(pool.dispatchId);
  const lost = overdue ? { dispatchAt: undefined, dispatchId: undefined } : {};
  await patchPool(ctx, { running, changedAt: now, ...lost });
  await dispatchWaiting(ctx);
}

const RETENTION: ReadonlyArray<readonly [JobStatus, number]> = [
  ["completed", JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS],
  ["cancelled", JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS],
  ["failed", JOB_CONFIG.FAILED_JOB_RETENTION_DAYS],
  ["paused", JOB_CONFIG.FAILED_JOB_RETENTION_DAYS],
];

/**
 * Deletes completed and cancelled jobs older than `COMPLETED_JOB_RETENTION_DAYS`
 * and failed and paused jobs older than `FAILED_JOB_RETENTION_DAYS`, at most
 * `CLEANUP_BATCH_SIZE` per transaction (then daily token totals older than
 * `USAGE_RETENTION_DAYS`, and questions soft-deleted more than
 * `DELETED_QUESTION_RETENTION_DAYS` ago, in the same budget); when a batch is
 * full it schedules itself again, so any backlog is cleared in bounded steps.
 * Questions are never deleted with their job: they belong to the user; only
 * the ones the user deleted are purged.
 */
export const cleanup = internalMutation({
  args: {},
  returns: v.object({
    deletedCompleted: v.number(),
    deletedCancelled: v.number(),
    deletedFailed: v.number(),
    deletedPaused: v.number(),
    deletedUsageDays: v.number(),
    purgedQuestions: v.number(),
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
    const oldDays =
      budget === 0
        ? []
        : await ctx.db
            .query("dailyUsage")
            .withIndex("by_day", (q) => q.lt("day", utcDay(now - JOB_CONFIG.USAGE_RETENTION_DAYS * DAY_MS)))
            .take(budget);
    for (const day of oldDays) await ctx.db.delete("dailyUsage", day._id);
    budget -= oldDays.length;
    // Soft-deleted questions past their undo window (`deletedAt` present: `gt(0)` skips live ones).
    const purged =
      budget === 0
        ? []
        : await ctx.db
            .query("questions")
            .withIndex("by_deleted", (q) =>
              q.gt("deletedAt", 0).lt("deletedAt", now - JOB_CONFIG.DELETED_QUESTION_RETENTION_DAYS * DAY_MS),
            )
            .take(budget);
    // Their `questionSignatures` went with the soft delete (`convex/lib/questionSignatures.ts`).
    for (const question of purged) await ctx.db.delete("questions", question._id);
    budget -= purged.length;
    const hasMore = budget === 0;
    if (hasMore) await ctx.scheduler.runAfter(0, internal.maintenance.cleanup, {});
    const total = JOB_CONFIG.CLEANUP_BATCH_SIZE - budget;
    if (total > 0)
      console.log(
        `cleanup: deleted ${total} old job(s), usage day(s) and deleted question(s)${hasMore ? ", continuing" : ""}`,
      );
    return {
      deletedCompleted: deleted.completed ?? 0,
      deletedCancelled: deleted.cancelled ?? 0,
      deletedFailed: deleted.failed ?? 0,
      deletedPaused: deleted.paused ?? 0,
      deletedUsageDays: oldDays.length,
      purgedQuestions: purged.length,
      total,
      hasMore,
    };
  },
});
