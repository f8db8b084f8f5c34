/** My Questions (`myQuestions.ts`): the caller's questions only, newest first, by topic or job, a bounded page at a time. */
import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
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

describe("My Questions", () => {
  test("newest first, a page at a time, own questions only", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 5);
    await t.run((ctx) =>
      ctx.db.insert("questions", {
        ...makeQuestion(9),
        userId: tokenIdentifier("bob"),
        topic: "Topic",
        createdAt: Date.now() + 10_000,
        card: newCard(NOW),
      }),
    );
    const alice = asUser(t, "alice");
    const first = await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: { numItems: 3, cursor: null } });
    expect(first.page.map((q) => q.question)).toEqual(["Topic #4", "Topic #3", "Topic #2"]);
    expect(first.isDone).toBe(false);
    const second = await alice.query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: 3, cursor: first.continueCursor },
    });
    expect(second.page.map((q) => q.question)).toEqual(["Topic #1", "Topic #0"]);
    expect(second.isDone).toBe(true);
    expect(await t.query(api.myQuestions.listMyQuestions, { paginationOpts: { numItems: 3, cursor: null } })).toEqual({
      page: [],
      isDone: true,
      continueCursor: "",
    });
  });

  test("filters by topic and by job; a malformed or foreign job id gives nothing", async () => {
    const t = initConvexTest();
    const dnaJob = await seedQuestions(t, 2, "DNA");
    await seedQuestions(t, 3, "Castles");
    const alice = asUser(t, "alice");
    const page = { numItems: 10, cursor: null };
    expect(
      (await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: page, topic: "Castles" })).page,
    ).toHaveLength(3);
    const byJob = await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: page, jobId: dnaJob });
    expect(byJob.page.map((q) => q.question)).toEqual(["DNA #1", "DNA #0"]);
    expect(
      (await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: page, jobId: "nonsense" })).page,
    ).toEqual([]);
    expect(
      (await asUser(t, "bob").query(api.myQuestions.listMyQuestions, { paginationOpts: page, jobId: dnaJob })).page,
    ).toEqual([]);
    expect(await alice.query(api.myQuestions.listJobQuestions, { jobId: dnaJob })).toHaveLength(2);
    expect(await asUser(t, "bob").query(api.myQuestions.listJobQuestions, { jobId: dnaJob })).toEqual([]);
  });

  test("pages are capped at 100", async () => {
    const t = initConvexTest();
    const job = await insertAliceJob(t);
    await t.run(async (ctx) => {
      for (let i = 0; i < 120; i++) {
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          userId: ALICE,
          topic: "T",
          generationJobId: job,
          createdAt: NOW + i,
          card: newCard(NOW),
        });
      }
    });
    const page = await asUser(t, "alice").query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: 1000, cursor: null },
    });
    expect(page.page).toHaveLength(JOB_CONFIG.MAX_PAGE_SIZE);
  });

  test("export: 10,000 questions walked a page at a time, each page within a query's limits", async () => {
    const t = initConvexTest();
    const COUNT = 10_000;
    for (let start = 0; start < COUNT; start += 1000) {
      await t.run(async (ctx) => {
        for (let i = start; i < start + 1000; i++)
          await ctx.db.insert("questions", {
            ...makeQuestion(i),
            userId: ALICE,
            topic: i % 2 === 0 ? "Even" : "Odd",
            createdAt: NOW + i,
            card: newCard(NOW),
          });
      });
    }
    const alice = asUser(t, "alice");
    const walk = async (topic?: string) => {
      let cursor: string | null = null;
      let count = 0;
      for (;;) {
        const page: { page: unknown[]; isDone: boolean; continueCursor: string } = await alice.query(
          api.myQuestions.listMyQuestions,
          { paginationOpts: { numItems: JOB_CONFIG.MAX_PAGE_SIZE, cursor }, ...(topic ? { topic } : {}) },
        );
        expect(page.page.length).toBeLessThanOrEqual(JOB_CONFIG.MAX_PAGE_SIZE);
        count += page.page.length;
        if (page.isDone) return count;
        cursor = page.continueCursor;
      }
    };
    expect(await walk()).toBe(COUNT);
    expect(await walk("Odd")).toBe(COUNT / 2);
  }, 120_000);
});
