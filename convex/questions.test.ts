/** saveBatch's guarantees, My Questions, the review queue and reviews. */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { asUser, initConvexTest, tokenIdentifier, type TestConvex } from "./test.setup";
import { makeQuestion, makeQuestions } from "../tests/support/scriptedModels";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const ALICE = tokenIdentifier("alice");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

async function insertJob(t: TestConvex, fields: Partial<Doc<"generationJobs">> = {}) {
  return await t.run((ctx) =>
    ctx.db.insert("generationJobs", {
      userId: ALICE, kind: "questions", prompt: "p", status: "processing", phase: "generating", questionsGenerated: 0,
      questionsSaved: 0, questionIds: [], createdAt: NOW, lastProgressAt: NOW, attempts: 1, topic: "Topic", ...fields,
    }),
  );
}

const batch = (jobId: Id<"generationJobs">, questions = makeQuestions(2), batchStart = 0) => ({
  jobId, userId: ALICE, topic: "Topic", questions, batchStart, questionsGenerated: batchStart + questions.length,
});
const getJob = (t: TestConvex, id: Id<"generationJobs">) => t.run((ctx) => ctx.db.get("generationJobs", id));
const countQuestions = (t: TestConvex) => t.run(async (ctx) => (await ctx.db.query("questions").collect()).length);

describe("saveBatch", () => {
  test("inserts the questions with a new FSRS card and records progress in the same transaction", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    vi.setSystemTime(NOW + 50);
    const result = await t.mutation(internal.questions.saveBatch, { ...batch(jobId), phase: "finalizing" });
    expect(result).toEqual({ active: true, status: "processing", saved: 2, questionsSaved: 2 });
    const questions = await t.run((ctx) => ctx.db.query("questions").collect());
    expect(questions.map((q) => ({ ...q, _id: undefined, _creationTime: undefined }))).toEqual(
      makeQuestions(2).map((q) => ({
        ...q, _id: undefined, _creationTime: undefined, userId: ALICE, topic: "Topic", generationJobId: jobId, createdAt: NOW + 50, card: newCard(NOW + 50),
      })),
    );
    expect(await getJob(t, jobId)).toMatchObject({
      questionsSaved: 2, questionsGenerated: 2, questionIds: questions.map((q) => q._id), lastProgressAt: NOW + 50, phase: "finalizing",
    });
    // The topic is listed from the first saved question on.
    expect(await asUser(t, "alice").query(api.questions.listMyTopics, {})).toEqual([{ name: "Topic", lastUsedAt: NOW + 50 }]);
  });

  test.each(["pending", "completed", "failed", "cancelled"] as const)("writes nothing to a %s job and says it is no longer active", async (status) => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { status, questionsSaved: 3 });
    const before = await getJob(t, jobId);
    expect(await t.mutation(internal.questions.saveBatch, batch(jobId, makeQuestions(2), 3))).toEqual({
      active: false, status, saved: 0, questionsSaved: 3,
    });
    expect(await getJob(t, jobId)).toEqual(before);
    expect(await countQuestions(t)).toBe(0);
  });

  test("a deleted job gets nothing either", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    await t.run((ctx) => ctx.db.delete("generationJobs", jobId));
    expect(await t.mutation(internal.questions.saveBatch, batch(jobId))).toEqual({ active: false, status: null, saved: 0, questionsSaved: 0 });
    expect(await countQuestions(t)).toBe(0);
  });

  test("is idempotent: a re-sent batch is not saved twice", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    const questions = makeQuestions(3);
    await t.mutation(internal.questions.saveBatch, batch(jobId, questions, 0));
    // The same batch again (say, the first call's answer was lost), then one that overlaps it.
    expect(await t.mutation(internal.questions.saveBatch, batch(jobId, questions, 0))).toMatchObject({ saved: 0, questionsSaved: 3 });
    expect(await t.mutation(internal.questions.saveBatch, batch(jobId, makeQuestions(3, 1), 1))).toMatchObject({ saved: 1, questionsSaved: 4 });
    const saved = await t.run((ctx) => ctx.db.query("questions").collect());
    expect(saved.map((q) => q.question)).toEqual(makeQuestions(4).map((q) => q.question));
  });

  test(`never holds more than ${JOB_CONFIG.MAX_QUESTIONS} questions per job`, async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { questionsSaved: JOB_CONFIG.MAX_QUESTIONS - 2 });
    const result = await t.mutation(internal.questions.saveBatch, batch(jobId, makeQuestions(5), JOB_CONFIG.MAX_QUESTIONS - 2));
    expect(result).toMatchObject({ saved: 2, questionsSaved: JOB_CONFIG.MAX_QUESTIONS });
  });

  test("refuses a user who does not own the job", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    await expect(t.mutation(internal.questions.saveBatch, { ...batch(jobId), userId: tokenIdentifier("mallory") })).rejects.toThrow(
      /not owned/,
    );
    expect(await countQuestions(t)).toBe(0);
  });

  test("refuses half-written questions at the boundary (validators)", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    const broken = { ...makeQuestion(0), type: "multiple" } as unknown as ReturnType<typeof makeQuestion>;
    await expect(t.mutation(internal.questions.saveBatch, batch(jobId, [broken]))).rejects.toThrow(/Validator/);
    expect(await countQuestions(t)).toBe(0);
  });
});

