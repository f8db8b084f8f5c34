/** Review (`review.ts`): the queue of due questions (new cards per day), FSRS rescheduling on an answer, undo. */
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { api } from "./_generated/api";
import {
  asUser,
  errorOf,
  initConvexTest,
  insertJob,
  NOW,
  seedQuestions,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";
import { makeQuestion } from "../tests/support/scriptedModels";

const ALICE = tokenIdentifier("alice");

useFakeClock();

/** A processing job of alice's. */
const insertAliceJob = (t: TestConvex) =>
  insertJob(t, { userId: ALICE, status: "processing", phase: "generating", topic: "Topic" });

describe("review", () => {
  test("shows the most overdue question, counts what is due, and says when the next one falls due", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    expect(await alice.query(api.review.getReviewQueue, { now: NOW })).toEqual({
      question: null,
      dueCount: 0,
      dueCountIsCapped: false,
      nextDueAt: null,
      hasQuestions: false,
      newToday: 0,
      newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
      newHeldBack: false,
    });
    await seedQuestions(t, 3);
    const now = Date.now();
    const queue = await alice.query(api.review.getReviewQueue, { now });
    expect(queue).toMatchObject({ dueCount: 3, dueCountIsCapped: false, nextDueAt: null, hasQuestions: true });
    expect(queue.question?.question).toBe("Topic #0");

    const { nextDueAt } = await alice.mutation(api.review.recordReview, {
      questionId: queue.question!._id,
      rating: "easy",
    });
    expect(nextDueAt).toBeGreaterThan(now + 24 * 60 * 60_000);
    expect(await alice.query(api.review.getReviewQueue, { now })).toMatchObject({
      dueCount: 2,
      question: { question: "Topic #1" },
    });
    for (const q of ["Topic #1", "Topic #2"]) {
      const { question } = await alice.query(api.review.getReviewQueue, { now });
      expect(question?.question).toBe(q);
      await alice.mutation(api.review.recordReview, { questionId: question!._id, rating: "good" });
    }
    const done = await alice.query(api.review.getReviewQueue, { now });
    expect(done).toMatchObject({ question: null, dueCount: 0, hasQuestions: true });
    expect(done.nextDueAt).toBeGreaterThan(now);
  });

  test("the due count is exact up to 99", async () => {
    const t = initConvexTest();
    const job = await insertAliceJob(t);
    await t.run(async (ctx) => {
      for (let i = 0; i < 120; i++) {
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          userId: ALICE,
          topic: "T",
          generationJobId: job,
          createdAt: NOW,
          card: newCard(NOW - i),
        });
      }
    });
    const alice = asUser(t, "alice");
    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_MAX });
    expect(await alice.query(api.review.getReviewQueue, { now: NOW })).toMatchObject({
      dueCount: 99,
      dueCountIsCapped: true,
    });
  });

  test("recordReview: only the owner, with a clear error otherwise", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1);
    const [question] = await t.run((ctx) => ctx.db.query("questions").collect());
    await expect(
      asUser(t, "bob").mutation(api.review.recordReview, { questionId: question!._id, rating: "good" }),
    ).rejects.toMatchObject({
      data: { code: "NOT_FOUND", message: "That question doesn't exist." },
    });
    await expect(
      t.mutation(api.review.recordReview, { questionId: question!._id, rating: "good" }),
    ).rejects.toMatchObject({
      data: { code: "UNAUTHENTICATED" },
    });
    expect((await t.run((ctx) => ctx.db.get("questions", question!._id)))!.card).toEqual(question!.card);
  });

  test("one topic's or one job's queue; deleted and suspended questions are never due", async () => {
    const t = initConvexTest();
    const dnaJob = await seedQuestions(t, 2, "DNA");
    await seedQuestions(t, 3, "Castles");
    const alice = asUser(t, "alice");
    const now = Date.now();
    expect(await alice.query(api.review.getReviewQueue, { now, topic: "Castles" })).toMatchObject({ dueCount: 3 });
    const byJob = await alice.query(api.review.getReviewQueue, { now, jobId: dnaJob });
    expect(byJob).toMatchObject({ dueCount: 2 });
    expect(byJob.question?.topic).toBe("DNA");
    expect(await alice.query(api.review.getReviewQueue, { now, jobId: "nope" })).toMatchObject({
      dueCount: 0,
      hasQuestions: false,
    });
    await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "job", jobId: dnaJob },
      suspended: true,
    });
    expect(await alice.query(api.review.getReviewQueue, { now, jobId: dnaJob })).toMatchObject({ dueCount: 0 });
    expect(await alice.query(api.review.getReviewQueue, { now })).toMatchObject({ dueCount: 3 });
    expect(await asUser(t, "bob").query(api.review.getReviewQueue, { now, topic: "Castles" })).toMatchObject({
      dueCount: 0,
      hasQuestions: false,
    });
  });

  test("practice anyway: the next questions to come due, read without changing them", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 3);
    const alice = asUser(t, "alice");
    for (const question of await t.run((ctx) => ctx.db.query("questions").collect()))
      await alice.mutation(api.review.recordReview, { questionId: question._id, rating: "easy" });
    const now = Date.now();
    expect(await alice.query(api.review.getReviewQueue, { now })).toMatchObject({ dueCount: 0, hasQuestions: true });
    const before = await t.run((ctx) => ctx.db.query("questions").collect());
    const practice = await alice.query(api.review.getPracticeQuestions, { now, topic: "Topic" });
    expect(practice).toHaveLength(3);
    expect(practice.map((q) => q.card.due)).toEqual([...practice.map((q) => q.card.due)].sort((a, b) => a - b));
    expect(await t.run((ctx) => ctx.db.query("questions").collect())).toEqual(before);
    expect(await asUser(t, "bob").query(api.review.getPracticeQuestions, { now })).toEqual([]);
  });
});

