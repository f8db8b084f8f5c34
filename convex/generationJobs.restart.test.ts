/**
 * Pause, resume, continue and "more" (`pauseJob`, `resumeJob`, `extendJob` in
 * `generationJobs.ts`): each transition, its owner check and limits, and the
 * races with cancel and with an attempt still running after a pause; and
 * `getStartAllowance`, which tells the form about the limits before they bite. Fake
 * timers keep scheduled actions queued; the integration suite runs them.
 */
import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { makeQuestions } from "../tests/support/scriptedModels";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import {
  asUser,
  errorOf,
  getJob,
  initConvexTest,
  insertJob,
  NOW,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";

const ALICE = tokenIdentifier("alice");

useFakeClock();

/** A processing job in its first attempt, with `saved` questions of `total`. */
async function runningJob(t: TestConvex, saved = 2, total = 10, fields: Partial<Doc<"generationJobs">> = {}) {
  return await insertJob(t, {
    userId: ALICE,
    status: "processing",
    phase: "generating",
    topic: "Roman roads",
    estimatedTotal: total,
    questionsSaved: saved,
    questionsGenerated: saved,
    startedAt: NOW - 5000,
    attemptHistory: [{ attempt: 1, startedAt: NOW - 5000 }],
    ...fields,
  });
}

/** A batch of one question from attempt `attempt`, starting at `batchStart`. */
function batch(jobId: Id<"generationJobs">, attempt: number, batchStart: number) {
  return {
    jobId,
    userId: ALICE,
    questions: makeQuestions(1, batchStart + 100),
    batchStart,
    attempt,
    questionsGenerated: batchStart + 1,
  };
}

const scheduledOf = (t: TestConvex, job: Doc<"generationJobs"> | null) =>
  t.run((ctx) => ctx.db.system.get("_scheduled_functions", job!.scheduledFunctionId!));

describe("pauseJob", () => {
  test("pauses a running job: questions kept, the attempt closed as paused, no further write of it", async () => {
    const t = initConvexTest();
    const jobId = await runningJob(t, 3);
    expect(await asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId })).toEqual({ questionsSaved: 3 });
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "paused", questionsSaved: 3 });
    expect(job!.completedAt).toBeUndefined();
    expect(job!.attemptHistory).toEqual([
      { attempt: 1, startedAt: NOW - 5000, endedAt: NOW, outcome: "paused", questionsSaved: 3 },
    ]);
    // The running attempt's next batch writes nothing and tells the action to stop.
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId, 1, 3))).toMatchObject({
      accepted: false,
      status: "paused",
      saved: 0,
    });
    expect((await getJob(t, jobId))!.questionsSaved).toBe(3);
  });

  test("a paused job does not count toward the limit of running jobs", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const ids = [];
    for (const prompt of ["One topic", "Two topic", "Three topic"]) {
      ids.push(await alice.mutation(api.generationJobs.createJob, { prompt }));
    }
    expect((await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "Four topic" }))).code).toBe(
      "CONCURRENCY_LIMIT",
    );
    await alice.mutation(api.generationJobs.pauseJob, { jobId: ids[0]! });
    await alice.mutation(api.generationJobs.createJob, { prompt: "Four topic" });
    expect(await alice.query(api.generationJobs.getActiveJobs, {})).toHaveLength(3);
  });

  test("pausing a queued job drops its scheduled action", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await alice.mutation(api.generationJobs.createJob, { prompt: "Roman roads" });
    await alice.mutation(api.generationJobs.pauseJob, { jobId });
    expect(await scheduledOf(t, await getJob(t, jobId))).toMatchObject({ state: { kind: "canceled" } });
  });

  test("refuses finished jobs, other users and malformed ids", async () => {
    const t = initConvexTest();
    const done = await runningJob(t, 10, 10, { status: "completed" });
    const running = await runningJob(t);
    expect(await errorOf(asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId: done }))).toMatchObject({
      code: "INVALID_STATE",
    });
    expect(await errorOf(asUser(t, "bob").mutation(api.generationJobs.pauseJob, { jobId: running }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await errorOf(asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId: "nope" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await errorOf(t.mutation(api.generationJobs.pauseJob, { jobId: running }))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect((await getJob(t, running))!.status).toBe("processing");
  });
});

