/**
 * The state machine's transitions (`jobTransitions.ts`): each checks the job's
 * status in its own transaction, so nothing is written over a job that has
 * moved on (cancelled, finished), and durations are stamped in one place.
 */
import { describe, expect, test, vi } from "vitest";
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
    expect(started).toEqual({ attempt: 1, prompt: "A topic", questionsSaved: 0, existingQuestions: [] });
    expect(await getJob(t, jobId)).toMatchObject({ status: "processing", startedAt: NOW, model: "openai-compatible" });
    expect(
      await t.mutation(internal.jobTransitions.startJob, { jobId, userId: alice, model: "openai-compatible" }),
    ).toBeNull();
  });

  test("updateProgress updates a processing job; its topic is not listed until a question is saved", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const jobId = await insertJob(t, { userId: alice, status: "processing" });
    vi.setSystemTime(NOW + 100);
    const args = { jobId, phase: "generating" as const, topic: "DNA", estimatedTotal: 12 };
    expect(await t.mutation(internal.jobTransitions.updateProgress, args)).toBe(true);
    const { jobId: _, ...progress } = args;
    expect(await getJob(t, jobId)).toMatchObject({ ...progress, lastProgressAt: NOW + 100 });
    expect(await asUser(t, "alice").query(api.myQuestions.listMyTopics, {})).toEqual([]);
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
    expect(
      await t.mutation(internal.jobTransitions.updateProgress, { jobId, phase: "finalizing", estimatedTotal: 9 }),
    ).toBe(false);
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
