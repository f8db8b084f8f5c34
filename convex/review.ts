/**
 * Review: the caller's queue of due questions (at most their new cards per
 * day), recording a rating with FSRS (`lib/fsrs.ts`), and undoing the latest.
 *
 * Tables: reads `questions` (review indexes, `by_user_job`) and `userSettings`;
 * writes a question's `card`, `reviewLog` and the day's `reviewDays` totals.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { isUtcOffset, localDay, nextLocalMidnight } from "../lib/days";
import { appError } from "../lib/errors";
import { scheduleReview } from "../lib/fsrs";
import { vQuestion, vReviewRating, type QuestionDoc, type ReviewDay } from "../lib/validators";
import type { MutationCtx, QueryCtx } from "./_generated/server";
import { cardsByDue, STUDIED_STATES } from "./lib/cardIndex";
import { userMutation, userQuery } from "./lib/functions";
import { withoutSearchFields } from "./lib/searchFields";
import { studySettings } from "./settings";

const vReviewFilter = {
  /** Only this topic's questions. */
  topic: v.optional(v.string()),
  /** Only this job's questions (a malformed or foreign id: none). */
  jobId: v.optional(v.string()),
};

/** The caller's clock: their UTC offset in minutes, east positive (absent: UTC). See `lib/days.ts`. */
export const vUtcOffset = { utcOffsetMinutes: v.optional(v.number()) };

/** The caller's UTC offset, or INVALID_ARGUMENT for one no clock has. */
export function utcOffset(minutes: number | undefined): number {
  if (minutes === undefined) return 0;
  if (!isUtcOffset(minutes))
    throw appError("INVALID_ARGUMENT", "Invalid argument `utcOffsetMinutes`: expected whole minutes within ±14 hours.");
  return minutes;
}

type Filter = { topic?: string; jobId?: string };

/** `userId`'s totals for local `day`, or null before their first rating that day. */
export async function reviewDay(ctx: QueryCtx, userId: string, day: string) {
  return await ctx.db
    .query("reviewDays")
    .withIndex("by_user_day", (q) => q.eq("userId", userId).eq("day", day))
    .unique();
}

/** A job's live, unsuspended questions of the filter (a job holds at most `MAX_QUESTIONS`, read whole), soonest due first. */
async function jobCards(ctx: QueryCtx, userId: string, rawJobId: string, topic?: string): Promise<QuestionDoc[]> {
  const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
  if (jobId === null) return [];
  const all = await ctx.db
    .query("questions")
    .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
    .take(JOB_CONFIG.MAX_QUESTIONS);
  return all
    .filter((q) => q.deletedAt === undefined && !q.suspended && (topic === undefined || q.topic === topic))
    .sort((a, b) => a.card.due - b.card.due);
}

type DueQuestions = {
  /** Studied cards due at `now`, most overdue first (at most `limit`). */
  studied: QuestionDoc[];
  /** New cards within today's allowance, oldest first (at most `limit`). */
  fresh: QuestionDoc[];
  /** New cards are due beyond today's allowance. */
  heldBack: boolean;
  newToday: number;
  newCardsPerDay: number;
};

/**
 * What is due at `now` for the filter: the studied cards, and as many new
 * cards as today's allowance leaves (new cards per day minus the new cards
 * first rated today, on the learner's clock). Reads only what it returns,
 * plus one card to tell whether new ones are held back.
 */
async function dueQuestions(
  ctx: QueryCtx,
  userId: string,
  { topic, jobId }: Filter,
  now: number,
  offset: number,
  limit: number,
): Promise<DueQuestions> {
  const { newCardsPerDay } = await studySettings(ctx, userId);
  const newToday = (await reviewDay(ctx, userId, localDay(now, offset)))?.newCards ?? 0;
  const allowance = Math.max(0, newCardsPerDay - newToday);
  const newShown = Math.min(allowance, limit);
  let studied: QuestionDoc[];
  let newDue: QuestionDoc[];
  if (jobId !== undefined) {
    const due = (await jobCards(ctx, userId, jobId, topic)).filter((q) => q.card.due <= now);
    studied = due.filter((q) => q.card.state !== "new").slice(0, limit);
    newDue = due.filter((q) => q.card.state === "new").slice(0, newShown + 1);
  } else {
    const byState = await Promise.all(
      STUDIED_STATES.map((state) => cardsByDue(ctx, userId, state, { atMost: now }, topic).take(limit)),
    );
    studied = byState
      .flat()
      .sort((a, b) => a.card.due - b.card.due)
      .slice(0, limit);
    newDue = await cardsByDue(ctx, userId, "new", { atMost: now }, topic).take(newShown + 1);
  }
  return {
    studied,
    fresh: newDue.slice(0, newShown),
    heldBack: newShown === allowance && newDue.length > allowance,
    newToday,
    newCardsPerDay,
  };
}

