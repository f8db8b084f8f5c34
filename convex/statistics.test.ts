/** Statistics (`statistics.ts`): review totals per day and the due forecast, bounded for a big learner. */
import { describe, expect, test, vi } from "vitest";
import type { FunctionReference } from "convex/server";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { addDays } from "../lib/days";
import { newCard, scheduleReview } from "../lib/fsrs";
import { api } from "./_generated/api";
import {
  asUser,
  initConvexTest,
  NOW,
  seedQuestions,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";
import { makeQuestion } from "../tests/support/scriptedModels";

const ALICE = tokenIdentifier("alice");

useFakeClock();

describe("review history", () => {
  test("each day's reviews, right answers and new cards, on the learner's clock", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 3);
    const alice = asUser(t, "alice");
    const questions = await t.run((ctx) => ctx.db.query("questions").collect());
    // 23:30 in New York (UTC−5) is already the next day in UTC.
    vi.setSystemTime(Date.UTC(2026, 10, 24, 4, 30));
    const ny = { utcOffsetMinutes: -300 };
    await alice.mutation(api.review.recordReview, {
      questionId: questions[0]!._id,
      rating: "good",
      correct: true,
      ...ny,
    });
    await alice.mutation(api.review.recordReview, {
      questionId: questions[1]!._id,
      rating: "again",
      correct: false,
      ...ny,
    });
    vi.setSystemTime(Date.UTC(2026, 10, 24, 5, 30));
    await alice.mutation(api.review.recordReview, { questionId: questions[2]!._id, rating: "easy", ...ny });
    expect(await alice.query(api.statistics.getReviewHistory, { now: Date.now(), ...ny })).toEqual({
      today: "2026-11-24",
      days: [
        { day: "2026-11-23", reviews: 2, correct: 1, newCards: 2 },
        { day: "2026-11-24", reviews: 1, correct: 1, newCards: 1 },
      ],
    });
  });
});

describe("due forecast", () => {
  test("studied questions per day for 30 days, the overdue ones today; new questions are not forecast", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 4);
    const alice = asUser(t, "alice");
    const [a, b, c] = await t.run((ctx) => ctx.db.query("questions").collect());
    await alice.mutation(api.review.recordReview, { questionId: a!._id, rating: "again" }); // minutes: today
    await alice.mutation(api.review.recordReview, { questionId: b!._id, rating: "easy" }); // days ahead
    await alice.mutation(api.review.recordReview, { questionId: c!._id, rating: "easy" });
    const due = (await t.run((ctx) => ctx.db.get("questions", b!._id)))!.card.due;
    const forecast = await alice.query(api.statistics.getDueForecast, { now: Date.now() });
    expect(forecast.today).toBe("2026-11-23");
    expect(forecast.counts).toHaveLength(JOB_CONFIG.FORECAST_DAYS);
    expect(forecast.counts[0]).toBe(1);
    expect(forecast.counts[Math.floor((due - Date.UTC(2026, 10, 23)) / DAY_MS)]).toBe(2);
    expect(forecast.counts.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(forecast.capped).toBe(false);
  });
});

/** A question of realistic size: a long stem, four options, a paragraph of explanation (~1 KB). */
function bigQuestion(i: number) {
  return {
    ...makeQuestion(i * 2),
    question: `Question ${i}: ${"which of these statements about the subject is the accurate one ".repeat(2)}?`,
    options: [0, 1, 2, 3].map((k) => `Option ${k} of question ${i}, ${"a plausible distractor ".repeat(3)}`),
    correctAnswer: `Option 0 of question ${i}, ${"a plausible distractor ".repeat(3)}`,
    explanation: "Because the first option states the fact as the source gives it. ".repeat(6),
  };
}

/** Runs `query` as alice inside one transaction and reports what it read (Convex's own per-transaction metrics). */
type ClockArgs = { now: number; utcOffsetMinutes?: number };

async function measure<Result>(
  t: TestConvex,
  query: FunctionReference<"query", "public", ClockArgs, Result>,
  args: ClockArgs,
): Promise<{ result: Result; documentsRead: number; bytesRead: number }> {
  return await asUser(t, "alice").run(async (ctx) => {
    const result = await ctx.runQuery(query, args);
    const metrics = await ctx.meta.getTransactionMetrics();
    return { result, documentsRead: metrics.documentsRead.used, bytesRead: metrics.bytesRead.used };
  });
}

describe("a learner with 10,000 questions and a year of reviews", () => {
  test("history, forecast and queue read a bounded few rows, inside Convex's transaction limits", async () => {
    const t = initConvexTest();
    // 10,000 questions: 2,000 never reviewed, 8,000 studied, due from 3 days ago to 6 months ahead.
    for (let batch = 0; batch < 10; batch++) {
      await t.run(async (ctx) => {
        for (let i = batch * 1000; i < (batch + 1) * 1000; i++) {
          let card = newCard(NOW - DAY_MS * 365 + i * 3000);
          if (i >= 2000) {
            card = scheduleReview(card, "good", NOW - DAY_MS * 200);
            card = { ...card, state: "review", due: NOW - 3 * DAY_MS + ((i * 7919) % 183) * DAY_MS };
          }
          await ctx.db.insert("questions", {
            ...bigQuestion(i),
            userId: ALICE,
            topic: `Topic ${i % 40}`,
            createdAt: NOW - DAY_MS * 365,
            card,
          });
        }
      });
    }
    // A year of reviews: 100 a day in the log, and their daily totals.
    const [question] = await t.run((ctx) => ctx.db.query("questions").take(1));
    for (let day = 0; day < 365; day += 73) {
      await t.run(async (ctx) => {
        for (let d = day; d < day + 73; d++) {
          const date = addDays("2026-11-23", -d);
          await ctx.db.insert("reviewDays", { userId: ALICE, day: date, reviews: 100, correct: 85, newCards: 20 });
          for (let r = 0; r < 100; r++)
            await ctx.db.insert("reviewLog", {
              userId: ALICE,
              questionId: question!._id,
              reviewedAt: NOW - d * DAY_MS - r * 60_000,
              day: date,
              rating: "good",
              correct: true,
              wasNew: false,
              cardBefore: question!.card,
            });
        }
      });
    }
    const args = { now: NOW, utcOffsetMinutes: 60 };
    const history = await measure(t, api.statistics.getReviewHistory, args);
    const forecast = await measure(t, api.statistics.getDueForecast, args);
    const queue = await measure(t, api.review.getReviewQueue, args);
    console.log(
      `10,000 questions, 36,500 reviews: history ${history.documentsRead} docs / ${history.bytesRead} B, ` +
        `forecast ${forecast.documentsRead} docs / ${forecast.bytesRead} B, queue ${queue.documentsRead} docs / ${queue.bytesRead} B`,
    );
    expect(history.result.days).toHaveLength(365);
    expect(history.documentsRead).toBeLessThanOrEqual(JOB_CONFIG.STATS_HISTORY_DAYS);
    expect(forecast.documentsRead).toBeLessThanOrEqual(JOB_CONFIG.FORECAST_MAX_CARDS + 3);
    expect(forecast.bytesRead).toBeLessThan(8 * 1024 * 1024);
    expect(queue.result).toMatchObject({ dueCount: 99, dueCountIsCapped: true });
    expect(queue.documentsRead).toBeLessThan(500);
    // Rating and undoing stay small too.
    const alice = asUser(t, "alice");
    const { reviewId } = await alice.mutation(api.review.recordReview, {
      questionId: queue.result.question!._id,
      rating: "good",
    });
    await alice.mutation(api.review.undoLastReview, { reviewId });
  }, 120_000);
});
