/**
 * The whole job, as it runs in production: `createJob` schedules the real
 * `processJob`, which streams from a scripted model through the model seam and
 * saves through `saveBatch`. Real timers, scripts measured in milliseconds.
 * Failures are the errors the real Gemini provider throws over HTTP
 * (`tests/support/wire/realErrors.ts`); the wire suite runs the providers
 * themselves.
 */
import { newCard } from "../lib/fsrs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { JOB_ERRORS } from "../lib/jobs";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { ModelAnswer } from "./lib/ai/generate";
import { setModelOverride, type ModelChoice } from "./lib/ai/models";
import { GENERATION_SYSTEM_PROMPT } from "./lib/ai/prompts";
import { findQuestionFlaws } from "../lib/questionFlaws";
import {
  asUser,
  dropScheduled,
  initConvexTest,
  runScheduled,
  tokenIdentifier,
  waitFor,
  type TestConvex,
} from "./test.setup";
import { gate, makeQuestion, makeQuestions, plan, questionSteps, scriptedModel } from "../tests/support/scriptedModels";
import { captureRealErrors } from "../tests/support/wire/realErrors";

afterEach(() => {
  setModelOverride(null);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const ALICE = tokenIdentifier("alice");
const http = await captureRealErrors();

async function start(t: TestConvex, model: ModelChoice, prompt = "Scripted topic") {
  setModelOverride(() => model);
  const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt });
  return jobId;
}

const getJob = (t: TestConvex, jobId: Id<"generationJobs">) => t.run((ctx) => ctx.db.get("generationJobs", jobId));
const jobQuestions = (t: TestConvex, jobId: Id<"generationJobs">) =>
  t.run((ctx) =>
    ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", ALICE).eq("generationJobId", jobId))
      .collect(),
  );

/** Failed jobs log their error; keep test output clean. */
const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});

