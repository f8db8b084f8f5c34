/** Review (`review.ts`): the queue of due questions, and FSRS rescheduling on an answer. */
import { describe, expect, test } from "vitest";
import { newCard } from "../lib/fsrs";
import { api } from "./_generated/api";
import {
  asUser,
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
    expect(await asUser(t, "alice").query(api.review.getReviewQueue, { now: NOW })).toMatchObject({
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
