/**
 * Starting a job over a source (`createSourceJob`): the plan of its sections, the limits, who may use which
 * source, and what one dispatch of the pool costs; My Questions filtered by source. Fake timers: scheduled actions stay queued
 * (`sourceJobs.integration.test.ts` runs them).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { SOURCE_CONFIG } from "../lib/constants/sources";
import { newCard } from "../lib/fsrs";
import { sectionSource, spreadQuestions } from "../lib/sections";
import { estimateStepTokens } from "../lib/sourcePlan";
import { normalizeSourceText, PAGE_BREAK, uploadSource } from "../lib/sources";
import type { SourceKind } from "../lib/validators";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { dispatchEstimate } from "./jobTransitions";
import { SOURCED_SYSTEM_PROMPT } from "./lib/ai/sourcePrompts";
import { searchFields } from "./lib/searchFields";
import {
  allJobs,
  asUser,
  errorOf,
  getJob,
  initConvexTest,
  NOW,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";
import { makeQuestion } from "../tests/support/scriptedModels";

useFakeClock();

const CHAPTER = normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown");

async function upload(t: TestConvex, text = CHAPTER, kind: SourceKind = "markdown", name = "photosynthesis.md") {
  const alice = asUser(t, "alice");
  const pageCount = kind === "pdf" ? text.split(PAGE_BREAK).length : undefined;
  const { sourceId } = await uploadSource(
    {
      begin: (args) => alice.mutation(api.sources.beginSource, args),
      append: (args) => alice.mutation(api.sources.appendSourceChunks, args),
      finish: (args) => alice.mutation(api.sources.finishSource, args),
    },
    { name, kind, text, ...(pageCount !== undefined ? { pageCount } : {}) },
  );
  return sourceId;
}

const create = (t: TestConvex, args: { sourceId: Id<"sources">; questionCount: number; prompt?: string }) =>
  asUser(t, "alice").mutation(api.generationJobs.createSourceJob, args);

describe("createSourceJob", () => {
  test("plans the questions over the sections in proportion to their length, keeping the total", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    const jobId = await create(t, { sourceId, questionCount: 17, prompt: "  Focus on the Calvin cycle " });
    const job = (await getJob(t, jobId))!;
    const sections = sectionSource(CHAPTER, "markdown");
    const counts = spreadQuestions(
      17,
      sections.map((s) => s.end - s.start),
    );
    expect(job.sourcePlan).toEqual({
      base: 0,
      step: 0,
      steps: sections.flatMap((s, i) =>
        counts[i]! > 0
          ? [{ section: i, questions: counts[i], chars: s.end - s.start, ...(s.heading ? { heading: s.heading } : {}) }]
          : [],
      ),
    });
    expect(job.sourcePlan!.steps.reduce((sum, s) => sum + s.questions, 0)).toBe(17);
    expect(job).toMatchObject({
      status: "pending",
      prompt: "Focus on the Calvin cycle",
      estimatedTotal: 17,
      source: { sourceId, name: "photosynthesis.md", step: 1, steps: job.sourcePlan!.steps.length },
    });
    // The source goes to the top of its owner's list ("more from this source").
    expect(await asUser(t, "alice").query(api.sources.listMySources, {})).toMatchObject([{ lastUsedAt: NOW }]);
  });

  test("a PDF's steps carry their pages, and the job shows the first one's", async () => {
    const t = initConvexTest();
    const pages = CHAPTER.split("\n\n## ").map((part, i) => (i === 0 ? part : `## ${part}`));
    const pdfText = normalizeSourceText(pages.join(PAGE_BREAK).replaceAll("#", ""), "pdf");
    const sourceId = await upload(t, pdfText, "pdf", "chapter.pdf");
    const job = (await getJob(t, await create(t, { sourceId, questionCount: 8 })))!;
    expect(job.sourcePlan!.steps.every((s) => s.pageStart !== undefined && s.pageEnd! >= s.pageStart)).toBe(true);
    expect(job.source).toMatchObject({ pageStart: job.sourcePlan!.steps[0]!.pageStart });
  });

  test("a long source: every step's call holds one section, within a model's context and an attempt's tokens", async () => {
    const t = initConvexTest();
    const paragraph =
      "The committee met again in the spring and reviewed the measurements taken over the winter months. ";
    const chapters = Array.from(
      { length: 40 },
      (_, i) => `# Chapter ${i + 1}\n\n${paragraph.repeat(Math.floor(SOURCE_CONFIG.MAX_SOURCE_CHARS / 40 / 110))}`,
    );
    const text = normalizeSourceText(chapters.join("\n\n"), "markdown");
    const sourceId = await upload(t, text, "markdown", "long.md");
    const job = (await getJob(t, await create(t, { sourceId, questionCount: JOB_CONFIG.MAX_QUESTIONS })))!;
    const plan = job.sourcePlan!;
    expect(text.length).toBeGreaterThan(SOURCE_CONFIG.MAX_SOURCE_CHARS * 0.85); // about 150 pages
    expect(plan.steps).toHaveLength(sectionSource(text, "markdown").length); // 50 questions: one or two per section
    for (const [step, s] of plan.steps.entries()) {
      expect(s.chars).toBeLessThanOrEqual(SOURCE_CONFIG.MAX_SECTION_CHARS);
      const tokens = estimateStepTokens({ ...job, sourcePlan: { ...plan, step } }, SOURCED_SYSTEM_PROMPT.length);
      expect(tokens).toBeLessThan(JOB_CONFIG.MAX_ATTEMPT_TOKENS / 3);
    }
    // What the pool charges a dispatch is one section's call, not the whole source.
    expect(dispatchEstimate(job)).toBe(estimateStepTokens({ ...job, sourcePlan: plan }, SOURCED_SYSTEM_PROMPT.length));
  });

  test.each([
    ["too few", JOB_CONFIG.MIN_QUESTIONS - 1],
    ["too many", JOB_CONFIG.MAX_QUESTIONS + 1],
    ["a fraction", 7.5],
  ])("refuses %s questions and writes nothing", async (_label, questionCount) => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    expect(await errorOf(create(t, { sourceId, questionCount }))).toEqual({
      code: "INVALID_ARGUMENT",
      message: `Ask for ${JOB_CONFIG.MIN_QUESTIONS} to ${JOB_CONFIG.MAX_QUESTIONS} questions.`,
    });
    expect(await allJobs(t)).toHaveLength(0);
  });

  test("refuses a prompt the rules refuse, another user's source, an unfinished or deleted one", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    expect(await errorOf(create(t, { sourceId, questionCount: 5, prompt: "x".repeat(5001) }))).toMatchObject({
      code: "INVALID_PROMPT",
    });
    expect(
      await errorOf(asUser(t, "bob").mutation(api.generationJobs.createSourceJob, { sourceId, questionCount: 5 })),
    ).toMatchObject({ code: "NOT_FOUND" });
    const { sourceId: draft } = await asUser(t, "alice").mutation(api.sources.beginSource, {
      name: "draft.txt",
      kind: "text",
      contentHash: "0".repeat(64),
      charCount: 500,
      chunkCount: 1,
    });
    expect(await errorOf(create(t, { sourceId: draft, questionCount: 5 }))).toMatchObject({ code: "NOT_FOUND" });
    await asUser(t, "alice").mutation(api.sources.deleteSource, { sourceId });
    expect(await errorOf(create(t, { sourceId, questionCount: 5 }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await allJobs(t)).toHaveLength(0);
  });

  test("counts against the same limits as any job, with the whole source's estimate against the day", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    await t.run(async (ctx) => {
      await ctx.db.insert("dailyUsage", {
        userId: (await ctx.db.query("sources").first())!.userId,
        day: new Date(NOW).toISOString().slice(0, 10),
        inputTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET - 3000,
        outputTokens: 0,
      });
    });
    // One section's call would fit in what is left of the day; the whole source's calls would not.
    expect(await errorOf(create(t, { sourceId, questionCount: 20 }))).toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(await allJobs(t)).toHaveLength(0);
  });

  test("the same idempotency key returns the same job", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    const args = { sourceId, questionCount: 6, idempotencyKey: "key-1" };
    const first = await asUser(t, "alice").mutation(api.generationJobs.createSourceJob, args);
    expect(await asUser(t, "alice").mutation(api.generationJobs.createSourceJob, args)).toBe(first);
    expect(await allJobs(t)).toHaveLength(1);
  });
});

describe("My Questions filtered by source", () => {
  /** Alice's questions: `count` written from `sourceId` (or none), a minute apart, with their search fields. */
  async function seed(t: TestConvex, sourceId: Id<"sources"> | null, count: number, from = 0) {
    return await t.run(async (ctx) => {
      const ids: Id<"questions">[] = [];
      for (let i = from; i < from + count; i++) {
        const content = makeQuestion(i, { question: `Tide question ${i}` });
        ids.push(
          await ctx.db.insert("questions", {
            ...content,
            ...searchFields(content),
            userId: tokenIdentifier("alice"),
            topic: "Tides",
            createdAt: NOW + i * 60_000,
            card: newCard(NOW),
            ...(sourceId ? { source: { sourceId, name: "tides.md", sectionIndex: 0, quote: QUOTE } } : {}),
          }),
        );
      }
      return ids;
    });
  }
  const QUOTE = { text: "The tide rises twice a day", before: "", after: ".", cutBefore: false, cutAfter: false };
  const list = (t: TestConvex, args: Record<string, unknown>, user = "alice") =>
    asUser(t, user).query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: 20, cursor: null },
      ...args,
    });

  test("lists the questions written from one source, newest or oldest first, through its index", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    const other = await upload(t, `${CHAPTER}\n\nMore.`, "markdown", "other.md");
    const ours = await seed(t, sourceId, 3);
    await seed(t, other, 2, 3);
    await seed(t, null, 2, 5);
    const newest = await list(t, { sourceId });
    expect(newest.page.map((q) => q._id)).toEqual([...ours].reverse());
    expect((await list(t, { sourceId, sort: "oldest" })).page.map((q) => q._id)).toEqual(ours);
    // Someone else's source, or no source at all: nothing.
    expect((await list(t, { sourceId }, "bob")).page).toEqual([]);
    expect((await list(t, { sourceId: "not-an-id" })).page).toEqual([]);
    // Search within the source.
    const found = await asUser(t, "alice").query(api.myQuestions.searchMyQuestions, { search: "tide", sourceId });
    expect(found.questions.map((q) => q._id).sort()).toEqual([...ours].sort());
  });

  test("a source's questions are listed all together: with another view or scope it is refused", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    expect(await errorOf(list(t, { sourceId, show: "due", now: NOW }))).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await errorOf(list(t, { sourceId, topic: "Tides" }))).toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  test("a bulk action on the view deletes exactly the source's questions; Undo brings them back", async () => {
    const t = initConvexTest();
    const sourceId = await upload(t);
    const ours = await seed(t, sourceId, 3);
    const others = await seed(t, null, 2, 3);
    const alice = asUser(t, "alice");
    const scope = { kind: "filter" as const, filter: { sourceId } };
    const { deletedAt, changed } = await alice.mutation(api.manageQuestions.deleteQuestions, { scope });
    expect(changed).toBe(3);
    expect((await list(t, { sourceId })).page).toEqual([]);
    expect((await list(t, {})).page.map((q) => q._id).sort()).toEqual([...others].sort());
    await alice.mutation(api.manageQuestions.restoreQuestions, { scope, deletedAt });
    expect((await list(t, { sourceId })).page.map((q) => q._id).sort()).toEqual([...ours].sort());
  });
});