describe("a job from start to finish", () => {
  test("streams questions into the database as they complete, then completes", async () => {
    const t = initConvexTest();
    const paused = gate();
    const questions = makeQuestions(6);
    const model = scriptedModel({
      stream: questionSteps(questions, { plan: plan(6), pauseAt: { index: 2, until: paused.promise } }),
    });
    const jobId = await start(t, model);

    // While the model is paused, the first question is already saved, alone.
    const running = await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );
    expect(running).toMatchObject({
      status: "processing",
      phase: "generating",
      topic: "Scripted topic",
      estimatedTotal: 6,
      questionsSaved: 1,
      model: "openai-compatible",
    });
    const [first] = await jobQuestions(t, jobId);
    expect(first).toMatchObject({ ...questions[0], userId: ALICE, topic: "Scripted topic", generationJobId: jobId });
    expect(first!.card).toEqual(newCard(first!.createdAt)); // due at once, in state new

    paused.open();
    await runScheduled(t);
    const job = await getJob(t, jobId);
    const saved = await jobQuestions(t, jobId);
    expect(saved.map((q) => q.question)).toEqual(questions.map((q) => q.question));
    expect(job).toMatchObject({
      status: "completed",
      phase: "finalizing",
      questionsSaved: 6,
      questionsGenerated: 6,
      questionsSkipped: 0,
      attempts: 1,
    });
    // A model that reports no usage: the tokens are estimated from the text (about 4 characters a token).
    expect(job).toMatchObject({ usageEstimated: true });
    expect(job!.inputTokens).toBeGreaterThan(GENERATION_SYSTEM_PROMPT.length / 5);
    expect(job!.outputTokens).toBeGreaterThan(JSON.stringify(questions).length / 5);
    expect(job!.durationMs).toBeGreaterThan(0);
    expect(job!.completedAt).toBeGreaterThanOrEqual(job!.startedAt!);
    expect(await asUser(t, "alice").query(api.myQuestions.listMyTopics, {})).toMatchObject([
      { name: "Scripted topic" },
    ]);
  });

  test("saves in small batches, not one mutation per question", async () => {
    const t = initConvexTest();
    const questions = makeQuestions(20);
    // A pause once the first question is complete keeps its save apart from the next ones.
    const steps = questionSteps(questions, {
      plan: plan(20),
      pauseAt: { index: 1, until: new Promise((resolve) => setTimeout(resolve, 20)) },
    });
    const jobId = await start(t, scriptedModel({ stream: steps }));
    await runScheduled(t);
    const saved = await jobQuestions(t, jobId);
    expect(saved).toHaveLength(20);
    const batches = new Map<number, number>();
    for (const q of saved) batches.set(q.createdAt, (batches.get(q.createdAt) ?? 0) + 1);
    const sizes = [...batches.entries()].sort(([a], [b]) => a - b).map(([, size]) => size);
    expect(sizes[0]).toBe(1); // the first question is saved at once
    expect(sizes.length).toBeLessThanOrEqual(1 + Math.ceil(19 / JOB_CONFIG.BATCH_SIZE));
  });

  test("stops the model once the estimated number of questions is saved", async () => {
    const t = initConvexTest();
    const model = scriptedModel({ stream: questionSteps(makeQuestions(12), { plan: plan(5), delayMs: 2 }) });
    const jobId = await start(t, model);
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", questionsSaved: 5 });
    expect(await jobQuestions(t, jobId)).toHaveLength(5);
    expect(model.calls.signals[0]!.aborted).toBe(true);
  });

  test("runs on the offline sample model when nothing else is configured", async () => {
    vi.stubEnv("ENABLE_SAMPLE_MODEL", "1");
    vi.stubEnv("SAMPLE_MODEL_CHUNK_DELAY_MS", "0");
    const t = initConvexTest();
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    await runScheduled(t);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "completed", model: "sample", topic: "NATO alphabet", questionsSaved: 10 });
    const saved = await jobQuestions(t, jobId);
    expect(saved[0]).toMatchObject({
      question: "Which code word stands for the letter A in the NATO phonetic alphabet?",
      correctAnswer: "Alfa",
    });
  });

  test("one invalid question among good ones is skipped and counted, and the job completes with the rest", async () => {
    const t = initConvexTest();
    const good = makeQuestions(8);
    const model = scriptedModel({
      stream: questionSteps([...good.slice(0, 3), { ...makeQuestion(8), difficulty: "extreme" }, ...good.slice(3)], {
        plan: plan(9),
      }),
    });
    const jobId = await start(t, model);
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      questionsSaved: 8,
      questionsSkipped: 1,
      questionsGenerated: 9,
    });
    expect((await jobQuestions(t, jobId)).map((q) => q.question)).toEqual(good.map((q) => q.question));
  });

  test("an answer without a plan: the plan is read off the request", async () => {
    const t = initConvexTest();
    const model = scriptedModel({ stream: questionSteps(makeQuestions(10), { plan: null }) });
    const jobId = await start(t, model, "Give me 6 questions on tides");
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      topic: "Tides",
      estimatedTotal: 6,
      questionsSaved: 6,
    });
  });

  test("an unusable plan falls back to one read off the request", async () => {
    const t = initConvexTest();
    const model = scriptedModel({ stream: questionSteps(makeQuestions(10), { plan: "not a plan" }) });
    const jobId = await start(t, model, "Give me 7 questions on volcanoes");
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      topic: "Volcanoes",
      estimatedTotal: 7,
      questionsSaved: 7,
    });
  });
});

