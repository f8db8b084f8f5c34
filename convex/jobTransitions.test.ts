/**
 * The state machine's transitions (`jobTransitions.ts`): each checks the job's
 * status in its own transaction, so nothing is written over a job that has
 * moved on (cancelled, finished), and durations are stamped in one place.
 */
import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { JOB_ERRORS } from "../lib/jobs";
import { api, internal } from "./_generated/api";
import { asUser, getJob, initConvexTest, insertJob, NOW, tokenIdentifier, useFakeClock } from "./test.setup";

useFakeClock();

describe("internal state changes check the status first", () => {
  test("startJob takes only a pending job of the given user", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const jobId = await insertJob(t, { userId: alice });
    expect(
      await t.mutation(internal.jobTransitions.startJob, {
        jobId,
        userId: tokenIdentifier("bob"),
        model: "openai-compatible",
      }),
    ).toBeNull();
    const started = await t.mutation(internal.jobTransitions.startJob, {
      jobId,
      userId: alice,
      model: "openai-compatible",
    });
    expect(started).toEqual({
      attempt: 1,
      prompt: "A topic",
      questionsSaved: 0,
      questionsGenerated: 0,
      questionsSkipped: 0,
      existingQuestions: [],
      tokenAllowance: JOB_CONFIG.MAX_ATTEMPT_TOKENS,
    });
    expect(await getJob(t, jobId)).toMatchObject({ status: "processing", startedAt: NOW, model: "openai-compatible" });
    expect(
      await t.mutation(internal.jobTransitions.startJob, { jobId, userId: alice, model: "openai-compatible" }),
    ).toBeNull();
  });

  test("isAttemptRunning: true only while the job processes that attempt", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { userId: tokenIdentifier("alice"), status: "processing", attempts: 2 });
    expect(await t.query(internal.jobTransitions.isAttemptRunning, { jobId, attempt: 2 })).toBe(true);
    expect(await t.query(internal.jobTransitions.isAttemptRunning, { jobId, attempt: 1 })).toBe(false);
    await asUser(t, "alice").mutation(api.generationJobs.pauseJob, { jobId });
    expect(await t.query(internal.jobTransitions.isAttemptRunning, { jobId, attempt: 2 })).toBe(false);
  });

  test("a cancelled job gets no progress, completion or failure written over it", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, {
      userId: tokenIdentifier("alice"),
      status: "cancelled",
      phase: "generating",
      questionsSaved: 3,
    });
    const before = await getJob(t, jobId);
    const batch = { jobId, userId: tokenIdentifier("alice"), questions: [], batchStart: 3, questionsGenerated: 9 };
    expect(await t.mutation(internal.batches.saveBatch, batch)).toMatchObject({ accepted: false });
    expect(await t.mutation(internal.jobTransitions.completeJob, { jobId })).toBe(false);
    expect(await t.mutation(internal.jobTransitions.failJob, { jobId, errorCode: "NETWORK" })).toBe(false);
    expect(await getJob(t, jobId)).toEqual(before);
  });

  test("completeJob marks a processing job completed, with its duration since the attempt started", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, {
      userId: tokenIdentifier("alice"),
      status: "processing",
      questionsSaved: 5,
      startedAt: NOW - 4200,
    });
    expect(await t.mutation(internal.jobTransitions.completeJob, { jobId })).toBe(true);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      completedAt: NOW,
      durationMs: 4200,
      phase: "finalizing",
    });
    expect(await t.mutation(internal.jobTransitions.completeJob, { jobId })).toBe(false);
  });

  test("failJob stores the code with its fixed message and retryability, never provider text", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, { userId: tokenIdentifier("alice"), status: "processing", startedAt: NOW - 3000 });
    expect(await t.mutation(internal.jobTransitions.failJob, { jobId, errorCode: "RATE_LIMIT" })).toBe(true);
    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "RATE_LIMIT",
      errorMessage: JOB_ERRORS.RATE_LIMIT.title,
      retryable: true,
      completedAt: NOW,
      durationMs: 3000,
    });
    expect(await t.mutation(internal.jobTransitions.failJob, { jobId, errorCode: "UNKNOWN" })).toBe(false);
  });
});
