/**
 * The generation queue as its users see it, and its delayed dispatch: where
 * each of the caller's queued jobs stands and when it should start, and the
 * scheduled `dispatch` that runs when the model's quota or a backoff said wait.
 * (Jobs join, leave and are dispatched in `transition`, `jobTransitions.ts`.)
 *
 * Tables: reads `generationQueue`, `generationPool` and `generationJobs`;
 * `dispatch` writes what `dispatchWaiting` writes.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { queueStartEstimate } from "../lib/queue";
import { internalMutation } from "./_generated/server";
import { dispatchWaiting } from "./jobTransitions";
import { userQuery } from "./lib/functions";
import { patchPool, poolState, queuePlace, readPool } from "./lib/queue";

/** Dispatches waiting jobs once the quota or a backoff allows (scheduled by `dispatchWaiting`). */
export const dispatch = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    await patchPool(ctx, { dispatchAt: undefined, dispatchId: undefined });
    await dispatchWaiting(ctx);
    return null;
  },
});

const vQueuedJob = v.object({
  jobId: v.id("generationJobs"),
  /** 1: next to start. */
  place: v.number(),
  /** More than `MAX_QUEUE_PLACE_COUNTED` are ahead: `place` is that bound plus one. */
  placeCapped: v.boolean(),
  /** When it is expected to start (ms since the epoch), from the pool's observed pace. */
  estimatedStartAt: v.number(),
});

/**
 * Where the caller's queued jobs stand: each one's place in line and expected
 * start, with how many attempts run and may run at once. Reads the caller's
 * queued jobs and at most `MAX_QUEUE_PLACE_COUNTED` queue rows ahead of each.
 * Null when signed out.
 */
export const getQueueStatus = userQuery({
  args: {},
  returns: v.union(v.object({ running: v.number(), maxParallel: v.number(), jobs: v.array(vQueuedJob) }), v.null()),
  handler: async (ctx) => {
    if (ctx.userId === null) return null;
    const userId = ctx.userId;
    const queued = await ctx.db
      .query("generationJobs")
      .withIndex("by_user_status", (q) => q.eq("userId", userId).eq("status", "queued"))
      .take(JOB_CONFIG.MAX_CONCURRENT_PER_USER);
    const now = Date.now();
    const state = poolState(await readPool(ctx), now);
    const jobs = [];
    for (const job of queued) {
      const standing = await queuePlace(ctx, job._id);
      if (!standing) continue;
      jobs.push({
        jobId: job._id,
        place: standing.place,
        placeCapped: standing.capped,
        estimatedStartAt: queueStartEstimate(standing.place, state, now),
      });
    }
    return { running: state.running, maxParallel: state.maxParallel, jobs };
  },
});
