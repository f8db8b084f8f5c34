/** Renaming and merging topics (`topics.ts`): owner only, names checked, questions and jobs follow in bounded steps. */
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { topicKey } from "../lib/topics";
import { makeQuestion } from "../tests/support/scriptedModels";
import { api, internal } from "./_generated/api";
import {
  asUser,
  errorOf,
  getJob,
  initConvexTest,
  NOW,
  seedQuestions,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";

const ALICE = tokenIdentifier("alice");

useFakeClock();

const topicRows = (t: TestConvex) =>
  t.run(async (ctx) =>
    (
      await ctx.db
        .query("topics")
        .withIndex("by_user_name", (q) => q.eq("userId", ALICE))
        .collect()
    ).map(({ name, key }) => ({ name, key })),
  );
const topicsOfQuestions = (t: TestConvex) =>
  t.run(async (ctx) => {
    const all = await ctx.db
      .query("questions")
      .withIndex("by_user_created", (q) => q.eq("userId", ALICE))
      .collect();
    const counts: Record<string, number> = {};
    for (const q of all) counts[q.topic] = (counts[q.topic] ?? 0) + 1;
    return counts;
  });

describe("renameTopic", () => {
  test("renames the row (its key too), its questions, deleted ones included, and its jobs; a running job saves under the new name", async () => {
    const t = initConvexTest();
    const job = await seedQuestions(t, 3, "Nato alphabet");
    const alice = asUser(t, "alice");
    const [first] = (
      await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: { numItems: 1, cursor: null } })
    ).page;
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [first!._id] } });

    expect(
      await alice.mutation(api.topics.renameTopic, { topic: "Nato alphabet", name: " NATO  phonetic alphabet " }),
    ).toEqual({
      name: "NATO phonetic alphabet",
      continuing: false,
    });
    expect(await topicRows(t)).toEqual([{ name: "NATO phonetic alphabet", key: topicKey("NATO phonetic alphabet") }]);
    expect(await topicsOfQuestions(t)).toEqual({ "NATO phonetic alphabet": 3 });
    expect(await getJob(t, job)).toMatchObject({ topic: "NATO phonetic alphabet" });
    // The job, still running, saves its next question under the new name, and no old topic comes back.
    const current = (await getJob(t, job))!;
    await t.mutation(internal.batches.saveBatch, {
      jobId: job,
      userId: ALICE,
      questions: [makeQuestion(7)],
      batchStart: current.questionsSaved,
      questionsGenerated: current.questionsSaved + 1,
    });
    expect(await topicsOfQuestions(t)).toEqual({ "NATO phonetic alphabet": 4 });
    expect((await topicRows(t)).map((row) => row.name)).toEqual(["NATO phonetic alphabet"]);
    // Only the case changes: allowed (same key).
    await alice.mutation(api.topics.renameTopic, { topic: "NATO phonetic alphabet", name: "nato phonetic alphabet" });
    expect(await topicsOfQuestions(t)).toEqual({ "nato phonetic alphabet": 4 });
  });

  test("refuses an empty or too long name, another topic's name, and a topic that isn't the caller's", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1, "Rivers");
    await seedQuestions(t, 1, "Lakes");
    const alice = asUser(t, "alice");
    const rename = (name: string, topic = "Rivers") => errorOf(alice.mutation(api.topics.renameTopic, { topic, name }));
    expect(await rename("  ")).toEqual({ code: "INVALID_ARGUMENT", message: "Give the topic a name." });
    expect(await rename("x".repeat(61))).toMatchObject({ message: "A topic name can be at most 60 characters." });
    expect(await rename("the lakes")).toEqual({
      code: "INVALID_ARGUMENT",
      message: "You already have a topic called “Lakes”: merge into it instead.",
    });
    expect(await rename("Seas", "Oceans")).toEqual({
      code: "NOT_FOUND",
      message: "You have no topic called “Oceans”.",
    });
    expect(
      await errorOf(asUser(t, "bob").mutation(api.topics.renameTopic, { topic: "Rivers", name: "Mine" })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await topicsOfQuestions(t)).toEqual({ Rivers: 1, Lakes: 1 });
  });
});

describe("mergeTopic", () => {
  test("moves a large topic's questions into another in BULK_BATCH_SIZE steps and removes it", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2, "Lakes");
    await t.run(async (ctx) => {
      await ctx.db.insert("topics", { userId: ALICE, name: "Big lakes", lastUsedAt: NOW + 99_000, key: "big lakes" });
      for (let i = 0; i < JOB_CONFIG.BULK_BATCH_SIZE + 30; i++)
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          userId: ALICE,
          topic: "Big lakes",
          createdAt: NOW + i,
          card: newCard(NOW),
        });
    });
    const alice = asUser(t, "alice");
    expect(await alice.mutation(api.topics.mergeTopic, { topic: "Big lakes", into: "Lakes" })).toEqual({
      name: "Lakes",
      continuing: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await topicsOfQuestions(t)).toEqual({ Lakes: JOB_CONFIG.BULK_BATCH_SIZE + 32 });
    expect(await alice.query(api.myQuestions.listMyTopics, {})).toEqual([{ name: "Lakes", lastUsedAt: NOW + 99_000 }]);
  });

  test("refuses a topic into itself, and topics that aren't the caller's", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1, "Lakes");
    const alice = asUser(t, "alice");
    expect(await errorOf(alice.mutation(api.topics.mergeTopic, { topic: "Lakes", into: "Lakes" }))).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Choose another topic to merge into.",
    });
    expect(await errorOf(alice.mutation(api.topics.mergeTopic, { topic: "Lakes", into: "Seas" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    await asUser(t, "bob").mutation(api.addQuestions.createQuestion, { question: makeQuestion(5), topic: "Seas" });
    expect(
      await errorOf(asUser(t, "bob").mutation(api.topics.mergeTopic, { topic: "Seas", into: "Lakes" })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await topicsOfQuestions(t)).toEqual({ Lakes: 1 });
  });
});