describe("the quality gate", () => {
  const allOfTheAbove = (i: number) => ({
    ...makeQuestion(i),
    options: ["Option A", "Option B", "Option C", "All of the above"],
  });
  /** The first call streams `first`; the second (the rewrite) streams `rewrite`; a third would stream nothing. */
  const gated = (first: unknown[], rewrite: unknown[]) =>
    scriptedModel({
      stream: (call) =>
        call === 0
          ? questionSteps(first, { plan: plan(first.length) })
          : questionSteps(call === 1 ? rewrite : [], { plan: plan(rewrite.length) }),
    });
  /** The tokens `processJob` estimates for a prompt the scripted model recorded (system and user text, joined by a line break). */
  const promptTokens = (recorded: string) => Math.ceil((recorded.length - 1) / 4);

  test("a severe flaw is not saved: ONE more call asks for its replacement, naming the flaw, and the replacement is saved; mild ones are saved marked", async () => {
    const t = initConvexTest();
    const flawed = allOfTheAbove(2);
    const vague = makeQuestion(4, { question: "Scripted question 4: which option is usually the right one?" });
    const replacement = makeQuestion(10);
    const model = gated([makeQuestion(0), makeQuestion(1), flawed, makeQuestion(3), vague], [replacement]);
    const jobId = await start(t, model);
    await runScheduled(t);

    expect(model.calls.stream).toBe(2);
    const [reason] = findQuestionFlaws(flawed).map((flaw) => flaw.reason);
    expect(model.calls.prompts[1]).toContain(`1. ${flawed.question}\n   Problem: ${reason}`);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({
      status: "completed",
      questionsSaved: 5,
      qualityGate: {
        rewritten: 1,
        dropped: 0,
        marked: 1,
        notes: [
          {
            question: flawed.question,
            flaws: [{ code: "ALL_OR_NONE_OF_THE_ABOVE", reason }],
            outcome: "rewritten",
            replacement: replacement.question,
          },
        ],
      },
    });
    const saved = await jobQuestions(t, jobId);
    expect(saved.map((q) => q.question)).toEqual(
      [makeQuestion(0), makeQuestion(1), makeQuestion(3), vague, replacement].map((q) => q.question),
    );
    expect(saved[3]).toMatchObject({ needsLook: true, flaws: [{ code: "VAGUE_TERMS" }] });
    // The rewrite's tokens are the attempt's: on the job and the user's day, within what the attempt could spend.
    const tokens = promptTokens(model.calls.prompts[0]!) + promptTokens(model.calls.prompts[1]!);
    expect(job!.inputTokens).toBe(tokens);
    const day = await t.run((ctx) => ctx.db.query("dailyUsage").first());
    expect(day).toMatchObject({ inputTokens: tokens, outputTokens: job!.outputTokens });
    expect(model.calls.maxOutputTokens[1]).toBeLessThan(model.calls.maxOutputTokens[0]!);
  });

  test("a replacement that fails the gate again is dropped and counted: never a second extra call", async () => {
    const t = initConvexTest();
    const model = gated([makeQuestion(0), allOfTheAbove(2), makeQuestion(1)], [allOfTheAbove(6)]);
    const jobId = await start(t, model);
    await runScheduled(t);
    expect(model.calls.stream).toBe(2);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      questionsSaved: 2,
      qualityGate: { rewritten: 0, dropped: 1, notes: [{ question: allOfTheAbove(2).question, outcome: "dropped" }] },
    });
  });

  test("a question the learner already owns is refused, on any batch, and rewritten; a clean job makes one call", async () => {
    const t = initConvexTest();
    const earlier = scriptedModel({ stream: questionSteps(makeQuestions(3), { plan: plan(3) }) });
    const first = await start(t, earlier, "Earlier");
    await runScheduled(t);
    expect(await getJob(t, first)).toMatchObject({ status: "completed", questionsSaved: 3 });
    expect(earlier.calls.stream).toBe(1);
    expect((await getJob(t, first))!.qualityGate).toBeUndefined();

    // The first question of the new job is saved alone (and refused); the last batch is refused too.
    const owned = makeQuestion(1, { question: "SCRIPTED question 1 - 1 is odd!" });
    const model = gated([owned, makeQuestion(5), makeQuestion(6), makeQuestion(2)], [makeQuestion(7), makeQuestion(8)]);
    const jobId = await start(t, model);
    await runScheduled(t);
    expect(model.calls.stream).toBe(2);
    expect(model.calls.prompts[1]).toContain(
      `You already have a question that asks this: "${makeQuestion(1).question}"`,
    );
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      questionsSaved: 4,
      qualityGate: {
        rewritten: 2,
        notes: [
          { question: owned.question, outcome: "rewritten", flaws: [{ code: "DUPLICATE_QUESTION" }] },
          { question: makeQuestion(2).question, outcome: "rewritten", replacement: makeQuestion(8).question },
        ],
      },
    });
  });
});

