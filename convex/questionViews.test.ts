/** My Questions' views (`myQuestions.ts`, `lib/questionListing.ts`): filters, orders, search, and bulk actions on
 * every question of a view (`manageQuestions.ts`), owner-checked and within Convex's limits for 10,000 questions. */
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { QUESTION_SHOWS } from "../lib/validators";
import type { GeneratedQuestion, QuestionFilter, QuestionShow, QuestionSort } from "../lib/validators";
import { makeQuestion } from "../tests/support/scriptedModels";
import { api } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { searchFields } from "./lib/searchFields";
import { effectiveSort } from "../lib/questionFilters";
import { asUser, initConvexTest, insertJob, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";

const ALICE = tokenIdentifier("alice");
const MINUTE = 60_000;

useFakeClock();

type Seed = Partial<Doc<"questions">> & { question?: string };

/** Inserts alice's questions (with their search fields) as `fields` say, `perRun` per transaction. */
async function insert(t: TestConvex, seeds: Seed[], perRun = 1000): Promise<Id<"questions">[]> {
  const ids: Id<"questions">[] = [];
  for (let start = 0; start < seeds.length; start += perRun) {
    ids.push(
      ...(await t.run(async (ctx) => {
        const batch: Id<"questions">[] = [];
        for (let i = start; i < Math.min(seeds.length, start + perRun); i++) {
          const { question, explanation } = seeds[i]!;
          const base: GeneratedQuestion = makeQuestion(i, {
            ...(question !== undefined ? { question } : {}),
            ...(explanation !== undefined ? { explanation } : {}),
          });
          batch.push(
            await ctx.db.insert("questions", {
              ...base,
              ...searchFields(base),
              userId: ALICE,
              topic: "Topic",
              createdAt: NOW + i,
              card: newCard(NOW),
              ...seeds[i],
            }),
          );
        }
        return batch;
      })),
    );
  }
  return ids;
}

const due = (at: number) => ({ ...newCard(NOW), state: "review" as const, due: at });

async function list(
  t: TestConvex,
  view: QuestionFilter & { sort?: QuestionSort; now?: number },
  numItems = JOB_CONFIG.MAX_PAGE_SIZE,
) {
  const page = await asUser(t, "alice").query(api.myQuestions.listMyQuestions, {
    paginationOpts: { numItems, cursor: null },
    ...view,
  });
  return page.page.map((q) => q.question);
}

describe("views", () => {
  test("each filter shows its questions in each order it offers, across topics and in one", async () => {
    const t = initConvexTest();
    await insert(t, [
      { question: "a", topic: "Zoology", card: due(NOW + 3 * MINUTE) },
      { question: "b", topic: "Art", card: due(NOW - 2 * MINUTE) },
      { question: "c", topic: "Art", suspended: true, card: due(NOW - 5 * MINUTE) },
      { question: "d", topic: "Zoology", suspended: true, flag: { flaggedAt: NOW + 1 }, card: due(NOW - MINUTE) },
      { question: "e", topic: "Art", flag: { flaggedAt: NOW + 9 }, card: due(NOW - 9 * MINUTE) },
      { question: "f", topic: "Art", deletedAt: NOW, needsLook: true, card: due(NOW - 9 * MINUTE) },
      { question: "g", topic: "Zoology", needsLook: true, card: due(NOW + 4 * MINUTE) },
      { question: "h", topic: "Art", needsLook: true, card: due(NOW + 5 * MINUTE) },
    ]);
    expect(await list(t, {})).toEqual(["h", "g", "e", "d", "c", "b", "a"]);
    expect(await list(t, { sort: "oldest" })).toEqual(["a", "b", "c", "d", "e", "g", "h"]);
    expect(await list(t, { sort: "due" })).toEqual(["e", "c", "b", "d", "a", "g", "h"]);
    expect(await list(t, { sort: "topic" })).toEqual(["b", "c", "e", "h", "a", "d", "g"]);
    expect(await list(t, { show: "due", now: NOW })).toEqual(["e", "b"]);
    expect(await list(t, { show: "flagged" })).toEqual(["e", "d"]);
    expect(await list(t, { show: "flagged", sort: "oldest" })).toEqual(["d", "e"]);
    expect(await list(t, { show: "suspended" })).toEqual(["d", "c"]);
    expect(await list(t, { show: "needs-look" })).toEqual(["h", "g"]);
    expect(await list(t, { show: "needs-look", sort: "oldest" })).toEqual(["g", "h"]);
    // One topic: the same views, through their topic's indexes; "Topic A–Z" falls back to newest first.
    expect(await list(t, { topic: "Art", sort: "due" })).toEqual(["e", "c", "b", "h"]);
    expect(await list(t, { topic: "Art", sort: "topic" })).toEqual(["h", "e", "c", "b"]);
    expect(await list(t, { topic: "Art", show: "due", now: NOW })).toEqual(["e", "b"]);
    expect(await list(t, { topic: "Zoology", show: "flagged" })).toEqual(["d"]);
    expect(await list(t, { topic: "Art", show: "suspended", sort: "oldest" })).toEqual(["c"]);
    expect(await list(t, { topic: "Zoology", show: "needs-look" })).toEqual(["g"]);
  });

  test("a job's questions: every filter and order, in memory (a job holds at most MAX_QUESTIONS)", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { userId: ALICE, status: "completed" });
    await insert(t, [
      { question: "a", generationJobId: jobId, card: due(NOW + MINUTE) },
      { question: "b", generationJobId: jobId, suspended: true, flag: { flaggedAt: NOW } },
      { question: "c", generationJobId: jobId, card: due(NOW - MINUTE), needsLook: true },
      { question: "d", needsLook: true },
    ]);
    expect(await list(t, { jobId })).toEqual(["c", "b", "a"]);
    expect(await list(t, { jobId, sort: "oldest" })).toEqual(["a", "b", "c"]);
    expect(await list(t, { jobId, show: "due", now: NOW })).toEqual(["c"]);
    expect(await list(t, { jobId, show: "flagged" })).toEqual(["b"]);
    expect(await list(t, { jobId, show: "needs-look" })).toEqual(["c"]);
    expect(
      await asUser(t, "bob").query(api.myQuestions.listMyQuestions, {
        paginationOpts: { numItems: 10, cursor: null },
        jobId,
      }),
    ).toMatchObject({ page: [] });
  });
});

