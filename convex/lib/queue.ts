/**
 * The generation pool's bookkeeping, for `transition` and the dispatcher: the
 * pool's row (and its state for the queue's arithmetic, `poolState`), the
 * queue's rows in dispatch order, a queued job's place, and the pool's
 * settings from the deployment's environment.
 *
 * Tables: reads and writes `generationPool` and `generationQueue`.
 */
import { JOB_CONFIG } from "../../lib/constants/jobs";
import { parseLimit } from "../../lib/limits";
import type { PoolState } from "../../lib/queue";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { readDeploymentEnv } from "./env";

export type PoolSettings = { maxParallel: number; requestsPerMinute: number; tokensPerMinute: number };

const reported = new Set<string>();

/**
 * The pool's settings: `MAX_PARALLEL_GENERATIONS`, `MODEL_REQUESTS_PER_MINUTE`
 * and `MODEL_TOKENS_PER_MINUTE`, each a positive whole number, or its default
 * in `JOB_CONFIG`. A value that is not is logged (once) and the default used.
 */
export function poolSettings(env = readDeploymentEnv()): PoolSettings {
  const read = (name: keyof typeof env, fallback: number) => {
    const { value, problem } = parseLimit(name, env[name], fallback);
    if (problem && !reported.has(problem)) {
      reported.add(problem);
      console.error(`Configuration: ${problem}`);
    }
    return value;
  };
  return {
    maxParallel: read("MAX_PARALLEL_GENERATIONS", JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS),
    requestsPerMinute: read("MODEL_REQUESTS_PER_MINUTE", JOB_CONFIG.DEFAULT_MODEL_REQUESTS_PER_MINUTE),
    tokensPerMinute: read("MODEL_TOKENS_PER_MINUTE", JOB_CONFIG.DEFAULT_MODEL_TOKENS_PER_MINUTE),
  };
}

/** The pool's row as it stands (an empty pool before its first use). */
export async function readPool(ctx: QueryCtx): Promise<Omit<Doc<"generationPool">, "_id" | "_creationTime">> {
  return (await ctx.db.query("generationPool").first()) ?? { running: 0, changedAt: 0 };
}

/**
 * The pool as the queue's arithmetic reads it (`lib/queue.ts`): slots taken and in all, how long attempts
 * take (`DEFAULT_ATTEMPT_MS` before any has finished), and when dispatching may go on again (a backoff or
 * the quota's wait still ahead of `now`; otherwise null).
 */
export function poolState(pool: Awaited<ReturnType<typeof readPool>>, now: number): PoolState {
  const waitUntil = Math.max(pool.backoffUntil ?? 0, pool.dispatchAt ?? 0);
  return {
    running: pool.running,
    maxParallel: poolSettings().maxParallel,
    avgAttemptMs: pool.avgAttemptMs ?? JOB_CONFIG.DEFAULT_ATTEMPT_MS,
    waitUntil: waitUntil > now ? waitUntil : null,
  };
}

/** Changes the pool's row (creating it on first use). */
export async function patchPool(ctx: MutationCtx, fields: Partial<Doc<"generationPool">>): Promise<void> {
  const pool = await ctx.db.query("generationPool").first();
  if (pool) await ctx.db.patch("generationPool", pool._id, fields);
  else await ctx.db.insert("generationPool", { running: 0, changedAt: Date.now(), ...fields });
}

/** Puts `job` in the queue: after every job of an earlier round, and its user's other active jobs count as rounds. */
export async function enqueue(ctx: MutationCtx, job: Doc<"generationJobs">, round: number, queuedAt: number) {
  await dequeue(ctx, job._id);
  await ctx.db.insert("generationQueue", { jobId: job._id, userId: job.userId, round, queuedAt });
}

/** Takes `jobId` out of the queue (it was dispatched, paused or cancelled). */
export async function dequeue(ctx: MutationCtx, jobId: Id<"generationJobs">): Promise<void> {
  const row = await ctx.db
    .query("generationQueue")
    .withIndex("by_job", (q) => q.eq("jobId", jobId))
    .unique();
  if (row) await ctx.db.delete("generationQueue", row._id);
}

/** The next job to dispatch: the first row in round, then age, order. */
export async function queueHead(ctx: QueryCtx): Promise<Doc<"generationQueue"> | null> {
  return await ctx.db.query("generationQueue").withIndex("by_order").first();
}

/**
 * `jobId`'s place in the queue (1: next), counting at most
 * `MAX_QUEUE_PLACE_COUNTED` jobs ahead (`capped` beyond), or null if it is not queued.
 */
export async function queuePlace(
  ctx: QueryCtx,
  jobId: Id<"generationJobs">,
): Promise<{ place: number; capped: boolean } | null> {
  const row = await ctx.db
    .query("generationQueue")
    .withIndex("by_job", (q) => q.eq("jobId", jobId))
    .unique();
  if (!row) return null;
  const limit = JOB_CONFIG.MAX_QUEUE_PLACE_COUNTED;
  const earlierRounds = await ctx.db
    .query("generationQueue")
    .withIndex("by_order", (q) => q.lt("round", row.round))
    .take(limit);
  const sameRound = await ctx.db
    .query("generationQueue")
    .withIndex("by_order", (q) => q.eq("round", row.round).lte("queuedAt", row.queuedAt))
    .take(limit + 1);
  const ahead =
    earlierRounds.length +
    sameRound.filter(
      (r) => r.queuedAt < row.queuedAt || (r.queuedAt === row.queuedAt && r._creationTime < row._creationTime),
    ).length;
  return { place: Math.min(ahead, limit) + 1, capped: ahead >= limit };
}