describe("cancelling", () => {
  test("mid-stream: partial questions are kept, nothing is written after cancelJob returns, the stream is aborted", async () => {
    const t = initConvexTest();
    const paused = gate();
    const questions = makeQuestions(12);
    const model = scriptedModel({
      stream: questionSteps(questions, { plan: plan(12), delayMs: 2, pauseAt: { index: 3, until: paused.promise } }),
    });
    const jobId = await start(t, model);
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );

    const { questionsSaved } = await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId });
    const atCancel = await getJob(t, jobId);
    expect(atCancel).toMatchObject({ status: "cancelled", questionsSaved });

    paused.open(); // the model carries on streaming; the action must write nothing more
    await runScheduled(t);
    expect(await getJob(t, jobId)).toEqual(atCancel);
    expect(await jobQuestions(t, jobId)).toHaveLength(questionsSaved);
    expect(model.calls.signals[0]!.aborted).toBe(true);
  });

  test("a cancel that lands just before the last batch: the attempt's tokens still count toward the day", async () => {
    const t = initConvexTest();
    const questions = makeQuestions(3);
    const jobId = await start(t, scriptedModel({ stream: questionSteps(questions, { plan: plan(3) }) }));
    // The stream has ended; while the attempt settles its usage, before its last batch, the learner cancels.
    const settle = vi.spyOn(ModelAnswer.prototype, "usage");
    settle.mockImplementationOnce(async function (this: ModelAnswer) {
      await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId });
      settle.mockRestore();
      return this.usage();
    });
    await runScheduled(t);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "cancelled", questionsSaved: 1 }); // the last batch was refused
    expect(job!.inputTokens).toBeUndefined(); // a cancelled attempt's tokens are never written to the job
    const day = await t.run((ctx) => ctx.db.query("dailyUsage").first());
    expect(day).toMatchObject({ userId: ALICE });
    expect(day!.inputTokens + day!.outputTokens).toBeGreaterThan(JSON.stringify(questions).length / 5);
  });

  test("a paused job's silent stream ends within a stop check, not at the next heartbeat", async () => {
    const t = initConvexTest();
    const silent = gate();
    const model = scriptedModel({
      stream: questionSteps(makeQuestions(6), { plan: plan(6), pauseAt: { index: 2, until: silent.promise } }),
    });
    const jobId = await start(t, model);
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );
    const pausedAt = Date.now();
    await asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId });
    await waitFor(
      () => Promise.resolve(model.calls.signals[0]!.aborted),
      (aborted) => aborted,
      JOB_CONFIG.HEARTBEAT_INTERVAL_MS / 2,
    );
    const stoppedInMs = Date.now() - pausedAt;
    // One stop check (STOP_CHECK_INTERVAL_MS) and its round trip; the heartbeat would have taken HEARTBEAT_INTERVAL_MS.
    expect(stoppedInMs).toBeLessThan(JOB_CONFIG.HEARTBEAT_INTERVAL_MS / 2);
    console.log(`paused job's silent stream aborted ${stoppedInMs} ms after pauseJob`);
    silent.open();
    await runScheduled(t);
    expect(await t.run((ctx) => ctx.db.query("dailyUsage").first())).toMatchObject({ userId: ALICE });
  });

  test("before it starts: the action never runs", async () => {
    const t = initConvexTest();
    const model = scriptedModel({ stream: questionSteps(makeQuestions(5)) });
    const jobId = await start(t, model);
    await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId });
    await runScheduled(t);
    expect(model.calls).toMatchObject({ stream: 0 });
    expect(await getJob(t, jobId)).toMatchObject({ status: "cancelled", questionsSaved: 0 });
  });
});