describe("search", () => {
  const search = (t: TestConvex, text: string, view: QuestionFilter & { now?: number } = {}) =>
    asUser(t, "alice").query(api.myQuestions.searchMyQuestions, { search: text, ...view });

  test("finds every word in the text, options or explanation (the last as typed so far), within the view", async () => {
    const t = initConvexTest();
    await insert(t, [
      { question: "What started the French Revolution?", topic: "History" },
      { question: "Who painted the Mona Lisa?", topic: "Art", explanation: "Leonardo, in Florence." },
      { question: "Which revolution came in 1917?", topic: "History", suspended: true },
      { question: "French cuisine: what is a roux?", topic: "Food", deletedAt: NOW },
    ]);
    const found = async (text: string, view: QuestionFilter = {}) =>
      (await search(t, text, view)).questions.map((q) => q.question);
    expect(await found("french revol")).toEqual(["What started the French Revolution?"]);
    expect(await found("REVOLUTION")).toHaveLength(2);
    expect(await found("florence")).toEqual(["Who painted the Mona Lisa?"]);
    expect(await found("false")).toEqual(["Who painted the Mona Lisa?"]); // an option (a true/false question)
    expect(await found("revolution", { show: "suspended" })).toEqual(["Which revolution came in 1917?"]);
    expect(await found("revolution", { show: "due" })).toEqual(["What started the French Revolution?"]);
    expect(await found("revolution", { topic: "Art" })).toEqual([]);
    expect(await found("roux")).toEqual([]);
    expect(await found("zebra")).toEqual([]);
    expect(await search(t, " ?! ")).toEqual({ questions: [], more: false });
    expect(
      (await asUser(t, "bob").query(api.myQuestions.searchMyQuestions, { search: "revolution" })).questions,
    ).toEqual([]);
  });

  test("an edit is searchable at once, under its new words only", async () => {
    const t = initConvexTest();
    const [id] = await insert(t, [{ question: "Old wording?" }]);
    await asUser(t, "alice").mutation(api.manageQuestions.editQuestion, {
      questionId: id!,
      question: { ...makeQuestion(0), question: "New wording about volcanoes?" },
    });
    expect((await search(t, "volcanoes")).questions).toHaveLength(1);
    expect((await search(t, "old wording")).questions).toHaveLength(0);
  });
});

