/** saveBatch (`questions.ts`): questions and progress in one transaction, nothing for a job that moved on, idempotent, bounded. */
import { newJobFields } from "../lib/jobs";
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { searchFields } from "./lib/searchFields";
import { asUser, initConvexTest, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";
import { makeQuestion, makeQuestions } from "../tests/support/scriptedModels";

const ALICE = tokenIdentifier("alice");

useFakeClock();

async function insertJob(t: TestConvex, fields: Partial<Doc<"generationJobs">> = {}) {
  return await t.run((ctx) =>
    ctx.db.insert("generationJobs", {
      ...newJobFields(ALICE, "p", NOW),
      status: "processing",
      phase: "generating",
      topic: "Topic",
      ...fields,
    }),
  );
}

const batch = (jobId: Id<"generationJobs">, questions = makeQuestions(2), batchStart = 0) => ({
  jobId,
  userId: ALICE,
  questions,
  batchStart,
  questionsGenerated: batchStart + questions.length,
});
const getJob = (t: TestConvex, id: Id<"generationJobs">) => t.run((ctx) => ctx.db.get("generationJobs", id));
const countQuestions = (t: TestConvex) => t.run(async (ctx) => (await ctx.db.query("questions").collect()).length);

describe("saveBatch", () => {
  test("inserts the questions with a new FSRS card and records progress in the same transaction", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    vi.setSystemTime(NOW + 50);
    const result = await t.mutation(internal.batches.saveBatch, batch(jobId));
    expect(result).toEqual({ accepted: true, status: "processing", saved: 2, questionsSaved: 2 });
    const questions = await t.run((ctx) => ctx.db.query("questions").collect());
    expect(questions.map((q) => ({ ...q, _id: undefined, _creationTime: undefined }))).toEqual(
      makeQuestions(2).map((q) => ({
        ...q,
        ...searchFields(q),
        _id: undefined,
        _creationTime: undefined,
        userId: ALICE,
        topic: "Topic",
        generationJobId: jobId,
        createdAt: NOW + 50,
        card: newCard(NOW + 50),
      })),
    );
    expect(await getJob(t, jobId)).toMatchObject({
      questionsSaved: 2,
      questionsGenerated: 2,
      lastProgressAt: NOW + 50,
      phase: "generating",
    });
    // The topic is listed from the first saved question on.
    expect(await asUser(t, "alice").query(api.myQuestions.listMyTopics, {})).toEqual([
      { name: "Topic", lastUsedAt: NOW + 50 },
    ]);
  });

  test("the first batch brings the plan: topic, estimate and phase, kept once set", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { topic: undefined, phase: "planning" });
    await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId),
      plan: { topic: "Volcanoes", estimatedTotal: 8 },
    });
    expect(await getJob(t, jobId)).toMatchObject({ topic: "Volcanoes", estimatedTotal: 8, phase: "generating" });
    await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId, makeQuestions(1, 2), 2),
      plan: { topic: "Other", estimatedTotal: 3 },
    });
    expect(await getJob(t, jobId)).toMatchObject({ topic: "Volcanoes", estimatedTotal: 8 });
    expect((await t.run((ctx) => ctx.db.query("questions").collect())).map((q) => q.topic)).toEqual([
      "Volcanoes",
      "Volcanoes",
      "Volcanoes",
    ]);
  });

  test("questions without any plan are refused (the action always sends one)", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { topic: undefined, phase: "planning" });
    await expect(t.mutation(internal.batches.saveBatch, batch(jobId))).rejects.toThrow(/no plan/);
  });

  test("the last batch completes the job in the same transaction, with its tokens on the job, its attempt and the user's day", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, {
      startedAt: NOW - 1000,
      attemptHistory: [{ attempt: 1, startedAt: NOW - 1000 }],
    });
    const usage = { inputTokens: 700, outputTokens: 2400, estimated: false };
    const result = await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId),
      questionsSkipped: 1,
      finish: { usage },
    });
    expect(result).toEqual({ accepted: true, status: "completed", saved: 2, questionsSaved: 2 });
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      phase: "finalizing",
      questionsSaved: 2,
      questionsSkipped: 1,
      durationMs: 1000,
      inputTokens: 700,
      outputTokens: 2400,
      attemptHistory: [
        {
          attempt: 1,
          startedAt: NOW - 1000,
          endedAt: NOW,
          outcome: "completed",
          questionsSaved: 2,
          inputTokens: 700,
          outputTokens: 2400,
        },
      ],
    });
    const days = await t.run((ctx) => ctx.db.query("dailyUsage").collect());
    expect(days).toMatchObject([{ userId: ALICE, day: "2026-11-23", inputTokens: 700, outputTokens: 2400 }]);
  });

  test.each(["pending", "completed", "failed", "cancelled"] as const)(
    "writes nothing to a %s job and says it did not take the batch",
    async (status) => {
      const t = initConvexTest();
      const jobId = await insertJob(t, { status, questionsSaved: 3 });
      const before = await getJob(t, jobId);
      expect(await t.mutation(internal.batches.saveBatch, batch(jobId, makeQuestions(2), 3))).toEqual({
        accepted: false,
        status,
        saved: 0,
        questionsSaved: 3,
      });
      expect(await getJob(t, jobId)).toEqual(before);
      expect(await countQuestions(t)).toBe(0);
    },
  );

  test("a deleted job gets nothing either", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    await t.run((ctx) => ctx.db.delete("generationJobs", jobId));
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId))).toEqual({
      accepted: false,
      status: null,
      saved: 0,
      questionsSaved: 0,
    });
    expect(await countQuestions(t)).toBe(0);
  });

  test("is idempotent: a re-sent batch is not saved twice", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    const questions = makeQuestions(3);
    await t.mutation(internal.batches.saveBatch, batch(jobId, questions, 0));
    // The same batch again (say, the first call's answer was lost), then one that overlaps it.
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId, questions, 0))).toMatchObject({
      saved: 0,
      questionsSaved: 3,
    });
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId, makeQuestions(3, 1), 1))).toMatchObject({
      saved: 1,
      questionsSaved: 4,
    });
    const saved = await t.run((ctx) => ctx.db.query("questions").collect());
    expect(saved.map((q) => q.question)).toEqual(makeQuestions(4).map((q) => q.question));
  });

  test(`never holds more than ${JOB_CONFIG.MAX_QUESTIONS} questions per job`, async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { questionsSaved: JOB_CONFIG.MAX_QUESTIONS - 2 });
    const result = await t.mutation(
      internal.batches.saveBatch,
      batch(jobId, makeQuestions(5), JOB_CONFIG.MAX_QUESTIONS - 2),
    );
    expect(result).toMatchObject({ saved: 2, questionsSaved: JOB_CONFIG.MAX_QUESTIONS });
  });

  test("refuses a user who does not own the job", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    await expect(
      t.mutation(internal.batches.saveBatch, { ...batch(jobId), userId: tokenIdentifier("mallory") }),
    ).rejects.toThrow(/not owned/);
    expect(await countQuestions(t)).toBe(0);
  });

  test("refuses half-written questions at the boundary (validators)", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    const broken = { ...makeQuestion(0), type: "multiple" } as unknown as ReturnType<typeof makeQuestion>;
    await expect(t.mutation(internal.batches.saveBatch, batch(jobId, [broken]))).rejects.toThrow(/Validator/);
    expect(await countQuestions(t)).toBe(0);
  });
});

/** Saves `count` questions for alice under `topic`, one batch per call, `spacingMs` apart. */
