/**
 * Review: the caller's queue of due questions and recording an answer,
 * scheduled with FSRS (`lib/fsrs.ts`).
 *
 * Tables: reads `questions` through the `by_user_review`,
 * `by_user_topic_review` and `by_user_job` indexes; writes only a question's
 * `card` when it is reviewed.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { scheduleReview } from "../lib/fsrs";
import { vQuestion, vReviewRating, type QuestionDoc } from "../lib/validators";
import type { QueryCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";

const vReviewFilter = {
  /** Only this topic's questions. */
  topic: v.optional(v.string()),
  /** Only this job's questions (a malformed or foreign id: none). */
  jobId: v.optional(v.string()),
};

/**
 * The caller's live (not deleted), unsuspended questions of the filter,
 * soonest due first: `due` those due at `now` (at most `limit`), `next` the
 * first one due after `now`. Reads only what it returns (a job holds at most
 * `MAX_QUESTIONS`, read whole).
 */
async function reviewable(
  ctx: QueryCtx,
  userId: string,
  { topic, jobId: rawJobId }: { topic?: string; jobId?: string },
  now: number,
  limit: number,
): Promise<{ due: QuestionDoc[]; upcoming: QuestionDoc[] }> {
  if (rawJobId !== undefined) {
    const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
    if (jobId === null) return { due: [], upcoming: [] };
    const all = await ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
      .take(JOB_CONFIG.MAX_QUESTIONS);
    const live = all
      .filter((q) => q.deletedAt === undefined && !q.suspended && (topic === undefined || q.topic === topic))
      .sort((a, b) => a.card.due - b.card.due);
    return {
      due: live.filter((q) => q.card.due <= now).slice(0, limit),
      upcoming: live.filter((q) => q.card.due > now).slice(0, limit),
    };
  }
  const read = (side: "due" | "upcoming") => {
    const query = ctx.db.query("questions");
    const queue =
      topic === undefined
        ? query.withIndex("by_user_review", (q) => {
            const live = q.eq("userId", userId).eq("deletedAt", undefined).eq("suspended", undefined);
            return side === "due" ? live.lte("card.due", now) : live.gt("card.due", now);
          })
        : query.withIndex("by_user_topic_review", (q) => {
            const live = q
              .eq("userId", userId)
              .eq("topic", topic)
              .eq("deletedAt", undefined)
              .eq("suspended", undefined);
            return side === "due" ? live.lte("card.due", now) : live.gt("card.due", now);
          });
    return queue.take(limit);
  };
  const due = await read("due");
  const upcoming = due.length > 0 ? [] : await read("upcoming");
  return { due, upcoming };
}

/**
 * The review queue at time `now` (ms; the client passes its clock, rounded, so
 * the query re-runs as time passes): the most overdue question, how many are
 * due (exact up to `MAX_DUE_COUNT`), and when the next one falls due if none is.
 * Optionally only one topic's or one job's questions. Deleted and suspended
 * questions are never due.
 */
export const getReviewQueue = userQuery({
  args: { now: v.number(), ...vReviewFilter },
  returns: v.object({
    question: v.union(vQuestion, v.null()),
    dueCount: v.number(),
    dueCountIsCapped: v.boolean(),
    nextDueAt: v.union(v.number(), v.null()),
    hasQuestions: v.boolean(),
  }),
  handler: async (ctx, { now, ...filter }) => {
    const { userId } = ctx;
    const none = { question: null, dueCount: 0, dueCountIsCapped: false, nextDueAt: null, hasQuestions: false };
    if (userId === null) return none;
    const { due, upcoming } = await reviewable(ctx, userId, filter, now, JOB_CONFIG.MAX_DUE_COUNT + 1);
    if (due.length > 0) {
      return {
        question: due[0]!,
        dueCount: Math.min(due.length, JOB_CONFIG.MAX_DUE_COUNT),
        dueCountIsCapped: due.length > JOB_CONFIG.MAX_DUE_COUNT,
        nextDueAt: null,
        hasQuestions: true,
      };
    }
    const next = upcoming[0];
    return { ...none, nextDueAt: next?.card.due ?? null, hasQuestions: next !== undefined };
  },
});

/**
 * "Practice anyway": when nothing is due, the next questions to come due (at
 * most `PRACTICE_SESSION_SIZE`, soonest first), of the same filter as the
 * queue. Reading them changes nothing; only rating one (`recordReview`)
 * reschedules it.
 */
export const getPracticeQuestions = userQuery({
  args: { now: v.number(), ...vReviewFilter },
  returns: v.array(vQuestion),
  handler: async (ctx, { now, ...filter }) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const { due, upcoming } = await reviewable(ctx, userId, filter, now, JOB_CONFIG.PRACTICE_SESSION_SIZE);
    return [...due, ...upcoming].slice(0, JOB_CONFIG.PRACTICE_SESSION_SIZE);
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
    if (!questionId || !question || question.userId !== ctx.userId || question.deletedAt !== undefined)
      throw appError("NOT_FOUND", "That question doesn't exist.");
    const card = scheduleReview(question.card, rating, Date.now());
    await ctx.db.patch("questions", questionId, { card });
    return { nextDueAt: card.due };
  },
});