/** Saves `count` questions for alice under `topic`, one batch per call, `spacingMs` apart. */
async function seedQuestions(t: TestConvex, count: number, topic = "Topic", jobId?: Id<"generationJobs">) {
  const job = jobId ?? (await insertJob(t, { topic }));
  for (let i = 0; i < count; i++) {
    vi.setSystemTime(Date.now() + 1000);
    const current = (await getJob(t, job))!;
    await t.mutation(internal.questions.saveBatch, {
      ...batch(job, [makeQuestion(current.questionsSaved, { question: `${topic} #${current.questionsSaved}` })], current.questionsSaved),
      topic,
    });
  }
  return job;
}

describe("My Questions", () => {
  test("newest first, a page at a time, own questions only", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 5);
    await t.run((ctx) => ctx.db.insert("questions", { ...makeQuestion(9), userId: tokenIdentifier("bob"), topic: "Topic", createdAt: Date.now() + 10_000, card: newCard(NOW) }));
    const alice = asUser(t, "alice");
    const first = await alice.query(api.questions.listMyQuestions, { paginationOpts: { numItems: 3, cursor: null } });
    expect(first.page.map((q) => q.question)).toEqual(["Topic #4", "Topic #3", "Topic #2"]);
    expect(first.isDone).toBe(false);
    const second = await alice.query(api.questions.listMyQuestions, { paginationOpts: { numItems: 3, cursor: first.continueCursor } });
    expect(second.page.map((q) => q.question)).toEqual(["Topic #1", "Topic #0"]);
    expect(second.isDone).toBe(true);
    expect(await t.query(api.questions.listMyQuestions, { paginationOpts: { numItems: 3, cursor: null } })).toEqual({
      page: [], isDone: true, continueCursor: "",
    });
  });

  test("filters by topic and by job; a malformed or foreign job id gives nothing", async () => {
    const t = initConvexTest();
    const dnaJob = await seedQuestions(t, 2, "DNA");
    await seedQuestions(t, 3, "Castles");
    const alice = asUser(t, "alice");
    const page = { numItems: 10, cursor: null };
    expect((await alice.query(api.questions.listMyQuestions, { paginationOpts: page, topic: "Castles" })).page).toHaveLength(3);
    const byJob = await alice.query(api.questions.listMyQuestions, { paginationOpts: page, jobId: dnaJob });
    expect(byJob.page.map((q) => q.question)).toEqual(["DNA #1", "DNA #0"]);
    expect((await alice.query(api.questions.listMyQuestions, { paginationOpts: page, jobId: "nonsense" })).page).toEqual([]);
    expect((await asUser(t, "bob").query(api.questions.listMyQuestions, { paginationOpts: page, jobId: dnaJob })).page).toEqual([]);
    expect(await alice.query(api.questions.listJobQuestions, { jobId: dnaJob })).toHaveLength(2);
    expect(await asUser(t, "bob").query(api.questions.listJobQuestions, { jobId: dnaJob })).toEqual([]);
  });

  test("pages are capped at 100", async () => {
    const t = initConvexTest();
    const job = await insertJob(t);
    await t.run(async (ctx) => {
      for (let i = 0; i < 120; i++) {
        await ctx.db.insert("questions", { ...makeQuestion(i), userId: ALICE, topic: "T", generationJobId: job, createdAt: NOW + i, card: newCard(NOW) });
      }
    });
    const page = await asUser(t, "alice").query(api.questions.listMyQuestions, { paginationOpts: { numItems: 1000, cursor: null } });
    expect(page.page).toHaveLength(JOB_CONFIG.MAX_PAGE_SIZE);
  });
});