describe("failures end the job as failed, with the right code, keeping what was saved", () => {
  test.each([
    {
      name: "bad API key",
      script: { stream: [{ error: http.badKey }] },
      expected: { errorCode: "API_KEY", retryable: false, questionsSaved: 0 },
    },
    {
      name: "connection dropped mid-stream",
      script: {
        stream: questionSteps(makeQuestions(3), {
          plan: plan(8),
          end: [{ delayMs: 10 }, { error: http.connectionDropped }],
        }),
      },
      expected: { errorCode: "NETWORK", retryable: true, questionsSaved: 3 },
    },
    {
      name: "stream hangs past the idle timeout",
      script: {
        streamIdleTimeoutMs: 50,
        stream: questionSteps(makeQuestions(2), { plan: plan(8), end: [{ until: new Promise(() => {}) }] }),
      },
      expected: { errorCode: "NETWORK", retryable: true, questionsSaved: 2 },
    },
    {
      name: "malformed JSON",
      script: { stream: questionSteps(makeQuestions(2), { plan: plan(8), end: [] }) },
      expected: { errorCode: "INVALID_OUTPUT", retryable: true, questionsSaved: 2 },
    },
    {
      name: "most questions unusable",
      script: {
        stream: questionSteps([
          makeQuestion(0),
          { ...makeQuestion(1), type: "multiple" },
          { ...makeQuestion(2), correctAnswer: "No such option" },
        ]),
      },
      expected: { errorCode: "INVALID_OUTPUT", retryable: true, questionsSaved: 1 },
    },
    {
      name: "no usable question at all",
      script: { stream: questionSteps(makeQuestions(3).map((q) => ({ ...q, correctAnswer: "Not an option" }))) },
      expected: { errorCode: "INVALID_OUTPUT", retryable: true, questionsSaved: 0 },
    },
  ])("$name", async ({ script, expected }) => {
    quietErrors();
    const t = initConvexTest();
    const jobId = await start(t, scriptedModel(script));
    await runScheduled(t);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "failed", ...expected });
    const saved = await jobQuestions(t, jobId);
    expect(saved).toHaveLength(expected.questionsSaved);
    for (const q of saved) expect(["multiple-choice", "true-false"]).toContain(q.type);
    // Its topic is listed in My Questions' filter only if it saved something.
    expect(await asUser(t, "alice").query(api.myQuestions.listMyTopics, {})).toHaveLength(
      expected.questionsSaved > 0 ? 1 : 0,
    );
  });
});

describe("the provider's 429", () => {
  test("sends the job back to the queue, keeping what was saved, and the next attempt continues it", async () => {
    quietErrors();
    const t = initConvexTest();
    const questions = makeQuestions(6);
    const model = scriptedModel({
      stream: (call) =>
        call === 0
          ? questionSteps(questions.slice(0, 2), {
              plan: plan(6),
              end: [{ delayMs: 10 }, { error: http.tooManyRequests }],
            })
          : questionSteps(questions.slice(2), { plan: plan(6) }),
    });
    const jobId = await start(t, model);
    const requeued = await waitFor(
      () => getJob(t, jobId),
      (job) => job?.status === "queued",
    );
    expect(requeued).toMatchObject({ attempts: 2, questionsSaved: 2, rateLimitRequeues: 1 });
    // Once the backoff is over, the dispatch continues the job where it stopped.
    await t.run(async (ctx) => {
      const pool = (await ctx.db.query("generationPool").first())!;
      await ctx.db.patch("generationPool", pool._id, { backoffUntil: Date.now() });
    });
    await dropScheduled(t);
    await t.mutation(internal.generationQueue.dispatch, {});
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", questionsSaved: 6, attempts: 2 });
    expect((await jobQuestions(t, jobId)).map((q) => q.question)).toEqual(questions.map((q) => q.question));
  });
});

