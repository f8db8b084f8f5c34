/**
 * Jobs over a learner's source, as they run in production: `createSourceJob` plans the sections, the real
 * `processJob` runs one step (one section, one model call) per dispatch of the pool, and `saveBatch` keeps
 * each question with its verified quote. Real timers; scripted models that answer from the section in their
 * prompt (the sample model's sourced questions, so their quotes are real), failing where a test says.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { findQuote } from "../lib/quotes";
import { sectionSource, spreadQuestions } from "../lib/sections";
import { normalizeSourceText, uploadSource } from "../lib/sources";
import type { GeneratedQuestion } from "../lib/validators";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { setModelOverride } from "./lib/ai/models";
import { parseGenerationPrompt } from "./lib/ai/prompts";
import { sampleSourceQuestions } from "./lib/ai/sampleSourceQuestions";
import { parseSectionText } from "./lib/ai/sourcePrompts";
import type { StreamStep } from "./lib/ai/modelStream";
import {
  asUser,
  errorOf,
  getJob,
  initConvexTest,
  runScheduled,
  tokenIdentifier,
  waitFor,
  type TestConvex,
} from "./test.setup";
import { gate, questionSteps, scriptedModel } from "../tests/support/scriptedModels";
import { withAllOfTheAbove } from "../tests/support/directiveModel";
import { captureRealErrors } from "../tests/support/wire/realErrors";

afterEach(() => {
  setModelOverride(null);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const ALICE = tokenIdentifier("alice");
const http = await captureRealErrors();
const CHAPTER = normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown");
const SECTIONS = sectionSource(CHAPTER, "markdown");

async function uploadChapter(t: TestConvex, user = "alice") {
  const caller = asUser(t, user);
  const { sourceId } = await uploadSource(
    {
      begin: (args) => caller.mutation(api.sources.beginSource, args),
      append: (args) => caller.mutation(api.sources.appendSourceChunks, args),
      finish: (args) => caller.mutation(api.sources.finishSource, args),
    },
    { name: "photosynthesis.md", kind: "markdown", text: CHAPTER },
  );
  return sourceId;
}

/** The questions a call asks for, from the section in its prompt (the sample model's, with real quotes). */
function answerOf(prompt: string): { plan: { topic: string; questionCount: number }; questions: GeneratedQuestion[] } {
  const { topic, count, avoid } = parseGenerationPrompt(prompt);
  const section = parseSectionText(prompt);
  if (section === null) throw new Error("a call over a source must carry its section");
  return { plan: { topic, questionCount: count }, questions: sampleSourceQuestions(section, count, avoid) };
}

/** A model answering every call from its section; `change(call, answer)` may rewrite a call's stream. */
function sectionModel(
  change: (call: number, answer: ReturnType<typeof answerOf>) => StreamStep[] | null = () => null,
): ReturnType<typeof scriptedModel> {
  const model = scriptedModel({
    stream: (call) => {
      const answer = answerOf(model.calls.prompts[call]!);
      return change(call, answer) ?? questionSteps(answer.questions, { plan: answer.plan });
    },
  });
  return model;
}

async function startJob(t: TestConvex, sourceId: Id<"sources">, questionCount: number, model = sectionModel()) {
  setModelOverride(() => model);
  const jobId = await asUser(t, "alice").mutation(api.generationJobs.createSourceJob, { sourceId, questionCount });
  return { jobId, model };
}

const jobQuestions = (t: TestConvex, jobId: Id<"generationJobs">) =>
  t.run((ctx) =>
    ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", ALICE).eq("generationJobId", jobId))
      .collect(),
  );
const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});

/** Each question's quote is the section's own words at its place, and the place is the section's. */
function expectVerifiedQuotes(questions: Doc<"questions">[]) {
  for (const question of questions) {
    const from = question.source!;
    const section = SECTIONS[from.sectionIndex]!;
    const text = CHAPTER.slice(section.start, section.end);
    expect(from).toMatchObject({ name: "photosynthesis.md", heading: section.heading });
    const match = findQuote(text, from.quote!.text);
    expect(match).not.toBeNull();
    expect(text.slice(match!.start, match!.end)).toBe(from.quote!.text);
    expect(text.includes(`${from.quote!.before}${from.quote!.text}${from.quote!.after}`)).toBe(true);
  }
}