describe("review", () => {
  test("shows the most overdue question, counts what is due, and says when the next one falls due", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    expect(await alice.query(api.questions.getReviewQueue, { now: NOW })).toEqual({
      question: null, dueCount: 0, dueCountIsCapped: false, nextDueAt: null, hasQuestions: false,
    });
    await seedQuestions(t, 3);
    const now = Date.now();
    const queue = await alice.query(api.questions.getReviewQueue, { now });
    expect(queue).toMatchObject({ dueCount: 3, dueCountIsCapped: false, nextDueAt: null, hasQuestions: true });
    expect(queue.question?.question).toBe("Topic #0");

    const { nextDueAt } = await alice.mutation(api.questions.recordReview, { questionId: queue.question!._id, rating: "easy" });
    expect(nextDueAt).toBeGreaterThan(now + 24 * 60 * 60_000);
    expect(await alice.query(api.questions.getReviewQueue, { now })).toMatchObject({ dueCount: 2, question: { question: "Topic #1" } });
    for (const q of ["Topic #1", "Topic #2"]) {
      const { question } = await alice.query(api.questions.getReviewQueue, { now });
      expect(question?.question).toBe(q);
      await alice.mutation(api.questions.recordReview, { questionId: question!._id, rating: "good" });
    }
    const done = await alice.query(api.questions.getReviewQueue, { now });
    expect(done).toMatchObject({ question: null, dueCount: 0, hasQuestions: true });
    expect(done.nextDueAt).toBeGreaterThan(now);
  });

  test("the due count is exact up to 99", async () => {
    const t = initConvexTest();
    const job = await insertJob(t);
    await t.run(async (ctx) => {
      for (let i = 0; i < 120; i++) {
        await ctx.db.insert("questions", { ...makeQuestion(i), userId: ALICE, topic: "T", generationJobId: job, createdAt: NOW, card: newCard(NOW - i) });
      }
    });
    expect(await asUser(t, "alice").query(api.questions.getReviewQueue, { now: NOW })).toMatchObject({ dueCount: 99, dueCountIsCapped: true });
  });

  test("recordReview: only the owner, with a clear error otherwise", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1);
    const [question] = await t.run((ctx) => ctx.db.query("questions").collect());
    await expect(asUser(t, "bob").mutation(api.questions.recordReview, { questionId: question!._id, rating: "good" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND", message: "That question doesn't exist." },
    });
    await expect(t.mutation(api.questions.recordReview, { questionId: question!._id, rating: "good" })).rejects.toMatchObject({
      data: { code: "UNAUTHENTICATED" },
    });
    expect((await t.run((ctx) => ctx.db.get("questions", question!._id)))!.card).toEqual(question!.card);
  });
});
