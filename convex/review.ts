/**
 * Review: the caller's queue of due questions and recording an answer,
 * scheduled with FSRS (`lib/fsrs.ts`).
 *
 * Tables: reads `questions` through the `by_user_due` index; writes only a
 * question's `card` when it is reviewed.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { scheduleReview } from "../lib/fsrs";
import { vQuestion, vReviewRating } from "../lib/validators";
import { userMutation, userQuery } from "./lib/functions";

/**
 * The review queue at time `now` (ms; the client passes its clock, rounded, so
 * the query re-runs as time passes): the most overdue question, how many are
 * due (exact up to `MAX_DUE_COUNT`), and when the next one falls due if none is.
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
    if (!questionId || !question || question.userId !== ctx.userId)
      throw appError("NOT_FOUND", "That question doesn't exist.");
    const card = scheduleReview(question.card, rating, Date.now());
    await ctx.db.patch("questions", questionId, { card });
    return { nextDueAt: card.due };
  },
});