describe("a job over a source", () => {
  test("plans its sections, makes one call per section with only that section, and keeps every quote verified", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const counts = spreadQuestions(
      12,
      SECTIONS.map((s) => s.end - s.start),
    );
    const { jobId, model } = await startJob(t, sourceId, 12);

    const planned = (await getJob(t, jobId))!;
    expect(planned.sourcePlan!.steps.map((s) => [s.section, s.questions])).toEqual(
      counts.flatMap((n, i) => (n > 0 ? [[i, n]] : [])),
    );
    expect(planned.source).toMatchObject({
      name: "photosynthesis.md",
      step: 1,
      steps: planned.sourcePlan!.steps.length,
    });
    expect(planned).toMatchObject({ estimatedTotal: 12, prompt: "Questions from “photosynthesis.md”" });

    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    const steps = job.sourcePlan!.steps;
    expect(job).toMatchObject({ status: "completed", questionsSaved: 12, topic: "Photosynthesis", attempts: 1 });
    expect(job.source).toMatchObject({ step: steps.length, steps: steps.length });
    // Sections are not attempts: one attempt, open across every section, closed once at the end.
    expect(job.attemptHistory).toEqual([
      expect.objectContaining({ attempt: 1, outcome: "completed", questionsSaved: 12 }),
    ]);
    // One call per section, each seeing its own section and no other's.
    expect(model.calls.stream).toBe(steps.length);
    model.calls.prompts.forEach((prompt, call) => {
      const own = SECTIONS[steps[call]!.section]!;
      expect(parseSectionText(prompt)).toBe(CHAPTER.slice(own.start, own.end));
      for (const other of SECTIONS.filter((s) => s !== own))
        expect(prompt.includes(CHAPTER.slice(other.start, other.end))).toBe(false);
      expect(prompt).toContain(`section ${call + 1} of ${steps.length}`);
    });
    const saved = await jobQuestions(t, jobId);
    expect(saved).toHaveLength(12);
    expectVerifiedQuotes(saved);
    for (const step of steps)
      expect(saved.filter((q) => q.source!.sectionIndex === step.section)).toHaveLength(step.questions);
    // Every call's tokens count: the job's and the day's totals are the sum of its sections' calls.
    const day = await t.run((ctx) => ctx.db.query("dailyUsage").first());
    expect(day!.inputTokens).toBe(job.inputTokens);
    expect(day!.outputTokens).toBe(job.outputTokens);
    expect(job.inputTokens).toBeGreaterThan(CHAPTER.length / 4 / 2);
    expect(day!.reservedTokens).toBe(0);
    // The pool is free again.
    expect(await t.run((ctx) => ctx.db.query("generationPool").first())).toMatchObject({ running: 0 });
  });

  test("quotes are checked: a quote not in the section is skipped, general knowledge is kept but never sourced", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const model = sectionModel((call, { plan, questions }) =>
      call === 0
        ? questionSteps(
            [
              questions[0]!,
              { ...questions[1]!, quote: "Plants photosynthesise only at night, according to this chapter." },
              { ...questions[1]!, quote: "", generalKnowledge: true, question: "Is the sky blue on a clear day?" },
              ...questions.slice(2),
            ],
            { plan },
          )
        : null,
    );
    const { jobId } = await startJob(t, sourceId, 20, model);
    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", questionsSkipped: 1 });
    const saved = await jobQuestions(t, jobId);
    const general = saved.filter((q) => q.source?.quote === undefined);
    expect(general.map((q) => q.question)).toEqual(["Is the sky blue on a clear day?"]);
    expect(general[0]!.source).toMatchObject({ sourceId, sectionIndex: job.sourcePlan!.steps[0]!.section });
    expectVerifiedQuotes(saved.filter((q) => q.source?.quote !== undefined));
  });
});