/** Alice's questions, in the order they were saved. */
const aliceQuestions = (t: TestConvex) =>
  t.run((ctx) =>
    ctx.db
      .query("questions")
      .withIndex("by_user_created", (q) => q.eq("userId", ALICE))
      .collect(),
  );

describe("new cards per day", () => {
  test("a 50-question job makes the day's limit due, not 50; the rest wait for the learner's next day", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 50);
    const alice = asUser(t, "alice");
    const now = Date.now();
    expect(await alice.query(api.review.getReviewQueue, { now })).toMatchObject({
      dueCount: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
      dueCountIsCapped: false,
      newToday: 0,
      newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
      newHeldBack: true,
    });

    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: 3 });
    for (let i = 0; i < 3; i++) {
      const { question } = await alice.query(api.review.getReviewQueue, { now });
      expect(question?.question).toBe(`Topic #${i}`); // new cards oldest first
      await alice.mutation(api.review.recordReview, { questionId: question!._id, rating: "easy" });
    }
    // Berlin in winter (UTC+1): still the same day, the 3 new cards of today are used up.
    const berlin = await alice.query(api.review.getReviewQueue, { now, utcOffsetMinutes: 60 });
    expect(berlin).toMatchObject({ question: null, dueCount: 0, newToday: 3, newHeldBack: true, hasQuestions: true });
    // The next due time is the learner's midnight, when 3 more new cards come.
    expect(berlin.nextDueAt).toBe(Date.UTC(2026, 10, 23, 23, 0, 0));
    // On a clock where it is already tomorrow (UTC+12), 3 more are due.
    expect(await alice.query(api.review.getReviewQueue, { now, utcOffsetMinutes: 12 * 60 })).toMatchObject({
      dueCount: 3,
      newToday: 0,
    });
  });

  test("studied questions come before new ones and are never held back; 0 pauses new cards", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 4);
    const alice = asUser(t, "alice");
    const [first] = await aliceQuestions(t);
    await alice.mutation(api.review.recordReview, { questionId: first!._id, rating: "again" });
    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: 0 });
    vi.setSystemTime(Date.now() + 10 * 60_000); // "again" brings it back within minutes
    const queue = await alice.query(api.review.getReviewQueue, { now: Date.now() });
    expect(queue).toMatchObject({ dueCount: 1, newHeldBack: true, question: { _id: first!._id } });
    expect(queue.question?.card.state).not.toBe("new");
  });

  test("a topic's and a job's queue share the day's allowance", async () => {
    const t = initConvexTest();
    const dnaJob = await seedQuestions(t, 4, "DNA");
    await seedQuestions(t, 4, "Castles");
    const alice = asUser(t, "alice");
    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: 5 });
    const now = Date.now();
    for (let i = 0; i < 4; i++) {
      const { question } = await alice.query(api.review.getReviewQueue, { now, jobId: dnaJob });
      await alice.mutation(api.review.recordReview, { questionId: question!._id, rating: "easy" });
    }
    expect(await alice.query(api.review.getReviewQueue, { now, topic: "Castles" })).toMatchObject({
      dueCount: 1,
      newHeldBack: true,
    });
    expect(await alice.query(api.review.getReviewQueue, { now })).toMatchObject({ dueCount: 1 });
  });

  test("the setting is a whole number from 0 to the maximum; a clock offset must be one a clock can have", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    expect(await alice.query(api.settings.getSettings, {})).toEqual({
      newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
    });
    for (const bad of [-1, 2.5, JOB_CONFIG.NEW_CARDS_PER_DAY_MAX + 1]) {
      const error = await errorOf(alice.mutation(api.settings.updateSettings, { newCardsPerDay: bad }));
      expect(error.code).toBe("INVALID_ARGUMENT");
      expect(error.message).toMatch(/whole number from 0 to/);
    }
    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: 0 });
    expect(await alice.query(api.settings.getSettings, {})).toEqual({ newCardsPerDay: 0 });
    await expect(alice.query(api.review.getReviewQueue, { now: NOW, utcOffsetMinutes: 15 * 60 })).rejects.toMatchObject(
      { data: { code: "INVALID_ARGUMENT" } },
    );
  });
});

