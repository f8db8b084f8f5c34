/** Topics matched case-insensitively (`batches.saveBatch`) and merged (`migrations.mergeTopics`), in bounded steps. */
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { makeQuestion } from "../tests/support/scriptedModels";
import { api, internal } from "./_generated/api";
import { newJobFields } from "../lib/jobs";
import { DUPLICATE_BAND_COUNT, DUPLICATE_SIGNATURE_VERSION } from "../lib/questionDuplicates";
import { LEGACY_PLANNING_PHASE } from "../lib/validators";
import {
  allJobs,
  asUser,
  getJob,
  initConvexTest,
  insertJob,
  NOW,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";
import { SEARCH_FIELDS_VERSION, searchFields } from "./lib/searchFields";

const ALICE = tokenIdentifier("alice");
const NOTHING_PENDING = {
  mergeTopics: false,
  renamePlanningPhase: false,
  backfillQuestionSignatures: false,
  backfillSearchFields: false,
};

useFakeClock();

const topicsOf = async (t: TestConvex, name = "alice") =>
  (await asUser(t, name).query(api.myQuestions.listMyTopics, {})).map((topic) => topic.name);

/** A job of alice's whose plan names `topic`, with `count` questions saved (numbered from `from`). */
async function savedJob(t: TestConvex, topic: string, count = 2, from = 0) {
  const jobId = await insertJob(t, { userId: ALICE, status: "processing", phase: "planning" });
  await t.mutation(internal.batches.saveBatch, {
    jobId,
    userId: ALICE,
    questions: Array.from({ length: count }, (_, i) => makeQuestion(from + i, { question: `${topic} ${from + i}` })),
    batchStart: 0,
    plan: { topic, estimatedTotal: count },
    questionsGenerated: count,
  });
  return jobId;
}

/** Topic rows and questions as they were before topics had keys (with today's search fields, and their signatures:
 * `backfillQuestionSignatures` has its own test). */
async function legacyTopic(t: TestConvex, name: string, questions: number, lastUsedAt = NOW) {
  await t.run(async (ctx) => {
    await ctx.db.insert("topics", { userId: ALICE, name, lastUsedAt });
    for (let i = 0; i < questions; i++)
      await ctx.db.insert("questions", {
        ...makeQuestion(i),
        ...searchFields(makeQuestion(i)),
        userId: ALICE,
        topic: name,
        createdAt: NOW + i,
        card: newCard(NOW),
        signatureVersion: DUPLICATE_SIGNATURE_VERSION,
      });
  });
}

describe("topics", () => {
  test("a new job's topic joins the user's topic of the same name, case aside; other users' stay apart", async () => {
    const t = initConvexTest();
    await savedJob(t, "NATO alphabet");
    const second = await savedJob(t, "nato ALPHABET", 2, 2);
    expect(await topicsOf(t)).toEqual(["NATO alphabet"]);
    expect((await t.run((ctx) => ctx.db.get("generationJobs", second)))!.topic).toBe("NATO alphabet");
    const page = await asUser(t, "alice").query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: 10, cursor: null },
      topic: "NATO alphabet",
    });
    expect(page.page).toHaveLength(4);
  });

  test("mergeTopics: one topic per key, under the normalised name, questions moved, in bounded steps", async () => {
    const t = initConvexTest();
    const many = JOB_CONFIG.BULK_BATCH_SIZE + 20;
    await legacyTopic(t, "40 questions on the NATO alphabet", many, NOW - 1000);
    await legacyTopic(t, "The NATO alphabet", 3, NOW);
    await legacyTopic(t, "Castles", 2);
    const first = await t.mutation(internal.migrations.mergeTopics, {});
    expect(first).toEqual({ renamedQuestions: JOB_CONFIG.BULK_BATCH_SIZE, mergedTopics: 0, done: false });
    await t.finishAllScheduledFunctions(vi.runAllTimers);

    expect((await topicsOf(t)).sort()).toEqual(["Castles", "NATO alphabet"]);
    const nato = await asUser(t, "alice").query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: 100, cursor: null },
      topic: "NATO alphabet",
    });
    expect(nato.page).toHaveLength(100);
    const byName = await t.run(async (ctx) => {
      const counts: Record<string, number> = {};
      for (const question of await ctx.db.query("questions").take(2000))
        counts[question.topic] = (counts[question.topic] ?? 0) + 1;
      return counts;
    });
    expect(byName).toEqual({ "NATO alphabet": many + 3, Castles: 2 });
    const rows = await t.run((ctx) => ctx.db.query("topics").collect());
    expect(rows.find((row) => row.name === "NATO alphabet")).toMatchObject({ key: "nato alphabet", lastUsedAt: NOW });

    // Again: nothing left to do.
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual(NOTHING_PENDING);
    expect(await t.mutation(internal.migrations.mergeTopics, {})).toEqual({
      renamedQuestions: 0,
      mergedTopics: 0,
      done: true,
    });
  });

  test("startPendingMigrations (hourly cron): starts the merge while a topic without a key is left, then does nothing", async () => {
    const t = initConvexTest();
    await legacyTopic(t, "The Castles", 2);
    await savedJob(t, "Roman roads");
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual({
      ...NOTHING_PENDING,
      mergeTopics: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await topicsOf(t)).sort()).toEqual(["Castles", "Roman roads"]);
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual(NOTHING_PENDING);
  });
});