describe("the quality gate over a source", () => {
  test("a section's flawed question, and one the learner already owns, are rewritten from that section in one more call; a mild flaw is marked", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const sectionText = (index: number) => CHAPTER.slice(SECTIONS[index]!.start, SECTIONS[index]!.end);
    // Section 1's first question gets "All of the above" (severe); section 3's first asks "Generally, ..." (mild).
    const model = sectionModel((call, { plan, questions }) => {
      const prompt = model.calls.prompts[call]!;
      if (parseGenerationPrompt(prompt).rewrite.length > 0) return null;
      const section = parseSectionText(prompt);
      const [first, ...rest] = questions;
      if (section === sectionText(steps[0]!.section) && first?.type === "multiple-choice")
        return questionSteps([withAllOfTheAbove(first), ...rest], { plan });
      if (section === sectionText(steps[2]!.section) && first)
        return questionSteps([{ ...first, question: `Generally, ${first.question}` }, ...rest], { plan });
      return null;
    });
    // The plan's steps, as `createSourceJob` will make them: the sections that get questions, with their counts.
    const steps = spreadQuestions(
      20,
      SECTIONS.map((section) => section.end - section.start),
    ).flatMap((questions, section) => (questions > 0 ? [{ section, questions }] : []));
    // Alice already has (added by hand, before the job) the question section 2's call writes first.
    const [owned] = sampleSourceQuestions(sectionText(steps[1]!.section), steps[1]!.questions);
    const { quote: _quote, generalKnowledge: _general, ...ownedQuestion } = owned!;
    await asUser(t, "alice").mutation(api.addQuestions.createQuestion, { question: ownedQuestion, topic: "Mine" });
    const { jobId } = await startJob(t, sourceId, 20, model);
    expect((await getJob(t, jobId))!.sourcePlan!.steps).toMatchObject(steps);

    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", questionsSaved: 20, attempts: 1 });
    // One call per section, and one more for each of the two sections where the gate rejected a question.
    expect(model.calls.stream).toBe(steps.length + 2);
    const rewrites = model.calls.prompts.flatMap((prompt, call) => {
      const { rewrite } = parseGenerationPrompt(prompt);
      return rewrite.length > 0 ? [{ call, prompt, rewrite }] : [];
    });
    expect(rewrites.map(({ call }) => call)).toEqual([1, 3]);
    // Each rewrite is a call over the same section as the call before it, naming the question and its flaw.
    for (const { call, prompt } of rewrites)
      expect(parseSectionText(prompt)).toBe(parseSectionText(model.calls.prompts[call - 1]!));
    expect(rewrites[0]!.rewrite).toHaveLength(1);
    expect(rewrites[0]!.rewrite[0]!.question).toContain("Which word completes");
    expect(rewrites[0]!.rewrite[0]!.problems).toEqual([
      '"All of the above" can be answered by elimination, without knowing the fact.',
    ]);
    expect(rewrites[1]!.rewrite).toEqual([
      { question: owned!.question, problems: [`You already have a question that asks this: "${owned!.question}"`] },
    ]);
    expect(job.qualityGate).toMatchObject({
      rewritten: 2,
      dropped: 0,
      marked: 1,
      notes: [
        { outcome: "rewritten", flaws: [{ code: "ALL_OR_NONE_OF_THE_ABOVE" }] },
        { outcome: "rewritten", flaws: [{ code: "DUPLICATE_QUESTION" }] },
      ],
    });
    const saved = await jobQuestions(t, jobId);
    expect(new Set(saved.map((q) => q.question)).size).toBe(20);
    expect(saved.some((q) => q.options.includes("All of the above"))).toBe(false);
    expect(saved.some((q) => q.question === owned!.question)).toBe(false);
    expect(saved.filter((q) => q.needsLook).map((q) => [q.source!.sectionIndex, q.flaws![0]!.code])).toEqual([
      [steps[2]!.section, "VAGUE_TERMS"],
    ]);
    // The replacements come from their section, quoted like every other question.
    for (const step of steps)
      expect(saved.filter((q) => q.source!.sectionIndex === step.section)).toHaveLength(step.questions);
    expectVerifiedQuotes(saved);
  });
});