describe("making way for another learner's first job", () => {
  test("after a saved batch the stream stops, what it spent counts, and the next attempt finishes the job", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const opened = gate();
    const alices = makeQuestions(12); // more than MIN_QUESTIONS_LEFT_TO_YIELD left after its second batch
    const bobs = makeQuestions(10, 100);
    const model = scriptedModel({
      stream: (call) =>
        call === 0
          ? questionSteps(alices, { plan: plan(12), delayMs: 20, pauseAt: { index: 2, until: opened.promise } })
          : call === 1
            ? questionSteps(bobs, { plan: plan(10) })
            : questionSteps(alices.slice(JOB_CONFIG.BATCH_SIZE + 1), { plan: plan(12) }),
    });
    const alice = await start(t, model);
    await waitFor(
      () => getJob(t, alice),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );
    const bob = await asUser(t, "bob").mutation(api.generationJobs.createJob, { prompt: "Bob's topic" });
    expect((await getJob(t, bob))!.status).toBe("queued");

    // Alice's next batch (BATCH_SIZE questions) is saved, then her job gives its slot to Bob's first job.
    opened.open();
    const madeWay = await waitFor(
      () => getJob(t, alice),
      (job) => job?.status !== "processing",
    );
    expect(madeWay).toMatchObject({
      status: "queued",
      attempts: 2,
      yields: 1,
      questionsSaved: JOB_CONFIG.BATCH_SIZE + 1,
    });
    expect(madeWay!.attemptHistory![0]).toMatchObject({ attempt: 1, outcome: "yielded" });
    expect(model.calls.signals[0]!.aborted).toBe(true);
    const spent = await waitFor(
      () => t.run((ctx) => ctx.db.query("dailyUsage").collect()),
      (rows) => rows.some((row) => row.userId === ALICE && row.outputTokens > 0),
    );
    expect(spent.find((row) => row.userId === ALICE)!.inputTokens).toBeGreaterThan(0);

    // Bob's job runs, then Alice's goes on from where it stopped, told what it already has.
    await runScheduled(t);
    expect(await getJob(t, bob)).toMatchObject({ status: "completed", questionsSaved: 10 });
    expect(await getJob(t, alice)).toMatchObject({ status: "completed", questionsSaved: 12, attempts: 2 });
    expect((await jobQuestions(t, alice)).map((q) => q.question)).toEqual(alices.map((q) => q.question));
    expect(model.calls.stream).toBe(3);
    expect(model.calls.prompts[2]).toContain(alices[0]!.question);
  });
});

describe("the daily budget", () => {
  test(
    "a runaway model: jobs started with 50k tokens left end within the budget, the last stopped with BUDGET_EXCEEDED",
    { timeout: 30_000 },
    async () => {
      quietErrors();
      const t = initConvexTest();
      const left = 50_000;
      await t.run((ctx) =>
        ctx.db.insert("dailyUsage", {
          userId: ALICE,
          day: new Date().toISOString().slice(0, 10),
          inputTokens: 0,
          outputTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET - left,
        }),
      );
      // Each call would write 400 long questions (about 400k tokens) if nothing stopped it; other ones each call,
      // so that no job's questions are duplicates of another's.
      const long = (i: number) => makeQuestion(i, { explanation: `${"A long explanation. ".repeat(90)}${i}` });
      const runaway = scriptedModel({
        stream: (call) =>
          questionSteps(
            Array.from({ length: 400 }, (_, i) => long(call * 1000 + i)),
            { plan: plan(50) },
          ),
      });
      const started: Id<"generationJobs">[] = [];
      const refused: string[] = [];
      for (const topic of ["One", "Two", "Three"]) {
        await start(t, runaway, topic).then(
          (jobId) => started.push(jobId),
          (error: { data: { code: string } }) => refused.push(error.data.code),
        );
      }
      await runScheduled(t);
      const day = await t.run((ctx) => ctx.db.query("dailyUsage").first());
      expect(day!.inputTokens + day!.outputTokens).toBeLessThanOrEqual(JOB_CONFIG.DAILY_TOKEN_BUDGET * 1.01);
      expect(day!.reservedTokens ?? 0).toBe(0);
      const jobs = await Promise.all(started.map((id) => getJob(t, id)));
      const stopped = jobs.filter((job) => job?.errorCode === "BUDGET_EXCEEDED");
      expect(stopped.length).toBeGreaterThan(0);
      for (const job of stopped) expect(job).toMatchObject({ status: "failed", retryable: true });
      // What they wrote before the budget ran out is kept.
      expect(stopped.some((job) => job!.questionsSaved > 0)).toBe(true);
      // A start refused for the budget says so; one that was let in never pushes the day past it.
      expect(started.length).toBeGreaterThan(1);
      for (const code of refused) expect(code).toBe("BUDGET_EXCEEDED");
    },
  );
});