describe("10,000 questions for one user", () => {
  test("every view, order, search and a bulk action on all of a view stay within a transaction's limits", async () => {
    const t = initConvexTest();
    const COUNT = 10_000;
    const seeds = Array.from({ length: COUNT }, (_, i) => ({
      question: `Question ${i} about ${i % 10 === 0 ? "volcanoes" : "rivers"}`,
      topic: `Topic ${i % 20}`,
      card: due(NOW + (i % 7) * MINUTE - 3 * MINUTE),
      ...(i % 5 === 0 ? { suspended: true as const } : {}),
      ...(i % 50 === 0 ? { flag: { flaggedAt: NOW + i } } : {}),
      ...(i % 40 === 3 ? { needsLook: true as const } : {}),
    }));
    await insert(t, seeds);
    const alice = asUser(t, "alice");

    // Each view's first page: full, every question of it, in its order.
    const keys: Record<QuestionSort, (q: Doc<"questions">) => number | string> = {
      newest: (q) => -(q.flag?.flaggedAt ?? q.createdAt),
      oldest: (q) => q.flag?.flaggedAt ?? q.createdAt,
      due: (q) => q.card.due,
      topic: (q) => q.topic,
    };
    for (const show of QUESTION_SHOWS)
      for (const sort of ["newest", "oldest", "due", "topic"] as QuestionSort[])
        for (const topic of [undefined, "Topic 10"]) {
          const view = { show, sort, topic };
          const used = effectiveSort(view, sort);
          const { page } = await alice.query(api.myQuestions.listMyQuestions, {
            paginationOpts: { numItems: JOB_CONFIG.MAX_PAGE_SIZE, cursor: null },
            ...view,
            now: NOW,
          });
          const expected = Math.min(
            JOB_CONFIG.MAX_PAGE_SIZE,
            seeds.filter((s) => (topic === undefined || s.topic === topic) && matches(s, show)).length,
          );
          expect(page.length, JSON.stringify(view)).toBe(expected);
          expect(page.every((q) => (topic === undefined || q.topic === topic) && matches(q, show))).toBe(true);
          const order = page.map((q) => keys[used](q));
          expect(order, JSON.stringify(view)).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        }

    const found = await alice.query(api.myQuestions.searchMyQuestions, { search: "volcanoes" });
    expect(found.questions).toHaveLength(JOB_CONFIG.MAX_SEARCH_RESULTS);
    expect(found.more).toBe(true);
    expect(found.questions.every((q) => q.question.endsWith("volcanoes"))).toBe(true);

    // Select all "due now" and suspend them: the first batch at once, the rest in scheduled steps.
    const first = await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "filter", filter: { show: "due" } },
      suspended: true,
    });
    expect(first).toEqual({ changed: JOB_CONFIG.BULK_BATCH_SIZE, continuing: true });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await list(t, { show: "due", now: NOW })).toEqual([]);
    const suspended = seeds.filter((s) => s.suspended || matches(s, "due")).length;
    expect(await countView(t, "suspended")).toBe(suspended);

    // Delete every flagged one, then undo: those, and only those, come back.
    const { deletedAt } = await alice.mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "filter", filter: { show: "flagged" } },
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await list(t, { show: "flagged" })).toEqual([]);
    expect(await countView(t, "all")).toBe(COUNT - COUNT / 50);
    expect(
      await alice.mutation(api.manageQuestions.restoreQuestions, {
        scope: { kind: "filter", filter: { show: "flagged" } },
        deletedAt,
      }),
    ).toMatchObject({ changed: COUNT / 50 }); // a full batch (`SIGNATURE_BATCH_SIZE`) looks for more in a step after
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await countView(t, "all")).toBe(COUNT);
  }, 240_000);
});

/** How a seed or a question fares in a view at `NOW`. */
function matches(
  q: { suspended?: true; flag?: unknown; needsLook?: true; card: { due: number } },
  show: QuestionShow,
): boolean {
  if (show === "due") return !q.suspended && q.card.due <= NOW;
  if (show === "flagged") return q.flag !== undefined;
  if (show === "suspended") return q.suspended === true;
  if (show === "needs-look") return q.needsLook === true;
  return true;
}

/** How many of alice's live questions a view holds (counted directly: walking pages is what the export tests do). */
async function countView(t: TestConvex, show: QuestionShow): Promise<number> {
  return await t.run(async (ctx) => {
    const live = await ctx.db
      .query("questions")
      .withIndex("by_user_live", (q) => q.eq("userId", ALICE).eq("deletedAt", undefined))
      .collect();
    return live.filter((q) => matches(q, show)).length;
  });
}

describe("bulk actions on a view", () => {
  test("reach only the caller's questions of that view", async () => {
    const t = initConvexTest();
    await insert(t, [{ question: "flagged", flag: { flaggedAt: NOW } }, { question: "plain" }]);
    const bob = asUser(t, "bob");
    expect(
      await bob.mutation(api.manageQuestions.deleteQuestions, {
        scope: { kind: "filter", filter: { show: "flagged" } },
      }),
    ).toMatchObject({ changed: 0, continuing: false });
    expect(await list(t, {})).toEqual(["plain", "flagged"]);
    await asUser(t, "alice").mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "filter", filter: { show: "flagged" } },
      suspended: true,
    });
    expect(await list(t, { show: "suspended" })).toEqual(["flagged"]);
  });
});