/**
 * The caller's live (not deleted), unsuspended questions of the filter,
 * soonest due first: `due` those due at `now` (at most `limit`, new ones
 * beyond the day's allowance included), `upcoming` those due after. Reads
 * only what it returns.
 */
async function reviewable(
  ctx: QueryCtx,
  userId: string,
  { topic, jobId }: Filter,
  now: number,
  limit: number,
): Promise<{ due: QuestionDoc[]; upcoming: QuestionDoc[] }> {
  if (jobId !== undefined) {
    const live = await jobCards(ctx, userId, jobId, topic);
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
 * the query re-runs as time passes): the studied questions due, most overdue
 * first, then new ones, at most the learner's new cards per day
 * (`newCardsPerDay`, counted by their local day: `utcOffsetMinutes`); how many
 * are due (exact up to `MAX_DUE_COUNT`); whether new questions wait for a
 * later day (`newHeldBack`); and when the next one falls due if none is (new
 * questions held back fall due at the local midnight). Optionally only one
 * topic's or one job's questions. Deleted and suspended questions are never due.
 */
export const getReviewQueue = userQuery({
  args: { now: v.number(), ...vReviewFilter, ...vUtcOffset },
  returns: v.object({
    question: v.union(vQuestion, v.null()),
    dueCount: v.number(),
    dueCountIsCapped: v.boolean(),
    nextDueAt: v.union(v.number(), v.null()),
    hasQuestions: v.boolean(),
    newToday: v.number(),
    newCardsPerDay: v.number(),
    newHeldBack: v.boolean(),
  }),
  handler: async (ctx, { now, utcOffsetMinutes, ...filter }) => {
    const { userId } = ctx;
    const offset = utcOffset(utcOffsetMinutes);
    const empty = {
      question: null,
      dueCount: 0,
      dueCountIsCapped: false,
      nextDueAt: null,
      hasQuestions: false,
      newToday: 0,
      newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
      newHeldBack: false,
    };
    if (userId === null) return empty;
    const { studied, fresh, heldBack, newToday, newCardsPerDay } = await dueQuestions(
      ctx,
      userId,
      filter,
      now,
      offset,
      JOB_CONFIG.MAX_DUE_COUNT + 1,
    );
    const counts = { newToday, newCardsPerDay, newHeldBack: heldBack };
    const due = [...studied, ...fresh];
    if (due.length > 0) {
      return {
        question: withoutSearchFields(due[0]!),
        dueCount: Math.min(due.length, JOB_CONFIG.MAX_DUE_COUNT),
        dueCountIsCapped: due.length > JOB_CONFIG.MAX_DUE_COUNT,
        nextDueAt: null,
        hasQuestions: true,
        ...counts,
      };
    }
    const { upcoming } = await reviewable(ctx, userId, filter, now, 1);
    const nextDueAt = Math.min(upcoming[0]?.card.due ?? Infinity, heldBack ? nextLocalMidnight(now, offset) : Infinity);
    return {
      ...empty,
      ...counts,
      nextDueAt: Number.isFinite(nextDueAt) ? nextDueAt : null,
      hasQuestions: heldBack || upcoming.length > 0,
    };
  },
});

/**
 * "Practice anyway": when nothing is due, the next questions to come due (at
 * most `PRACTICE_SESSION_SIZE`, soonest first, new ones the daily limit held
 * back included), of the same filter as the queue. Reading them changes nothing;
 * only rating one (`recordReview`) reschedules it.
 */
export const getPracticeQuestions = userQuery({
  args: { now: v.number(), ...vReviewFilter },
  returns: v.array(vQuestion),
  handler: async (ctx, { now, ...filter }) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const { due, upcoming } = await reviewable(ctx, userId, filter, now, JOB_CONFIG.PRACTICE_SESSION_SIZE);
    return [...due, ...upcoming].slice(0, JOB_CONFIG.PRACTICE_SESSION_SIZE).map(withoutSearchFields);
  },
});

