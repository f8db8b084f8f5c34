/**
 * Benchmark-only functions (never deployed: `bench/run.ts` links this file
 * into the functions of a scratch copy of the project): bulk-insert job
 * history, and start a job on the baseline design.
 */
import { newJobFields } from "../../lib/jobs";
import { v } from "convex/values";
import { makeFunctionReference } from "convex/server";
import { internalMutation } from "../../convex/_generated/server";
import { vJobStatus } from "../../lib/validators";

/** Inserts `count` jobs of `userId` with `status`, created at `createdAt` (+1 ms each). */
export const seedJobs = internalMutation({
  args: { userId: v.string(), count: v.number(), status: vJobStatus, createdAt: v.number() },
  returns: v.number(),
  handler: async (ctx, { userId, count, status, createdAt }) => {
    for (let i = 0; i < count; i++) {
      await ctx.db.insert("generationJobs", {
        userId,
        kind: "questions",
        prompt: `History job ${i}: a typical request of about a hundred characters, like the ones users type in.`,
        status,
        phase: "finalizing",
        questionsGenerated: 10,
        questionsSaved: 10,
        estimatedTotal: 10,
        topic: "History",
        createdAt: createdAt + i,
        lastProgressAt: createdAt + i,
        attempts: 1,
      });
    }
    return count;
  },
});

/** A pending job run by the baseline design (`baselineJob.processJobBaseline`). */
export const createBaselineJob = internalMutation({
  args: { userId: v.string(), prompt: v.string() },
  returns: v.id("generationJobs"),
  handler: async (ctx, { userId, prompt }) => {
    const now = Date.now();
    const jobId = await ctx.db.insert("generationJobs", newJobFields(userId, prompt, now));
    await ctx.scheduler.runAfter(0, makeFunctionReference<"action">("baselineJob:processJobBaseline"), {
      jobId,
      userId,
    });
    return jobId;
  },
});