describe("renamePlanningPhase", () => {
  test("gives every job stored with the old phase name the new one, drops the fields no longer kept, in bounded steps", async () => {
    const t = initConvexTest();
    const legacy = 230; // more than one step
    await t.run(async (ctx) => {
      for (let i = 0; i < legacy; i++) {
        await ctx.db.insert("generationJobs", {
          ...newJobFields(ALICE, `Topic ${i}`, NOW + i),
          status: i % 2 ? "failed" : "paused",
          phase: LEGACY_PLANNING_PHASE,
          questionIds: [],
          ipAddress: "10.0.0.1",
        });
      }
    });
    const current = await insertJob(t, { userId: ALICE, status: "processing", phase: "generating" });
    const before = await getJob(t, current);
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual({
      ...NOTHING_PENDING,
      renamePlanningPhase: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const jobs = await allJobs(t);
    expect(jobs).toHaveLength(legacy + 1);
    expect(jobs.filter((job) => job.phase === LEGACY_PLANNING_PHASE)).toEqual([]);
    expect(jobs.filter((job) => job.questionIds !== undefined || job.ipAddress !== undefined)).toEqual([]);
    expect(await getJob(t, current)).toEqual(before);
    // The job page and the lists show the new name.
    const [shown] = await asUser(t, "alice").query(api.generationJobs.getRecentJobs, { status: "paused", limit: 1 });
    expect(shown!.phase).toBe("planning");
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual(NOTHING_PENDING);
  });

  test("a job not yet migrated is shown with the new name", async () => {
    const t = initConvexTest();
    const jobId = await t.run((ctx) =>
      ctx.db.insert("generationJobs", {
        ...newJobFields(ALICE, "Old job", NOW),
        status: "failed",
        phase: LEGACY_PLANNING_PHASE,
      }),
    );
    expect(await asUser(t, "alice").query(api.generationJobs.getJobById, { jobId })).toMatchObject({
      phase: "planning",
    });
  });
});

describe("backfillQuestionSignatures", () => {
  test("gives questions saved before the duplicate index their signatures, in bounded steps; then duplicates of them are refused", async () => {
    const t = initConvexTest();
    const legacy = JOB_CONFIG.SIGNATURE_BATCH_SIZE + 30; // more than one step
    const deletedId = await t.run(async (ctx) => {
      for (let i = 0; i < legacy; i++)
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          ...searchFields(makeQuestion(i)),
          userId: ALICE,
          topic: "Old",
          createdAt: NOW,
          card: newCard(NOW),
        });
      return await ctx.db.insert("questions", {
        ...makeQuestion(legacy),
        ...searchFields(makeQuestion(legacy)),
        userId: ALICE,
        topic: "Old",
        createdAt: NOW,
        card: newCard(NOW),
        deletedAt: NOW,
      });
    });
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual({
      ...NOTHING_PENDING,
      backfillQuestionSignatures: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const { rows, stamped, deletedRows } = await t.run(async (ctx) => ({
      rows: (await ctx.db.query("questionSignatures").collect()).length,
      stamped: (await ctx.db.query("questions").collect()).every(
        (q) => q.signatureVersion === DUPLICATE_SIGNATURE_VERSION,
      ),
      deletedRows: (
        await ctx.db
          .query("questionSignatures")
          .withIndex("by_question", (q) => q.eq("questionId", deletedId))
          .collect()
      ).length,
    }));
    expect(rows).toBe(legacy * DUPLICATE_BAND_COUNT);
    expect(stamped).toBe(true);
    expect(deletedRows).toBe(0); // a deleted question gets its rows back when restored
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual(NOTHING_PENDING);

    // A new job's paraphrase of an old question is now refused as a duplicate.
    const jobId = await insertJob(t, { userId: ALICE, status: "processing", phase: "generating", topic: "Old" });
    const result = await t.mutation(internal.batches.saveBatch, {
      jobId,
      userId: ALICE,
      questions: [{ ...makeQuestion(4), question: "scripted QUESTION 4 - which option is the right one" }],
      batchStart: 0,
      questionsGenerated: 1,
    });
    expect(result).toMatchObject({ saved: 0, refused: [{ index: 0, flaws: [{ code: "DUPLICATE_QUESTION" }] }] });
  });
});

describe("backfillSearchFields", () => {
  test("questions from before search get their fields in bounded steps, then are found; then nothing is pending", async () => {
    const t = initConvexTest();
    const COUNT = JOB_CONFIG.BULK_BATCH_SIZE + 20;
    await t.run(async (ctx) => {
      for (let i = 0; i < COUNT; i++)
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          userId: ALICE,
          topic: "Volcanoes",
          createdAt: NOW + i,
          card: newCard(NOW),
          signatureVersion: DUPLICATE_SIGNATURE_VERSION, // unsigned questions have their own test
        });
    });
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual({
      ...NOTHING_PENDING,
      backfillSearchFields: true,
    });
    expect(await t.mutation(internal.migrations.backfillSearchFields, {})).toEqual({
      updated: JOB_CONFIG.BULK_BATCH_SIZE,
      done: false,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const fields = await t.run(async (ctx) =>
      (await ctx.db.query("questions").collect()).map((q) => [q.searchVersion, q.textKey, q.searchText]),
    );
    expect(fields).toHaveLength(COUNT);
    expect(fields[0]).toEqual([
      SEARCH_FIELDS_VERSION,
      expect.any(String),
      expect.stringContaining("scripted question"),
    ]);
    expect(fields.every(([version]) => version === SEARCH_FIELDS_VERSION)).toBe(true);
    const found = await asUser(t, "alice").query(api.myQuestions.searchMyQuestions, { search: "odd" });
    expect(found.questions.length).toBeGreaterThan(0);
    expect(await t.mutation(internal.migrations.startPendingMigrations, {})).toEqual(NOTHING_PENDING);
  });
});