describe("resumeJob", () => {
  test("resumes a paused job as a new attempt and schedules it", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 4);
    await alice.mutation(api.generationJobs.pauseJob, { jobId });
    expect(await alice.mutation(api.generationJobs.resumeJob, { jobId })).toBe(jobId);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "pending", phase: "generating", attempts: 2, questionsSaved: 4 });
    expect(await scheduledOf(t, job)).toMatchObject({
      name: "aiGeneration:processJob",
      args: [{ jobId, userId: ALICE }],
      state: { kind: "pending" },
    });
  });

  test("an attempt still running after pause and resume can never write into the new attempt", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 2);
    await alice.mutation(api.generationJobs.pauseJob, { jobId });
    await alice.mutation(api.generationJobs.resumeJob, { jobId });
    // The new attempt starts...
    const started = await t.mutation(internal.jobTransitions.startJob, { jobId, userId: ALICE, model: "sample" });
    expect(started).toMatchObject({ attempt: 2, questionsSaved: 2 });
    // ...while the old one, unaware, sends a batch, fails and completes: none of it lands.
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId, 1, 2))).toMatchObject({
      accepted: false,
      saved: 0,
    });
    expect(await t.mutation(internal.jobTransitions.failJob, { jobId, errorCode: "NETWORK", attempt: 1 })).toBe(false);
    expect(await t.mutation(internal.jobTransitions.completeJob, { jobId, attempt: 1 })).toBe(false);
    expect(await getJob(t, jobId)).toMatchObject({ status: "processing", questionsSaved: 2, attempts: 2 });
    // The new attempt's batch is saved.
    expect(await t.mutation(internal.batches.saveBatch, batch(jobId, 2, 2))).toMatchObject({
      accepted: true,
      saved: 1,
    });
    expect((await getJob(t, jobId))!.attemptHistory!.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, "paused"],
      [2, undefined],
    ]);
  });

  test("continues a cancelled job; refuses one with nothing left to write", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 3, 10);
    await alice.mutation(api.generationJobs.cancelJob, { jobId });
    await alice.mutation(api.generationJobs.resumeJob, { jobId });
    expect(await getJob(t, jobId)).toMatchObject({ status: "pending", attempts: 2 });

    const full = await runningJob(t, 10, 10, { status: "cancelled" });
    expect(await errorOf(alice.mutation(api.generationJobs.resumeJob, { jobId: full }))).toEqual({
      code: "INVALID_STATE",
      message: "Nothing is left to write: all 10 questions are saved.",
    });
  });

  test("goes through the same limits as a new job, and a refused resume changes nothing", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 1, 10, { status: "paused" });
    for (const prompt of ["One topic", "Two topic", "Three topic"]) {
      await alice.mutation(api.generationJobs.createJob, { prompt });
    }
    expect((await errorOf(alice.mutation(api.generationJobs.resumeJob, { jobId }))).code).toBe("CONCURRENCY_LIMIT");
    expect(await getJob(t, jobId)).toMatchObject({ status: "paused", attempts: 1 });
  });

  test("refuses running, completed and failed jobs, and other users", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    for (const status of ["processing", "completed", "failed"] as const) {
      const jobId = await runningJob(t, 1, 10, { status });
      expect((await errorOf(alice.mutation(api.generationJobs.resumeJob, { jobId }))).code).toBe("INVALID_STATE");
    }
    const paused = await runningJob(t, 1, 10, { status: "paused" });
    expect((await errorOf(asUser(t, "bob").mutation(api.generationJobs.resumeJob, { jobId: paused }))).code).toBe(
      "NOT_FOUND",
    );
  });
});

describe("cancel and pause races", () => {
  test("whichever commits first wins; the other is refused, never undone", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const first = await runningJob(t);
    const [paused, cancelled] = await Promise.allSettled([
      alice.mutation(api.generationJobs.pauseJob, { jobId: first }),
      alice.mutation(api.generationJobs.cancelJob, { jobId: first }),
    ]);
    // Mutations are serializable: pause commits, then cancel sees a paused job (and may cancel it).
    expect(paused.status).toBe("fulfilled");
    expect(cancelled.status).toBe("fulfilled");
    expect((await getJob(t, first))!.status).toBe("cancelled");

    const second = await runningJob(t);
    await alice.mutation(api.generationJobs.cancelJob, { jobId: second });
    expect((await errorOf(alice.mutation(api.generationJobs.pauseJob, { jobId: second }))).code).toBe("INVALID_STATE");
    expect((await getJob(t, second))!.status).toBe("cancelled");
  });

  test("a parallel burst of resumes of one job starts exactly one attempt", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 1, 10, { status: "paused" });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => alice.mutation(api.generationJobs.resumeJob, { jobId })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await getJob(t, jobId)).toMatchObject({ status: "pending", attempts: 2 });
    const scheduled = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
    expect(scheduled.filter((f) => f.name === "aiGeneration:processJob")).toHaveLength(1);
  });
});

