/**
 * Every public function checks who is calling. Each one is called as nobody
 * (signed out) and as bob on alice's data: mutations refuse with a clear
 * error, queries return nothing, and no document changes. A guard fails when
 * a public function is added without being listed here.
 */
import { getFunctionName, type FunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { api } from "./_generated/api";
import { asUser, initConvexTest, modules, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";
import { makeQuestion } from "../tests/support/scriptedModels";
import { searchFields } from "./lib/searchFields";
import { sourceContentHash } from "../lib/sources";

/** Alice's stored notes (a ready source); bob begins a source with the same text in the matrix. */
const ALICE_NOTES = "Alice's secret notes. ".repeat(20).trim();

useFakeClock();

/** Alice's data: an active job, a failed retryable job, a question, a topic. */
async function seedAlice(t: TestConvex) {
  const alice = tokenIdentifier("alice");
  return await t.run(async (ctx) => {
    const job = {
      userId: alice,
      kind: "questions" as const,
      prompt: "Alice's secret topic",
      phase: "generating" as const,
      questionsGenerated: 1,
      questionsSaved: 1,
      createdAt: NOW,
      lastProgressAt: NOW,
      attempts: 1,
      topic: "Secrets",
    };
    const activeJob = await ctx.db.insert("generationJobs", { ...job, status: "processing" });
    const failedJob = await ctx.db.insert("generationJobs", {
      ...job,
      status: "failed",
      errorCode: "NETWORK",
      retryable: true,
    });
    const questionId = await ctx.db.insert("questions", {
      ...makeQuestion(0),
      ...searchFields(makeQuestion(0)),
      userId: alice,
      topic: "Secrets",
      generationJobId: activeJob,
      createdAt: NOW,
      card: newCard(NOW),
    });
    await ctx.db.insert("topics", { userId: alice, name: "Secrets", lastUsedAt: NOW });
    const reviewId = await ctx.db.insert("reviewLog", {
      userId: alice,
      questionId,
      reviewedAt: NOW,
      day: "2026-11-23",
      rating: "good",
      correct: true,
      wasNew: true,
      cardBefore: newCard(NOW),
    });
    await ctx.db.insert("reviewDays", { userId: alice, day: "2026-11-23", reviews: 1, correct: 1, newCards: 1 });
    await ctx.db.insert("userSettings", { userId: alice, newCardsPerDay: 7 });
    const sourceId = await ctx.db.insert("sources", {
      userId: alice,
      name: "Secret notes",
      kind: "text",
      contentHash: sourceContentHash(ALICE_NOTES),
      charCount: ALICE_NOTES.length,
      chunkCount: 1,
      status: "ready",
      sectionCount: 1,
      createdAt: NOW,
      lastUsedAt: NOW,
    });
    await ctx.db.insert("sourceChunks", { sourceId, index: 0, text: ALICE_NOTES, start: 0 });
    await ctx.db.insert("sourceSections", { sourceId, index: 0, start: 0, end: ALICE_NOTES.length });
    return { activeJob, failedJob, questionId, reviewId, sourceId };
  });
}

type Seed = Awaited<ReturnType<typeof seedAlice>>;

const EMPTY_QUEUE = {
  question: null,
  dueCount: 0,
  dueCountIsCapped: false,
  nextDueAt: null,
  hasQuestions: false,
  newToday: 0,
  newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT,
  newHeldBack: false,
};
const EMPTY_FORECAST = { today: "2026-11-23", counts: new Array(JOB_CONFIG.FORECAST_DAYS).fill(0), capped: false };
type Caller = ReturnType<typeof asUser> | TestConvex;

/** How to call each public function, and what a caller with no right to alice's data gets. */
const MATRIX: Record<
  string,
  { call: (c: Caller, s: Seed) => Promise<unknown>; anonymous: unknown; otherUser: unknown }
> = {
  "generationJobs:createJob": {
    call: (c) => c.mutation(api.generationJobs.createJob, { prompt: "A new topic" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: expect.any(String), // bob's own new job; alice's data stays as it was
  },
  "generationJobs:createSourceJob": {
    call: (c, s) => c.mutation(api.generationJobs.createSourceJob, { sourceId: s.sourceId, questionCount: 5 }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" }, // alice's material is never read for bob
  },
  "generationJobs:getRecentJobs": {
    call: (c) => c.query(api.generationJobs.getRecentJobs, {}),
    anonymous: [],
    otherUser: [],
  },
  "generationJobs:getActiveJobs": {
    call: (c) => c.query(api.generationJobs.getActiveJobs, {}),
    anonymous: [],
    otherUser: [],
  },
  "generationJobs:getLiveJobs": {
    call: (c) => c.query(api.generationJobs.getLiveJobs, {}),
    anonymous: [],
    otherUser: [],
  },
  "generationQueue:getQueueStatus": {
    call: (c) => c.query(api.generationQueue.getQueueStatus, {}),
    anonymous: null,
    otherUser: { running: 0, maxParallel: JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS, jobs: [] },
  },
  "generationJobs:getJobById": {
    call: (c, s) => c.query(api.generationJobs.getJobById, { jobId: s.activeJob }),
    anonymous: null,
    otherUser: null,
  },
  "generationJobs:cancelJob": {
    call: (c, s) => c.mutation(api.generationJobs.cancelJob, { jobId: s.activeJob }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "generationJobs:retryJob": {
    call: (c, s) => c.mutation(api.generationJobs.retryJob, { jobId: s.failedJob }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "generationJobs:pauseJob": {
    call: (c, s) => c.mutation(api.generationJobs.pauseJob, { jobId: s.activeJob }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "generationJobs:resumeJob": {
    call: (c, s) => c.mutation(api.generationJobs.resumeJob, { jobId: s.failedJob }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "generationJobs:extendJob": {
    call: (c, s) => c.mutation(api.generationJobs.extendJob, { jobId: s.failedJob }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "admission:getStartAllowance": {
    call: (c) => c.query(api.admission.getStartAllowance, {}),
    anonymous: null,
    otherUser: {
      running: 0,
      maxRunning: JOB_CONFIG.MAX_CONCURRENT_PER_USER,
      rateLimitedUntil: null,
      tokensToday: {
        usedTokens: 0,
        reservedTokens: 0,
        budgetTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET,
        resetsAt: Date.UTC(2026, 10, 24),
      },
    },
  },
  // No data at all: the server-away banner's probe answers its argument to anyone.
  "health:ping": {
    call: (c) => c.query(api.health.ping, { at: 5 }),
    anonymous: 5,
    otherUser: 5,
  },
  "myQuestions:listMyQuestions": {
    call: async (c, s) =>
      (
        await c.query(api.myQuestions.listMyQuestions, {
          paginationOpts: { numItems: 10, cursor: null },
          jobId: s.activeJob,
        })
      ).page,
    anonymous: [],
    otherUser: [],
  },
  "myQuestions:listJobQuestions": {
    call: (c, s) => c.query(api.myQuestions.listJobQuestions, { jobId: s.activeJob }),
    anonymous: [],
    otherUser: [],
  },
  "myQuestions:listMyTopics": { call: (c) => c.query(api.myQuestions.listMyTopics, {}), anonymous: [], otherUser: [] },
  "myQuestions:searchMyQuestions": {
    call: (c) => c.query(api.myQuestions.searchMyQuestions, { search: "scripted option" }),
    anonymous: { questions: [], more: false },
    otherUser: { questions: [], more: false },
  },
  "addQuestions:createQuestion": {
    // Bob's own new question (alice's same text is no duplicate of his); alice's data stays as it was.
    call: (c) => c.mutation(api.addQuestions.createQuestion, { question: makeQuestion(0), topic: "Secrets" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: expect.any(String),
  },
  "addQuestions:previewImport": {
    call: (c) =>
      c.query(api.addQuestions.previewImport, { rows: [{ line: 2, question: makeQuestion(0) }], topic: "Secrets" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { imported: 1, duplicates: 0, duplicateLines: [], invalid: [], topics: ["Secrets"] },
  },
  "addQuestions:importQuestions": {
    call: (c) =>
      c.mutation(api.addQuestions.importQuestions, {
        rows: [{ line: 2, question: makeQuestion(0) }],
        topic: "Secrets",
      }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { imported: 1, duplicates: 0, duplicateLines: [], invalid: [], topics: ["Secrets"] },
  },
  "topics:renameTopic": {
    call: (c) => c.mutation(api.topics.renameTopic, { topic: "Secrets", name: "Not secret" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "topics:mergeTopic": {
    call: (c) => c.mutation(api.topics.mergeTopic, { topic: "Secrets", into: "Secrets" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "review:getReviewQueue": {
    call: (c) => c.query(api.review.getReviewQueue, { now: NOW }),
    anonymous: EMPTY_QUEUE,
    otherUser: EMPTY_QUEUE,
  },
  "review:undoLastReview": {
    call: (c, s) => c.mutation(api.review.undoLastReview, { reviewId: s.reviewId }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "settings:getSettings": {
    call: (c) => c.query(api.settings.getSettings, {}),
    anonymous: null,
    otherUser: { newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT },
  },
  "settings:updateSettings": {
    call: (c) => c.mutation(api.settings.updateSettings, { newCardsPerDay: 3 }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { newCardsPerDay: 3 }, // bob's own setting; alice's stays 7
  },
  "statistics:getReviewHistory": {
    call: (c) => c.query(api.statistics.getReviewHistory, { now: NOW }),
    anonymous: { today: "2026-11-23", days: [] },
    otherUser: { today: "2026-11-23", days: [] },
  },
  "statistics:getDueForecast": {
    call: (c) => c.query(api.statistics.getDueForecast, { now: NOW }),
    anonymous: EMPTY_FORECAST,
    otherUser: EMPTY_FORECAST,
  },
  "review:recordReview": {
    call: (c, s) => c.mutation(api.review.recordReview, { questionId: s.questionId, rating: "easy" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "review:getPracticeQuestions": {
    call: (c) => c.query(api.review.getPracticeQuestions, { now: NOW, topic: "Secrets" }),
    anonymous: [],
    otherUser: [],
  },
  "manageQuestions:editQuestion": {
    call: (c, s) =>
      c.mutation(api.manageQuestions.editQuestion, { questionId: s.questionId, question: makeQuestion(2) }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "manageQuestions:clearQuestionAdvice": {
    call: (c, s) => c.mutation(api.manageQuestions.clearQuestionAdvice, { questionId: s.questionId }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "manageQuestions:flagQuestion": {
    call: (c, s) => c.mutation(api.manageQuestions.flagQuestion, { questionId: s.questionId, reason: "wrong" }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "manageQuestions:deleteQuestions": {
    call: (c, s) =>
      c.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [s.questionId] } }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "manageQuestions:restoreQuestions": {
    call: (c, s) =>
      c.mutation(api.manageQuestions.restoreQuestions, {
        scope: { kind: "questions", ids: [s.questionId] },
        deletedAt: NOW,
      }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "manageQuestions:setQuestionsSuspended": {
    // A job's or a topic's scope reaches only the caller's own questions: bob's suspend changes none of alice's.
    call: (c, s) =>
      c.mutation(api.manageQuestions.setQuestionsSuspended, {
        scope: { kind: "job", jobId: s.activeJob },
        suspended: true,
      }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { changed: 0, continuing: false },
  },
  "sources:beginSource": {
    // Bob's own new upload, even of the same text: alice's source is never offered to him.
    call: (c) =>
      c.mutation(api.sources.beginSource, {
        name: "notes.txt",
        kind: "text",
        contentHash: sourceContentHash(ALICE_NOTES),
        charCount: ALICE_NOTES.length,
        chunkCount: 1,
      }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { sourceId: expect.any(String) as unknown, ready: false },
  },
  "sources:appendSourceChunks": {
    call: (c, s) => c.mutation(api.sources.appendSourceChunks, { sourceId: s.sourceId, firstIndex: 0, chunks: ["x"] }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "sources:finishSource": {
    call: (c, s) => c.mutation(api.sources.finishSource, { sourceId: s.sourceId }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  "sources:listMySources": { call: (c) => c.query(api.sources.listMySources, {}), anonymous: [], otherUser: [] },
  "sources:getSource": {
    call: (c, s) => c.query(api.sources.getSource, { sourceId: s.sourceId }),
    anonymous: null,
    otherUser: null,
  },
  "sources:deleteSource": {
    call: (c, s) => c.mutation(api.sources.deleteSource, { sourceId: s.sourceId }),
    anonymous: { code: "UNAUTHENTICATED" },
    otherUser: { code: "NOT_FOUND" },
  },
  // App configuration, no user data: the same answer for everyone by design (no model in tests).
  "generationJobs:getModelInfo": {
    call: (c) => c.query(api.generationJobs.getModelInfo, {}),
    anonymous: null,
    otherUser: null,
  },
};

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data;
    return data?.code ? { code: data.code } : { thrown: String(error) };
  }
}

/** Everything alice owns. */
const snapshot = (t: TestConvex) =>
  t.run(async (ctx) => {
    const alice = tokenIdentifier("alice");
    return {
      jobs: await ctx.db
        .query("generationJobs")
        .withIndex("by_user_created", (q) => q.eq("userId", alice))
        .collect(),
      questions: await ctx.db
        .query("questions")
        .withIndex("by_user_created", (q) => q.eq("userId", alice))
        .collect(),
      topics: await ctx.db
        .query("topics")
        .withIndex("by_user_name", (q) => q.eq("userId", alice))
        .collect(),
      reviews: await ctx.db
        .query("reviewLog")
        .withIndex("by_user_reviewed", (q) => q.eq("userId", alice))
        .collect(),
      reviewDays: await ctx.db
        .query("reviewDays")
        .withIndex("by_user_day", (q) => q.eq("userId", alice))
        .collect(),
      settings: await ctx.db
        .query("userSettings")
        .withIndex("by_user", (q) => q.eq("userId", alice))
        .collect(),
      sources: await ctx.db
        .query("sources")
        .withIndex("by_user_hash", (q) => q.eq("userId", alice))
        .collect(),
      sourceParts: await Promise.all(
        (
          await ctx.db
            .query("sources")
            .withIndex("by_user_hash", (q) => q.eq("userId", alice))
            .collect()
        ).map(async ({ _id }) => ({
          chunks: await ctx.db
            .query("sourceChunks")
            .withIndex("by_source_index", (q) => q.eq("sourceId", _id))
            .collect(),
          sections: await ctx.db
            .query("sourceSections")
            .withIndex("by_source_index", (q) => q.eq("sourceId", _id))
            .collect(),
        })),
      ),
    };
  });

describe.each(Object.entries(MATRIX))("%s", (_name, { call, anonymous, otherUser }) => {
  test("signed out: refused or empty, nothing changed", async () => {
    const t = initConvexTest();
    const seed = await seedAlice(t);
    const before = await snapshot(t);
    expect(await outcome(call(t, seed))).toEqual(anonymous);
    expect(await snapshot(t)).toEqual(before);
  });

  test("another user: refused or empty, alice's data unchanged", async () => {
    const t = initConvexTest();
    const seed = await seedAlice(t);
    const before = await snapshot(t);
    expect(await outcome(call(asUser(t, "bob"), seed))).toEqual(otherUser);
    expect(await snapshot(t)).toEqual(before);
  });
});

test("the matrix covers every public function of the app", async () => {
  const publicFunctions: string[] = [];
  for (const [path, load] of Object.entries(modules)) {
    if (/_generated|\/lib\/|test\.setup|\.config\.ts$|schema\.ts$/.test(path)) continue;
    const module = (await load()) as Record<string, { isPublic?: boolean }>;
    const moduleName = path.replace(/^\.\//, "").replace(/\.ts$/, "");
    for (const [exportName, value] of Object.entries(module)) {
      if (value?.isPublic) publicFunctions.push(`${moduleName}:${exportName}`);
    }
  }
  expect(publicFunctions.sort()).toEqual(Object.keys(MATRIX).sort());
  // And the matrix names match the api references it calls.
  expect(getFunctionName(api.generationJobs.createJob as FunctionReference<"mutation">)).toBe(
    "generationJobs:createJob",
  );
});

/** Arguments a client can get wrong get a coded error the UI can show, never Convex's raw validator error. */
describe("wrong arguments get a coded error", () => {
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return "no error";
    } catch (error) {
      return (error as { data?: { code?: string; message?: string } }).data ?? { thrown: String(error) };
    }
  };
  // The calls below bypass the generated types on purpose, as a hostile client would.
  type Loose<T extends "query" | "mutation"> = FunctionReference<T, "public", Record<string, unknown>, unknown>;
  const createJob = api.generationJobs.createJob as unknown as Loose<"mutation">;
  const getReviewQueue = api.review.getReviewQueue as unknown as Loose<"query">;
  const listMyQuestions = api.myQuestions.listMyQuestions as unknown as Loose<"query">;
  const recordReview = api.review.recordReview as unknown as Loose<"mutation">;

  test.each([
    ["a number", { prompt: 12345 }, "INVALID_PROMPT", "Invalid argument `prompt`: expected a string, got number."],
    ["missing", {}, "INVALID_PROMPT", "Missing argument `prompt`."],
    [
      "only zero-width characters",
      { prompt: "\u200B\u200B\u200B\u200B" },
      "INVALID_PROMPT",
      "Type what you want to learn about.",
    ],
    ["an unknown argument", { prompt: "Volcanoes", userId: "alice" }, "INVALID_ARGUMENT", "Unknown argument `userId`."],
    [
      "a key of the wrong type",
      { prompt: "Volcanoes", idempotencyKey: 7 },
      "INVALID_ARGUMENT",
      "Invalid argument `idempotencyKey`: expected a string, got number.",
    ],
  ])("createJob with a prompt that is %s", async (_what, args, code, message) => {
    const t = initConvexTest();
    expect(await codeOf(asUser(t, "alice").mutation(createJob, args))).toEqual({ code, message });
  });

  test.each([
    [
      "getReviewQueue, now = NaN",
      (c: Caller) => c.query(getReviewQueue, { now: NaN }),
      "Invalid argument `now`: expected a finite number.",
    ],
    [
      "getReviewQueue, now = Infinity",
      (c: Caller) => c.query(getReviewQueue, { now: Infinity }),
      "Invalid argument `now`: expected a finite number.",
    ],
    [
      "listMyQuestions, numItems = Infinity",
      (c: Caller) => c.query(listMyQuestions, { paginationOpts: { numItems: Infinity, cursor: null } }),
      "Invalid argument `paginationOpts.numItems`: expected a finite number.",
    ],
    [
      "recordReview, rating = great",
      (c: Caller) => c.mutation(recordReview, { questionId: "x", rating: "great" }),
      'Invalid argument `rating`: expected one of "again", "hard", "good", "easy", got "great".',
    ],
  ])("%s", async (_what, call, message) => {
    const t = initConvexTest();
    expect(await codeOf(call(asUser(t, "alice")))).toEqual({ code: "INVALID_ARGUMENT", message });
  });

  describe("a page cursor the list never gave out", () => {
    const cursors: [string, string][] = [
      ["garbage", "not a cursor"],
      ["1 MB", "x".repeat(1024 * 1024)],
      ["JSON of the wrong shape", '{"a":[1,2,3]}'],
      ["JSON keys of the wrong kind", '["{\\"$integer\\":\\"AQ==\\"}",7,null]'],
    ];
    const views: [string, Record<string, unknown>][] = [
      ["all questions", {}],
      ["a topic", { topic: "Secrets" }],
      ["a job", { jobId: "placeholder" }],
    ];
    test.each(
      views.flatMap(([view, filter]) => cursors.map(([what, cursor]) => [view, what, filter, cursor] as const)),
    )("listMyQuestions, %s, cursor %s: INVALID_ARGUMENT", async (_view, _what, filter, cursor) => {
      const t = initConvexTest();
      const { activeJob } = await seedAlice(t);
      const args = { ...filter, ...("jobId" in filter ? { jobId: activeJob } : {}) };
      expect(
        await codeOf(asUser(t, "alice").query(listMyQuestions, { ...args, paginationOpts: { numItems: 10, cursor } })),
      ).toEqual({
        code: "INVALID_ARGUMENT",
        message:
          "Invalid argument `paginationOpts.cursor`: not a cursor this list gave out; start again from the first page.",
      });
    });

    test("a cursor the list gave out still reads the next page", async () => {
      const t = initConvexTest();
      await t.run(async (ctx) => {
        for (let i = 0; i < 3; i++)
          await ctx.db.insert("questions", {
            ...makeQuestion(i),
            userId: tokenIdentifier("alice"),
            topic: "Paged",
            createdAt: NOW + i,
            card: newCard(NOW),
          });
      });
      const alice = asUser(t, "alice");
      const first = await alice.query(api.myQuestions.listMyQuestions, {
        paginationOpts: { numItems: 2, cursor: null },
      });
      const second = await alice.query(api.myQuestions.listMyQuestions, {
        paginationOpts: { numItems: 2, cursor: first.continueCursor },
      });
      expect([...first.page, ...second.page].map((q) => q.question)).toHaveLength(3);
      expect(second.isDone).toBe(true);
    });
  });

  test("a signed-out caller is told to sign in before anything about its arguments", async () => {
    const t = initConvexTest();
    expect(await codeOf(t.mutation(createJob, { prompt: 12345 }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