describe("crashes and retries", () => {
  test("an action that dies before starting the job leaves it for the sweeper, which marks it INTERRUPTED", async () => {
    quietErrors();
    const t = initConvexTest();
    setModelOverride(() => {
      throw new Error("the action's process died");
    });
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "Doomed" });
    await runScheduled(t);
    const job = await getJob(t, jobId);
    expect(job?.status).toBe("pending");
    expect(await t.run((ctx) => ctx.db.system.get("_scheduled_functions", job!.scheduledFunctionId!))).toMatchObject({
      state: { kind: "failed" },
    });

    await t.run((ctx) =>
      ctx.db.patch("generationJobs", jobId, { lastProgressAt: Date.now() - JOB_CONFIG.STALE_JOB_AFTER_MS - 1 }),
    );
    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 1 });
    expect(await getJob(t, jobId)).toMatchObject({ status: "failed", errorCode: "INTERRUPTED", retryable: true });
  });

  test("a hung action is left alone while it may live, then interrupted; if it wakes up it writes nothing", async () => {
    quietErrors();
    const t = initConvexTest();
    const hang = gate();
    const model = scriptedModel({
      stream: questionSteps(makeQuestions(6), { pauseAt: { index: 1, until: hang.promise } }),
    });
    const jobId = await start(t, model);
    await waitFor(
      () => getJob(t, jobId),
      (job) => job?.questionsSaved === 1,
    );

    await t.run((ctx) =>
      ctx.db.patch("generationJobs", jobId, { lastProgressAt: Date.now() - JOB_CONFIG.STALE_JOB_AFTER_MS - 1 }),
    );
    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 0 }); // still running
    await t.run((ctx) =>
      ctx.db.patch("generationJobs", jobId, { lastProgressAt: Date.now() - JOB_CONFIG.ACTION_TIMEOUT_MS }),
    );
    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 1 });
    const interrupted = await getJob(t, jobId);
    expect(interrupted).toMatchObject({ status: "failed", errorCode: "INTERRUPTED", questionsSaved: 1 });

    hang.open();
    await runScheduled(t);
    expect(await getJob(t, jobId)).toEqual(interrupted);
    expect(await jobQuestions(t, jobId)).toHaveLength(1);
  });

  test("a retry continues where the job stopped, without duplicating saved questions", async () => {
    quietErrors();
    const t = initConvexTest();
    const questions = makeQuestions(7);
    const model = scriptedModel({
      stream: (call) =>
        call === 0
          ? questionSteps(questions.slice(0, 3), {
              plan: plan(6),
              end: [{ delayMs: 10 }, { error: http.connectionDropped }],
            })
          : // The model repeats two questions it was told to avoid, then writes new ones.
            questionSteps([questions[1], questions[2], ...questions.slice(3)], { delayMs: 1 }),
    });
    const jobId = await start(t, model);
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({ status: "failed", errorCode: "NETWORK", questionsSaved: 3 });

    await asUser(t, "alice").mutation(api.generationJobs.retryJob, { jobId });
    await runScheduled(t);
    const job = await getJob(t, jobId);
    const saved = await jobQuestions(t, jobId);
    expect(job).toMatchObject({ status: "completed", attempts: 2, questionsSaved: 6 });
    expect(saved.map((q) => q.question)).toEqual(questions.slice(0, 6).map((q) => q.question));
    // The plan was kept; the model was asked for the 3 missing questions and shown the 3 it had.
    expect(model.calls.stream).toBe(2);
    expect(model.calls.prompts[1]).toContain("Number of questions: 3");
    for (const q of questions.slice(0, 3)) expect(model.calls.prompts[1]).toContain(`- ${q.question}`);
  });
});