describe("extendJob", () => {
  test(`adds ${JOB_CONFIG.MORE_QUESTIONS_COUNT} questions to a completed job as a new attempt`, async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await runningJob(t, 8, 8, { status: "completed", completedAt: NOW, durationMs: 5000 });
    expect(await alice.mutation(api.generationJobs.extendJob, { jobId })).toEqual({
      jobId,
      added: JOB_CONFIG.MORE_QUESTIONS_COUNT,
    });
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({
      status: "pending",
      phase: "generating",
      attempts: 2,
      questionsSaved: 8,
      estimatedTotal: 8 + JOB_CONFIG.MORE_QUESTIONS_COUNT,
    });
    expect(job!.completedAt).toBeUndefined();
    expect(await scheduledOf(t, job)).toMatchObject({ name: "aiGeneration:processJob", state: { kind: "pending" } });
  });

  test(`never past ${JOB_CONFIG.MAX_QUESTIONS} questions`, async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const nearlyFull = await runningJob(t, 45, 45, { status: "completed" });
    expect(await alice.mutation(api.generationJobs.extendJob, { jobId: nearlyFull })).toMatchObject({ added: 5 });
    expect((await getJob(t, nearlyFull))!.estimatedTotal).toBe(JOB_CONFIG.MAX_QUESTIONS);

    const full = await runningJob(t, JOB_CONFIG.MAX_QUESTIONS, JOB_CONFIG.MAX_QUESTIONS, { status: "completed" });
    expect(await errorOf(alice.mutation(api.generationJobs.extendJob, { jobId: full }))).toMatchObject({
      code: "INVALID_STATE",
    });
    expect((await getJob(t, full))!.status).toBe("completed");
  });

  test("refuses jobs that are not completed, other users, and goes through the rate limit", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const running = await runningJob(t);
    expect((await errorOf(alice.mutation(api.generationJobs.extendJob, { jobId: running }))).code).toBe(
      "INVALID_STATE",
    );
    const done = await runningJob(t, 5, 5, { status: "completed" });
    expect((await errorOf(asUser(t, "bob").mutation(api.generationJobs.extendJob, { jobId: done }))).code).toBe(
      "NOT_FOUND",
    );
    // Use up the bucket (each create takes a token), cancelling so concurrency is not what refuses.
    for (let i = 0; i < JOB_CONFIG.RATE_LIMIT.capacity; i++) {
      const jobId = await alice.mutation(api.generationJobs.createJob, { prompt: `Topic ${i}` });
      await alice.mutation(api.generationJobs.cancelJob, { jobId });
    }
    const refused = await errorOf(alice.mutation(api.generationJobs.extendJob, { jobId: done }));
    expect(refused.code).toBe("RATE_LIMITED");
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await getJob(t, done))!.status).toBe("completed");
  });
});

describe("getStartAllowance", () => {
  test("counts running jobs (not paused ones) and says when the rate limit lets the next one start", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    expect(await t.query(api.admission.getStartAllowance, {})).toBeNull();
    expect(await alice.query(api.admission.getStartAllowance, {})).toMatchObject({
      running: 0,
      maxRunning: JOB_CONFIG.MAX_CONCURRENT_PER_USER,
      rateLimitedUntil: null,
    });
    const first = await alice.mutation(api.generationJobs.createJob, { prompt: "One topic" });
    await alice.mutation(api.generationJobs.createJob, { prompt: "Two topic" });
    await alice.mutation(api.generationJobs.pauseJob, { jobId: first });
    expect(await alice.query(api.admission.getStartAllowance, {})).toMatchObject({ running: 1 });
    expect(await asUser(t, "bob").query(api.admission.getStartAllowance, {})).toMatchObject({ running: 0 });

    // Empty the bucket: the next start is allowed once a token has refilled.
    for (let i = 2; i < JOB_CONFIG.RATE_LIMIT.capacity; i++) {
      const jobId = await alice.mutation(api.generationJobs.createJob, { prompt: `Topic ${i}` });
      await alice.mutation(api.generationJobs.cancelJob, { jobId });
    }
    const { rateLimitedUntil } = (await alice.query(api.admission.getStartAllowance, {}))!;
    const refill = JOB_CONFIG.RATE_LIMIT.period / JOB_CONFIG.RATE_LIMIT.rate;
    expect(rateLimitedUntil).toBeGreaterThan(NOW);
    expect(rateLimitedUntil).toBeLessThanOrEqual(NOW + refill);
    // The refusal says the same.
    const refused = await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "Too soon" }));
    expect(NOW + refused.retryAfterMs!).toBe(rateLimitedUntil);
  });
});