describe("the review log and undo", () => {
  test("undo puts the card back exactly, and takes the rating out of the log and the day's totals", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const alice = asUser(t, "alice");
    const [question] = await aliceQuestions(t);
    const { reviewId } = await alice.mutation(api.review.recordReview, {
      questionId: question!._id,
      rating: "good",
      correct: false,
      utcOffsetMinutes: -300,
    });
    const logged = await t.run((ctx) => ctx.db.get("reviewLog", reviewId));
    expect(logged).toMatchObject({ day: "2026-11-23", rating: "good", correct: false, wasNew: true });
    expect(logged!.cardBefore).toEqual(question!.card);
    expect(await alice.query(api.statistics.getReviewHistory, { now: Date.now(), utcOffsetMinutes: -300 })).toEqual({
      today: "2026-11-23",
      days: [{ day: "2026-11-23", reviews: 1, correct: 0, newCards: 1 }],
    });

    vi.setSystemTime(Date.now() + 60_000);
    expect(await alice.mutation(api.review.undoLastReview, { reviewId })).toEqual({ questionId: question!._id });
    const [restored] = await aliceQuestions(t);
    expect(restored!.card).toEqual(question!.card);
    expect(await t.run((ctx) => ctx.db.query("reviewLog").collect())).toEqual([]);
    expect(await t.run((ctx) => ctx.db.query("reviewDays").collect())).toEqual([]);
    expect(await alice.query(api.review.getReviewQueue, { now: Date.now() })).toMatchObject({
      dueCount: 2,
      newToday: 0,
    });
    // Undone once is gone.
    await expect(alice.mutation(api.review.undoLastReview, { reviewId })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });

  test("only the latest rating, only its owner, only within the undo window", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const alice = asUser(t, "alice");
    const [a, b] = await aliceQuestions(t);
    const first = await alice.mutation(api.review.recordReview, { questionId: a!._id, rating: "good" });
    const second = await alice.mutation(api.review.recordReview, { questionId: b!._id, rating: "hard" });
    await expect(alice.mutation(api.review.undoLastReview, { reviewId: first.reviewId })).rejects.toMatchObject({
      data: { code: "INVALID_STATE", message: "Only your latest rating can be undone." },
    });
    await expect(
      asUser(t, "bob").mutation(api.review.undoLastReview, { reviewId: second.reviewId }),
    ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    vi.setSystemTime(Date.now() + JOB_CONFIG.UNDO_REVIEW_WINDOW_MS + 1);
    const late = await errorOf(alice.mutation(api.review.undoLastReview, { reviewId: second.reviewId }));
    expect(late.code).toBe("INVALID_STATE");
    expect(late.message).toMatch(/can be undone for 10 minutes/);
    expect(await t.run((ctx) => ctx.db.query("reviewLog").collect())).toHaveLength(2);
  });

  test("a deleted question's rating can't be undone, and nothing changes", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1);
    const alice = asUser(t, "alice");
    const [question] = await aliceQuestions(t);
    const { reviewId } = await alice.mutation(api.review.recordReview, { questionId: question!._id, rating: "easy" });
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [question!._id] } });
    await expect(alice.mutation(api.review.undoLastReview, { reviewId })).rejects.toMatchObject({
      data: { code: "NOT_FOUND", message: "That question was deleted, so its rating can't be undone." },
    });
    expect(await t.run((ctx) => ctx.db.query("reviewLog").collect())).toHaveLength(1);
  });
});
