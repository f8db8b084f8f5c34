/**
 * My Questions: what the web app reads of the caller's questions (newest
 * first, by topic or by job) and their topics.
 *
 * Tables: reads `questions` and `topics`, through indexes, a bounded page at
 * a time. Writes nothing.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { vQuestion } from "../lib/validators";
import { userQuery } from "./lib/functions";

/**
 * The caller's questions (not deleted ones; suspended ones included), newest first, a page at a
 * time (at most `MAX_PAGE_SIZE` per page), optionally only one topic or one job's. New questions of a running
 * job appear at the top live. Signed-out callers get an empty page.
 */
export const listMyQuestions = userQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    topic: v.optional(v.string()),
    jobId: v.optional(v.string()),
  },
  returns: paginationResultValidator(vQuestion),
  handler: async (ctx, { paginationOpts, topic, jobId: rawJobId }) => {
    const empty = { page: [], isDone: true, continueCursor: "" };
    const { userId } = ctx;
    if (userId === null) return empty;
    const opts = {
      ...paginationOpts,
      numItems: Math.max(1, Math.min(paginationOpts.numItems, JOB_CONFIG.MAX_PAGE_SIZE)),
    };
    if (rawJobId !== undefined) {
      const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
      if (jobId === null) return empty;
      // A job holds at most MAX_QUESTIONS, so filtering out its deleted ones reads little.
      return await ctx.db
        .query("questions")
        .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
        .order("desc")
        // eslint-disable-next-line @convex-dev/no-filter-in-query -- bounded: a job holds at most MAX_QUESTIONS
        .filter((q) => q.eq(q.field("deletedAt"), undefined))
        .paginate(opts);
    }
    if (topic !== undefined) {
      return await ctx.db
        .query("questions")
        .withIndex("by_user_topic_live", (q) => q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined))
        .order("desc")
        .paginate(opts);
    }
    return await ctx.db
      .query("questions")
      .withIndex("by_user_live", (q) => q.eq("userId", userId).eq("deletedAt", undefined))
      .order("desc")
      .paginate(opts);
  },
});

/** The questions one of the caller's jobs has saved so far and not deleted, in the order they
 * were generated (a job holds at most `MAX_QUESTIONS`). Empty if the job is not theirs. */
export const listJobQuestions = userQuery({
  args: { jobId: v.string() },
  returns: v.array(vQuestion),
  handler: async (ctx, args) => {
    const { userId } = ctx;
    const jobId = ctx.db.normalizeId("generationJobs", args.jobId);
    if (userId === null || jobId === null) return [];
    return await ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
      // eslint-disable-next-line @convex-dev/no-filter-in-query -- bounded: a job holds at most MAX_QUESTIONS
      .filter((q) => q.eq(q.field("deletedAt"), undefined))
      .take(JOB_CONFIG.MAX_QUESTIONS);
  },
});

/** Topics the caller has generated questions for, most recently used first (at most `MAX_TOPICS_LISTED`). */
export const listMyTopics = userQuery({
  args: {},
  returns: v.array(v.object({ name: v.string(), lastUsedAt: v.number() })),
  handler: async (ctx) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const topics = await ctx.db
      .query("topics")
      .withIndex("by_user_last_used", (q) => q.eq("userId", userId))
      .order("desc")
      .take(JOB_CONFIG.MAX_TOPICS_LISTED);
    return topics.map(({ name, lastUsedAt }) => ({ name, lastUsedAt }));
  },
});