/** Adds `delta` to `userId`'s totals of `day` (a row that falls to no reviews is deleted). */
async function addToDay(ctx: MutationCtx, userId: string, day: string, delta: Omit<ReviewDay, "day">) {
  const row = await reviewDay(ctx, userId, day);
  const totals = {
    reviews: (row?.reviews ?? 0) + delta.reviews,
    correct: (row?.correct ?? 0) + delta.correct,
    newCards: (row?.newCards ?? 0) + delta.newCards,
  };
  if (row && totals.reviews <= 0) await ctx.db.delete("reviewDays", row._id);
  else if (row) await ctx.db.patch("reviewDays", row._id, totals);
  else if (totals.reviews > 0) await ctx.db.insert("reviewDays", { userId, day, ...totals });
}

/**
 * Records the caller's rating of one of their questions: reschedules it with
 * FSRS, logs the rating (with the card before it, for undo) and adds it to the
 * day's totals on the learner's clock. `correct` says whether the chosen
 * answer was right (absent: any rating but "again" counts as right). Returns
 * when it is due next and the log entry's id (`undoLastReview` takes it).
 */
export const recordReview = userMutation({
  // A string, not v.id: a malformed id gets the same clear NOT_FOUND as a missing one.
  args: { questionId: v.string(), rating: vReviewRating, correct: v.optional(v.boolean()), ...vUtcOffset },
  returns: v.object({ nextDueAt: v.number(), reviewId: v.id("reviewLog") }),
  handler: async (ctx, { questionId: rawId, rating, correct = rating !== "again", utcOffsetMinutes }) => {
    const offset = utcOffset(utcOffsetMinutes);
    const questionId = ctx.db.normalizeId("questions", rawId);
    const question = questionId ? await ctx.db.get("questions", questionId) : null;
    if (!questionId || !question || question.userId !== ctx.userId || question.deletedAt !== undefined)
      throw appError("NOT_FOUND", "That question doesn't exist.");
    const now = Date.now();
    const card = scheduleReview(question.card, rating, now);
    await ctx.db.patch("questions", questionId, { card });
    const wasNew = question.card.state === "new";
    const day = localDay(now, offset);
    const reviewId = await ctx.db.insert("reviewLog", {
      userId: ctx.userId,
      questionId,
      reviewedAt: now,
      day,
      rating,
      correct,
      wasNew,
      cardBefore: question.card,
    });
    await addToDay(ctx, ctx.userId, day, { reviews: 1, correct: correct ? 1 : 0, newCards: wasNew ? 1 : 0 });
    return { nextDueAt: card.due, reviewId };
  },
});

/**
 * Takes back the caller's latest rating, `reviewId` (what `recordReview`
 * returned), within `UNDO_REVIEW_WINDOW_MS`: the question's card is put back
 * exactly as it was, the rating leaves the log and the day's totals. Only the
 * latest rating can be undone (INVALID_STATE otherwise, or once too late);
 * someone else's is NOT_FOUND. Returns the question, to be shown again.
 */
export const undoLastReview = userMutation({
  args: { reviewId: v.string() },
  returns: v.object({ questionId: v.id("questions") }),
  handler: async (ctx, { reviewId: rawId }) => {
    const reviewId = ctx.db.normalizeId("reviewLog", rawId);
    const review = reviewId ? await ctx.db.get("reviewLog", reviewId) : null;
    if (!review || review.userId !== ctx.userId) throw appError("NOT_FOUND", "That rating doesn't exist.");
    const latest = await ctx.db
      .query("reviewLog")
      .withIndex("by_user_reviewed", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .first();
    if (latest?._id !== review._id) throw appError("INVALID_STATE", "Only your latest rating can be undone.");
    const minutes = JOB_CONFIG.UNDO_REVIEW_WINDOW_MS / 60_000;
    if (Date.now() - review.reviewedAt > JOB_CONFIG.UNDO_REVIEW_WINDOW_MS)
      throw appError("INVALID_STATE", `A rating can be undone for ${minutes} minutes; this one is older.`);
    const question = await ctx.db.get("questions", review.questionId);
    if (!question || question.deletedAt !== undefined)
      throw appError("NOT_FOUND", "That question was deleted, so its rating can't be undone.");
    await ctx.db.patch("questions", review.questionId, { card: review.cardBefore });
    await ctx.db.delete("reviewLog", review._id);
    await addToDay(ctx, ctx.userId, review.day, {
      reviews: -1,
      correct: review.correct ? -1 : 0,
      newCards: review.wasNew ? -1 : 0,
    });
    return { questionId: review.questionId };
  },
});