describe("pause, resume and more", () => {
  test("a paused attempt writes nothing more; the resumed one completes without duplicates; more adds 10", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const held = gate();
    const first = makeQuestions(4);
    const later = makeQuestions(5, 10);
    const more = makeQuestions(10, 30);
    const model = scriptedModel({
      stream: (call) =>
        call === 0
          ? questionSteps(first, { plan: plan(6), pauseAt: { index: 2, until: held.promise } })
          : call === 1
            ? // The model repeats the saved question it was told to avoid, then writes new ones.
              questionSteps([first[0], ...later], { delayMs: 1 })
            : questionSteps(more, { delayMs: 1 }),
    });
    const jobId = await start(t, model);
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );

    await alice.mutation(api.generationJobs.pauseJob, { jobId });
    expect(await getJob(t, jobId)).toMatchObject({ status: "paused", questionsSaved: 1 });
    await alice.mutation(api.generationJobs.resumeJob, { jobId });
    held.open(); // the paused attempt wakes up and tries to save its buffered questions
    await runScheduled(t);

    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "completed", attempts: 2, questionsSaved: 6 });
    const saved = (await jobQuestions(t, jobId)).map((q) => q.question);
    expect(saved).toEqual([first[0], ...later].map((q) => q!.question));
    expect(job!.attemptHistory!.map((a) => [a.attempt, a.outcome, a.questionsSaved])).toEqual([
      [1, "paused", 1],
      [2, "completed", 6],
    ]);

    const { added } = await alice.mutation(api.generationJobs.extendJob, { jobId });
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", attempts: 3, questionsSaved: 6 + added });
    const all = (await jobQuestions(t, jobId)).map((q) => q.question);
    expect(new Set(all).size).toBe(all.length);
    expect(model.calls.prompts[2]).toContain(`Number of questions: ${added}`);
  });
});

describe("production safety", () => {
  test("with no model configured, a job fails at once with MODEL_NOT_CONFIGURED and no sample questions", async () => {
    quietErrors();
    const t = initConvexTest();
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    await runScheduled(t);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({
      status: "failed",
      errorCode: "MODEL_NOT_CONFIGURED",
      errorMessage: JOB_ERRORS.MODEL_NOT_CONFIGURED.title,
      retryable: false,
      questionsSaved: 0,
    });
    expect(job!.completedAt! - job!.createdAt).toBeLessThan(1000);
    expect(await asUser(t, "alice").query(api.generationJobs.getModelInfo, {})).toBeNull();
    await expect(asUser(t, "alice").mutation(api.generationJobs.retryJob, { jobId })).rejects.toThrow(
      /can't be retried/,
    );
  });

  test("a provider that echoes its key: no stored message and no log line holds the key", async () => {
    const key = "sk-test-EchoedSecret123456";
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { "Content-Type": "application/json" }).end(
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${key}. Find yours at https://example.test.`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      vi.stubEnv("OPENAI_COMPATIBLE_BASE_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
      vi.stubEnv("OPENAI_COMPATIBLE_API_KEY", key);
      const logged = quietErrors();
      const t = initConvexTest();
      const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
      await runScheduled(t);
      expect(await getJob(t, jobId)).toMatchObject({
        status: "failed",
        errorCode: "API_KEY",
        errorMessage: JOB_ERRORS.API_KEY.title,
      });
      const everything = await t.run(async (ctx) => JSON.stringify(await ctx.db.query("generationJobs").collect()));
      expect(everything).not.toContain("EchoedSecret");
      expect(JSON.stringify(await asUser(t, "alice").query(api.generationJobs.getJobById, { jobId }))).not.toContain(
        "EchoedSecret",
      );
      const logLines = logged.mock.calls.map((args) => args.join(" "));
      expect(logLines.join("\n")).toContain("Incorrect API key provided: [redacted]");
      expect(logLines.join("\n")).not.toContain("EchoedSecret");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
