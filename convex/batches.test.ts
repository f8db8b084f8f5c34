/** saveBatch (`questions.ts`): questions and progress in one transaction, nothing for a job that moved on, idempotent, bounded. */
import { newJobFields } from "../lib/jobs";
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import {
  DUPLICATE_BAND_COUNT,
  DUPLICATE_BAND_READ_LIMIT,
  DUPLICATE_SIGNATURE_VERSION,
  duplicateBandKeys,
} from "../lib/questionDuplicates";
import { generateCollection } from "../tests/support/questionCollection";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { searchFields } from "./lib/searchFields";
import { asUser, initConvexTest, modules, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";
import { convexTest } from "convex-test";
import schema from "./schema";
import { makeQuestion, makeQuestions } from "../tests/support/scriptedModels";
import type { GatedQuestion } from "../lib/validators";

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

const batch = (jobId: Id<"generationJobs">, questions: GatedQuestion[] = makeQuestions(2), batchStart = 0) => ({
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
    expect(result).toEqual({ accepted: true, status: "processing", saved: 2, questionsSaved: 2, refused: [] });
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
        signatureVersion: DUPLICATE_SIGNATURE_VERSION,
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
    expect(result).toEqual({ accepted: true, status: "completed", saved: 2, questionsSaved: 2, refused: [] });
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
        refused: [],
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
      refused: [],
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

describe("saveBatch: the quality gate's duplicate check", () => {
  const mc = (question: string, correctAnswer: string, options: string[]) => ({
    question,
    type: "multiple-choice" as const,
    options: [correctAnswer, ...options],
    correctAnswer,
    explanation: `${correctAnswer} is the answer.`,
    difficulty: "easy" as const,
  });
  const france = mc("What is the capital of France?", "Paris", ["Lyon", "Nice", "Lille"]);
  const jupiter = mc("What is the largest planet in the Solar System?", "Jupiter", ["Saturn", "Mars", "Venus"]);
  const signatureRows = (t: TestConvex) =>
    t.run(async (ctx) => (await ctx.db.query("questionSignatures").collect()).length);

  test("refuses, by index and with a reason naming it, a question that asks what one the learner owns asks, in this batch too", async () => {
    const t = initConvexTest();
    const earlier = await insertJob(t);
    await t.mutation(internal.batches.saveBatch, batch(earlier, [france]));
    const jobId = await insertJob(t);
    const vague = { ...makeQuestion(0), question: "Which option is generally the right one?" };
    const result = await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId, [
        mc("Which city is France's capital?", "Paris", ["Bordeaux", "Toulouse", "Nantes"]),
        jupiter,
        mc("Which planet is the biggest in our solar system?", "Jupiter", ["Neptune", "Uranus", "Mars"]),
        { ...vague, flaws: [{ code: "VAGUE_TERMS", reason: "It rests on a vague word." }] },
      ]),
    });
    expect(result).toMatchObject({ accepted: true, saved: 2, questionsSaved: 2 });
    expect(result.refused).toEqual([
      {
        index: 0,
        flaws: [
          { code: "DUPLICATE_QUESTION", reason: `You already have a question that asks this: "${france.question}"` },
        ],
      },
      {
        index: 2,
        flaws: [
          { code: "DUPLICATE_QUESTION", reason: `You already have a question that asks this: "${jupiter.question}"` },
        ],
      },
    ]);
    const saved = await t.run((ctx) => ctx.db.query("questions").collect());
    expect(saved.map((q) => q.question)).toEqual([france.question, jupiter.question, vague.question]);
    // A mild flaw is saved as the question's mark ("Needs a look"), and counted on the job.
    expect(saved[2]).toMatchObject({ needsLook: true, flaws: [{ code: "VAGUE_TERMS" }] });
    expect(saved[1]).not.toHaveProperty("needsLook");
    expect((await getJob(t, jobId))!.qualityGate).toEqual({ rewritten: 0, dropped: 0, marked: 1, notes: [] });
    expect(await signatureRows(t)).toBe(3 * DUPLICATE_BAND_COUNT);
    // Another learner's collection is not this one's.
    const bobs = await insertJob(t, { userId: tokenIdentifier("bob") });
    expect(
      await t.mutation(internal.batches.saveBatch, { ...batch(bobs, [france]), userId: tokenIdentifier("bob") }),
    ).toMatchObject({ saved: 1, refused: [] });
  });

  test("a last batch with `unlessRefused` waits for the rewrite; the gate report counts what the rewrite replaced", async () => {
    const t = initConvexTest();
    const earlier = await insertJob(t);
    await t.mutation(internal.batches.saveBatch, batch(earlier, [france]));
    const jobId = await insertJob(t, { startedAt: NOW - 1000 });
    const usage = { inputTokens: 100, outputTokens: 200, estimated: false };
    const duplicate = mc("Which city is France's capital?", "Paris", ["Bordeaux", "Toulouse", "Nantes"]);
    const first = await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId, [jupiter, duplicate]),
      finish: { usage, unlessRefused: true },
    });
    expect(first).toMatchObject({ accepted: true, status: "processing", saved: 1, refused: [{ index: 1 }] });

    const allOrNone = [{ code: "ALL_OR_NONE_OF_THE_ABOVE" as const, reason: "It offers all of the above." }];
    const refusedFlaws = first.refused[0]!.flaws;
    const second = await t.mutation(internal.batches.saveBatch, {
      ...batch(jobId, [makeQuestion(4), duplicate], 1),
      finish: { usage },
      gate: {
        rejected: [
          { question: "Which option is right?", flaws: allOrNone, replacement: 0 },
          { question: duplicate.question, flaws: refusedFlaws, replacement: 1 }, // refused again: dropped
          { question: "A third one", flaws: allOrNone }, // no replacement: dropped
        ],
      },
    });
    expect(second).toMatchObject({ status: "completed", saved: 1, questionsSaved: 2, refused: [{ index: 1 }] });
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      inputTokens: 100,
      qualityGate: {
        rewritten: 1,
        dropped: 2,
        marked: 0,
        notes: [
          {
            question: "Which option is right?",
            flaws: allOrNone,
            outcome: "rewritten",
            replacement: makeQuestion(4).question,
          },
          { question: duplicate.question, flaws: refusedFlaws, outcome: "dropped" },
          { question: "A third one", flaws: allOrNone, outcome: "dropped" },
        ],
      },
    });
  });

  test(`a job keeps the last ${JOB_CONFIG.MAX_GATE_NOTES} notes, and counts them all`, async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t);
    const flaws = [{ code: "LONGEST_ANSWER" as const, reason: "The answer is longest." }];
    const rejected = Array.from({ length: JOB_CONFIG.MAX_GATE_NOTES + 5 }, (_, i) => ({ question: `Q${i}`, flaws }));
    await t.mutation(internal.batches.saveBatch, { ...batch(jobId, []), gate: { rejected } });
    const gate = (await getJob(t, jobId))!.qualityGate!;
    expect(gate).toMatchObject({ rewritten: 0, dropped: JOB_CONFIG.MAX_GATE_NOTES + 5 });
    expect(gate.notes.map((note) => note.question)).toEqual(rejected.slice(5).map((r) => r.question));
  });

  test("a learner with 10,000 questions: a paraphrase of one of them is found through the index", async () => {
    const t = initConvexTest();
    const collection = generateCollection(10_000, 1);
    const CHUNK = 900; // questions seeded per transaction, with their 16 signature rows each
    for (let start = 0; start < collection.length; start += CHUNK) {
      await t.run(async (ctx) => {
        for (const { question } of collection.slice(start, start + CHUNK)) {
          const { id: _id, ...fields } = question;
          const questionId = await ctx.db.insert("questions", {
            ...fields,
            difficulty: "medium",
            userId: ALICE,
            topic: "Everything",
            createdAt: NOW,
            card: newCard(NOW),
            signatureVersion: DUPLICATE_SIGNATURE_VERSION,
          });
          for (const bandKey of duplicateBandKeys(fields))
            await ctx.db.insert("questionSignatures", { userId: ALICE, questionId, bandKey });
        }
      });
    }
    const jobId = await insertJob(t);
    // One question: convex-test scans a whole table for every indexed read (a deployment reads the index range).
    const { id: _id, ...paraphrase } = collection[7_777]!.paraphrase("p");
    const result = await t.mutation(
      internal.batches.saveBatch,
      batch(jobId, [{ ...paraphrase, difficulty: "medium" }]),
    );
    expect(result).toMatchObject({ saved: 0, refused: [{ index: 0, flaws: [{ code: "DUPLICATE_QUESTION" }] }] });
    expect(result.refused[0]!.flaws[0]!.reason).toContain(collection[7_777]!.question.question);
  }, 120_000);

  test(`a lookup costs at most 1/${JOB_CONFIG.MAX_QUESTIONS} of a transaction's limits, every band key crowded`, async () => {
    // Convex's limits, shared out per question of the largest batch (`MAX_QUESTIONS`): a batch of QUESTIONS
    // crowded questions must fit in QUESTIONS such shares, so one of MAX_QUESTIONS fits in the real limits.
    const QUESTIONS = 3;
    const share = (limit: number) => Math.floor((limit / JOB_CONFIG.MAX_QUESTIONS) * QUESTIONS);
    const t = convexTest({
      schema,
      modules,
      transactionLimits: { databaseQueries: share(4096), documentsRead: share(32_000) },
    });
    const probes = makeQuestions(QUESTIONS, 1000);
    // Under every band key of every probe, more owned questions than a lookup reads, other ones under each
    // key: a lookup reads DUPLICATE_BAND_READ_LIMIT rows a key, and finds more candidates than it may judge.
    await t.run(async (ctx) => {
      const owned = [];
      for (const question of makeQuestions(DUPLICATE_BAND_COUNT * DUPLICATE_BAND_READ_LIMIT, 5000))
        owned.push(
          await ctx.db.insert("questions", {
            ...question,
            userId: ALICE,
            topic: "Crowd",
            createdAt: NOW,
            card: newCard(NOW),
          }),
        );
      for (const probe of probes)
        for (const [band, bandKey] of duplicateBandKeys(probe).entries())
          for (let row = 0; row <= DUPLICATE_BAND_READ_LIMIT; row++)
            await ctx.db.insert("questionSignatures", {
              userId: ALICE,
              questionId: owned[(band * DUPLICATE_BAND_READ_LIMIT + row) % owned.length]!,
              bandKey,
            });
    });
    const jobId = await t.run((ctx) =>
      ctx.db.insert("generationJobs", {
        ...newJobFields(ALICE, "p", NOW),
        status: "processing",
        phase: "generating",
        topic: "Topic",
      }),
    );
    const result = await t.mutation(internal.batches.saveBatch, batch(jobId, probes));
    expect(result).toMatchObject({ saved: QUESTIONS, refused: [] });
  });
});
