/**
 * Questions: `saveBatch`, through which a running job saves what the model
 * streams, and what the web app reads and writes (My Questions, a job's
 * questions, the review queue, recording a review).
 *
 * Tables: inserts `questions` and, in the same transaction, updates the job's
 * progress in `generationJobs` and upserts its topic in `topics`; updates
 * `questions.card` on review.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { newCard, scheduleReview } from "../lib/fsrs";
import { internalMutation, type MutationCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";
import { vGeneratedQuestion, vJobPhase, vJobStatus, vQuestion, vReviewRating } from "../lib/validators";

/**
 * Saves a batch of complete, validated questions of a job and records the
 * job's progress, in one transaction.
 *
 * Writes nothing unless the job is still `processing`: once `cancelJob` (or
 * `failJob`, or the sweeper) has committed, no question of that job is ever
 * written again, and `active: false` tells the action to abort its stream.
 *
 * Idempotent: `batchStart` is how many questions the action believes the job
 * already has; questions the job already counts are skipped, so a re-sent
 * batch is never saved twice. A job never holds more than `MAX_QUESTIONS`.
 * An empty batch is a heartbeat (and a cancellation check).
 */
export const saveBatch = internalMutation({
  args: {
    jobId: v.id("generationJobs"),
    userId: v.string(),
    topic: v.string(),
    questions: v.array(vGeneratedQuestion),
    batchStart: v.number(),
    questionsGenerated: v.number(),
    phase: v.optional(vJobPhase),
  },
  returns: v.object({
    active: v.boolean(),
    status: v.union(vJobStatus, v.null()),
    saved: v.number(),
    questionsSaved: v.number(),
  }),
  handler: async (ctx, args) => {
    const job = await ctx.db.get("generationJobs", args.jobId);
    if (!job) return { active: false, status: null, saved: 0, questionsSaved: 0 };
    if (job.userId !== args.userId) throw new Error(`saveBatch: job ${args.jobId} is not owned by the given user`);
    if (job.status !== "processing") {
      return { active: false, status: job.status, saved: 0, questionsSaved: job.questionsSaved };
    }

    const alreadySaved = Math.max(0, job.questionsSaved - args.batchStart);
    const room = Math.max(0, JOB_CONFIG.MAX_QUESTIONS - job.questionsSaved);
    const fresh = args.questions.slice(alreadySaved, alreadySaved + room);
    const now = Date.now();
    const card = newCard(now);
    const ids = [];
    for (const question of fresh) {
      ids.push(
        await ctx.db.insert("questions", {
          ...question,
          userId: job.userId,
          topic: args.topic,
          generationJobId: job._id,
          createdAt: now,
          card,
        }),
      );
    }
    // A topic joins the user's list with its first saved question (never for a job that saved none).
    if (job.questionsSaved === 0 && ids.length > 0) await touchTopic(ctx, job.userId, args.topic);
    const questionsSaved = job.questionsSaved + ids.length;
    await ctx.db.patch("generationJobs", job._id, {
      questionsSaved,
      questionsGenerated: Math.max(job.questionsGenerated, args.questionsGenerated),
      questionIds: [...job.questionIds, ...ids],
      lastProgressAt: now,
      ...(args.phase !== undefined ? { phase: args.phase } : {}),
    });
    return { active: true, status: job.status, saved: ids.length, questionsSaved };
  },
});

/**
 * The caller's questions, newest first, a page at a time (at most 100 per
 * page), optionally only one topic or one job's. New questions of a running
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
    const opts = { ...paginationOpts, numItems: Math.max(1, Math.min(paginationOpts.numItems, JOB_CONFIG.MAX_PAGE_SIZE)) };
    if (rawJobId !== undefined) {
      const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
      if (jobId === null) return empty;
      return await ctx.db
        .query("questions")
        .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
        .order("desc")
        .paginate(opts);
    }
    if (topic !== undefined) {
      return await ctx.db
        .query("questions")
        .withIndex("by_user_topic", (q) => q.eq("userId", userId).eq("topic", topic))
        .order("desc")
        .paginate(opts);
    }
    return await ctx.db
      .query("questions")
      .withIndex("by_user_created", (q) => q.eq("userId", userId))
      .order("desc")
      .paginate(opts);
  },
});

/** The questions one of the caller's jobs has saved so far, in the order they
 * were generated (at most 50). Empty if the job is not theirs. */
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
      .take(JOB_CONFIG.MAX_QUESTIONS);
  },
});

/** Topics the caller has generated questions for, most recently used first (at most 100). */
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
      .take(100);
    return topics.map(({ name, lastUsedAt }) => ({ name, lastUsedAt }));
  },
});

/**
 * The review queue at time `now` (ms; the client passes its clock, rounded, so
 * the query re-runs as time passes): the most overdue question, how many are
 * due (exact up to 99), and when the next one falls due if none is.
 */
export const getReviewQueue = userQuery({
  args: { now: v.number() },
  returns: v.object({
    question: v.union(vQuestion, v.null()),
    dueCount: v.number(),
    dueCountIsCapped: v.boolean(),
    nextDueAt: v.union(v.number(), v.null()),
    hasQuestions: v.boolean(),
  }),
  handler: async (ctx, { now }) => {
    const { userId } = ctx;
    const none = { question: null, dueCount: 0, dueCountIsCapped: false, nextDueAt: null, hasQuestions: false };
    if (userId === null) return none;
    const due = await ctx.db
      .query("questions")
      .withIndex("by_user_due", (q) => q.eq("userId", userId).lte("card.due", now))
      .take(JOB_CONFIG.MAX_DUE_COUNT + 1);
    if (due.length > 0) {
      return {
        question: due[0]!,
        dueCount: Math.min(due.length, JOB_CONFIG.MAX_DUE_COUNT),
        dueCountIsCapped: due.length > JOB_CONFIG.MAX_DUE_COUNT,
        nextDueAt: null,
        hasQuestions: true,
      };
    }
    const next = await ctx.db
      .query("questions")
      .withIndex("by_user_due", (q) => q.eq("userId", userId).gt("card.due", now))
      .first();
    return { ...none, nextDueAt: next?.card.due ?? null, hasQuestions: next !== null };
  },
});

/** Records the caller's answer to one of their questions and reschedules it
 * with FSRS. Returns when it is due next. */
export const recordReview = userMutation({
  // A string, not v.id: a malformed id gets the same clear NOT_FOUND as a missing one.
  args: { questionId: v.string(), rating: vReviewRating },
  returns: v.object({ nextDueAt: v.number() }),
  handler: async (ctx, { questionId: rawId, rating }) => {
    const questionId = ctx.db.normalizeId("questions", rawId);
    const question = questionId ? await ctx.db.get("questions", questionId) : null;
    if (!questionId || !question || question.userId !== ctx.userId) throw appError("NOT_FOUND", "That question doesn't exist.");
    const card = scheduleReview(question.card, rating, Date.now());
    await ctx.db.patch("questions", questionId, { card });
    return { nextDueAt: card.due };
  },
});

async function touchTopic(ctx: MutationCtx, userId: string, name: string) {
  const existing = await ctx.db
    .query("topics")
    .withIndex("by_user_name", (q) => q.eq("userId", userId).eq("name", name))
    .first();
  const now = Date.now();
  if (existing) await ctx.db.patch("topics", existing._id, { lastUsedAt: now });
  else await ctx.db.insert("topics", { userId, name, lastUsedAt: now });
}