describe("stopping and going on, section by section", () => {
  test("a failure mid-section keeps what was saved; retry continues that section, then the rest, with no duplicates", async () => {
    quietErrors();
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    // The second section's first call drops the connection after one question.
    const model = sectionModel((call, { plan, questions }) =>
      call === 1
        ? questionSteps(questions.slice(0, 1), { plan, end: [{ delayMs: 5 }, { error: http.connectionDropped }] })
        : null,
    );
    const { jobId } = await startJob(t, sourceId, 20, model);
    await runScheduled(t);
    const failed = (await getJob(t, jobId))!;
    const steps = failed.sourcePlan!.steps;
    expect(failed).toMatchObject({ status: "failed", errorCode: "NETWORK", retryable: true });
    expect(failed.sourcePlan!.step).toBe(1);
    expect(failed.questionsSaved).toBe(steps[0]!.questions + 1);

    await asUser(t, "alice").mutation(api.generationJobs.retryJob, { jobId });
    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", questionsSaved: 20, attempts: 2 });
    expect(job.attemptHistory!.map((a) => a.outcome)).toEqual(["failed", "completed"]);
    // The retry asked section 2 only for what it still missed, and never went back to section 1.
    expect(model.calls.stream).toBe(steps.length + 1);
    expect(parseGenerationPrompt(model.calls.prompts[2]!).count).toBe(steps[1]!.questions - 1);
    expect(parseSectionText(model.calls.prompts[2]!)).toBe(parseSectionText(model.calls.prompts[1]!));
    const saved = await jobQuestions(t, jobId);
    expect(new Set(saved.map((q) => q.question)).size).toBe(20);
    for (const step of steps)
      expect(saved.filter((q) => q.source!.sectionIndex === step.section)).toHaveLength(step.questions);
    expectVerifiedQuotes(saved);
  });

  test("pause mid-section, resume: the section goes on where it stopped; cancel between sections, continue", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const held = gate();
    const model = sectionModel((call, { plan, questions }) =>
      call === 0 ? questionSteps(questions, { plan, pauseAt: { index: 1, until: held.promise } }) : null,
    );
    const { jobId } = await startJob(t, sourceId, 20, model);
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );
    await asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId });
    held.open();
    await runScheduled(t);
    const paused = (await getJob(t, jobId))!;
    expect(paused).toMatchObject({ status: "paused", questionsSaved: 1 });
    expect(paused.sourcePlan!.step).toBe(0);

    // Resumed, the job finishes section 1 and is cancelled as soon as it moves on to section 2.
    await asUser(t, "alice").mutation(api.generationJobs.resumeJob, { jobId });
    const first = paused.sourcePlan!.steps[0]!.questions;
    const between = await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.sourcePlan?.step ?? 0) >= 1,
    );
    await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId });
    await runScheduled(t);
    const cancelled = (await getJob(t, jobId))!;
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.questionsSaved).toBeGreaterThanOrEqual(first);
    expect(between!.questionsSaved).toBe(first);

    await asUser(t, "alice").mutation(api.generationJobs.resumeJob, { jobId });
    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", questionsSaved: 20, attempts: 3 });
    const saved = await jobQuestions(t, jobId);
    expect(new Set(saved.map((q) => q.question)).size).toBe(20);
    for (const step of job.sourcePlan!.steps)
      expect(saved.filter((q) => q.source!.sectionIndex === step.section)).toHaveLength(step.questions);
    expectVerifiedQuotes(saved);
  });

  test("a batch of a section the job has moved on from writes nothing", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const { jobId } = await startJob(t, sourceId, 10);
    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    await t.run((ctx) => ctx.db.patch("generationJobs", jobId, { status: "processing" }));
    const batchOf = (step: number) =>
      t.mutation(internal.batches.saveBatch, {
        jobId,
        userId: ALICE,
        questions: [],
        batchStart: job.questionsSaved,
        attempt: job.attempts,
        step,
        questionsGenerated: job.questionsGenerated,
      });
    expect(await batchOf(0)).toMatchObject({ accepted: false });
    expect(await batchOf(job.sourcePlan!.step)).toMatchObject({ accepted: true });
  });

  test("'more' spreads ten more questions over the sections again, after those the job holds", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const { jobId } = await startJob(t, sourceId, 10);
    await runScheduled(t);
    await asUser(t, "alice").mutation(api.generationJobs.extendJob, { jobId });
    const extended = (await getJob(t, jobId))!;
    expect(extended.sourcePlan).toMatchObject({ base: 10, step: 0 });
    expect(extended.sourcePlan!.steps.reduce((sum, s) => sum + s.questions, 0)).toBe(JOB_CONFIG.MORE_QUESTIONS_COUNT);
    await runScheduled(t);
    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", questionsSaved: 20 });
    const saved = await jobQuestions(t, jobId);
    expect(new Set(saved.map((q) => q.question)).size).toBe(20);
    expectVerifiedQuotes(saved);
  });
});

describe("the source while a job uses it", () => {
  test("deleting it is refused while a job over it is queued, running or paused; allowed once it is done", async () => {
    const t = initConvexTest();
    const sourceId = await uploadChapter(t);
    const held = gate();
    const model = sectionModel((call, { plan, questions }) =>
      call === 0 ? questionSteps(questions, { plan, pauseAt: { index: 1, until: held.promise } }) : null,
    );
    const { jobId } = await startJob(t, sourceId, 10, model);
    const alice = asUser(t, "alice");
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );
    expect(await errorOf(alice.mutation(api.sources.deleteSource, { sourceId }))).toMatchObject({
      code: "SOURCE_IN_USE",
      message: expect.stringContaining("photosynthesis.md") as unknown,
    });
    await alice.mutation(api.generationJobs.pauseJob, { jobId });
    expect(await errorOf(alice.mutation(api.sources.deleteSource, { sourceId }))).toMatchObject({
      code: "SOURCE_IN_USE",
    });
    held.open();
    await alice.mutation(api.generationJobs.cancelJob, { jobId });
    await runScheduled(t);
    // Cancelled: the source may go; its questions keep their quotes; continuing is refused with a reason.
    await alice.mutation(api.sources.deleteSource, { sourceId });
    expect(await alice.query(api.sources.getSource, { sourceId })).toBeNull();
    expectVerifiedQuotes(await jobQuestions(t, jobId));
    expect(await errorOf(alice.mutation(api.generationJobs.resumeJob, { jobId }))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("deleted") as unknown,
    });
  });
});
