/**
 * Maintenance (`maintenance.ts`): the sweeper fails jobs whose action is gone
 * as INTERRUPTED, and cleanup deletes old history in bounded, self-scheduling
 * batches, never questions. And the crons that run them.
 */
import { newCard } from "../lib/fsrs";
import { describe, expect, test, vi } from "vitest";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { JOB_ERRORS, newJobFields } from "../lib/jobs";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import cronsModule from "./crons";
import { allJobs, getJob, initConvexTest, insertJob, NOW, tokenIdentifier, useFakeClock } from "./test.setup";

useFakeClock();

describe("recoverStuckJobs", () => {
  test("fails, as INTERRUPTED and retryable, silent active jobs whose action is gone", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    // Real scheduler states: an action that crashed, one that ended, one cancelled, one still waiting.
    const states = await t.run(async (ctx) => {
      const victim = await ctx.db.insert("generationJobs", {
        ...newJobFields("someone-else", "x", NOW),
        status: "processing",
        phase: "generating",
      });
      return {
        // saveBatch throws when the user does not own the job: the function fails like a crash.
        failed: await ctx.scheduler.runAfter(0, internal.batches.saveBatch, {
          jobId: victim,
          userId: alice,
          questions: [],
          batchStart: 0,
          questionsGenerated: 0,
        }),
        success: await ctx.scheduler.runAfter(0, internal.jobTransitions.completeJob, { jobId: victim }),
        canceled: await ctx.scheduler.runAfter(0, internal.jobTransitions.completeJob, { jobId: victim }),
        pending: await ctx.scheduler.runAfter(60 * 60_000, internal.jobTransitions.completeJob, { jobId: victim }),
      };
    });
    await t.run((ctx) => ctx.scheduler.cancel(states.canceled));
    vi.spyOn(console, "error").mockImplementation(() => {});
    await t.finishAllScheduledFunctions(() => vi.advanceTimersByTime(1));
    expect(await t.run((ctx) => ctx.db.system.get("_scheduled_functions", states.failed))).toMatchObject({
      state: { kind: "failed" },
    });
    vi.setSystemTime(NOW);

    const silent = JOB_CONFIG.STALE_JOB_AFTER_MS + 1;
    const job = (
      status: "pending" | "processing",
      scheduledFunctionId: Id<"_scheduled_functions">,
      silentFor: number,
    ) =>
      insertJob(t, {
        userId: alice,
        status,
        lastProgressAt: NOW - silentFor,
        startedAt: NOW - silentFor,
        scheduledFunctionId,
      });
    const crashed = await job("processing", states.failed, silent);
    const endedWithoutFinishing = await job("processing", states.success, silent);
    const cancelledBeforeStart = await job("pending", states.canceled, silent);
    const waiting = await job("pending", states.pending, silent);
    const waitingTooLong = await job("pending", states.pending, JOB_CONFIG.ACTION_TIMEOUT_MS);
    const recent = await job("processing", states.failed, 1000);

    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 4 });
    for (const id of [crashed, endedWithoutFinishing, cancelledBeforeStart, waitingTooLong]) {
      expect(await getJob(t, id)).toMatchObject({
        status: "failed",
        errorCode: "INTERRUPTED",
        retryable: true,
        errorMessage: JOB_ERRORS.INTERRUPTED.title,
        completedAt: NOW,
      });
    }
    expect((await getJob(t, waiting))?.status).toBe("pending");
    expect((await getJob(t, recent))?.status).toBe("processing");
    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 0 });
  });
});

describe("cleanup", () => {
  test("deletes completed and cancelled jobs after 7 days, failed ones after 30 and old daily token totals, keeping every question", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const age = (days: number) => NOW - days * DAY_MS - 1;
    const oldCompleted = await insertJob(t, { userId: alice, status: "completed", createdAt: age(8) });
    const oldCancelled = await insertJob(t, { userId: alice, status: "cancelled", createdAt: age(7) });
    const oldFailed = await insertJob(t, { userId: alice, status: "failed", createdAt: age(31) });
    const keep = [
      await insertJob(t, { userId: alice, status: "completed", createdAt: age(6) }),
      await insertJob(t, { userId: alice, status: "failed", createdAt: age(20) }),
      await insertJob(t, { userId: alice, status: "processing", createdAt: age(40) }),
      await insertJob(t, { userId: alice, status: "pending", createdAt: age(40) }),
    ];
    const questionId = await t.run((ctx) =>
      ctx.db.insert("questions", {
        userId: alice,
        question: "Q?",
        type: "true-false",
        options: ["True", "False"],
        correctAnswer: "True",
        explanation: "",
        topic: "T",
        difficulty: "easy",
        generationJobId: oldCompleted,
        createdAt: age(8),
        card: newCard(NOW),
      }),
    );
    const usageDay = (days: number) => ({
      userId: alice,
      day: new Date(NOW - days * DAY_MS).toISOString().slice(0, 10),
      inputTokens: 1,
      outputTokens: 1,
    });
    const [oldDay, recentDay] = await t.run(async (ctx) => [
      await ctx.db.insert("dailyUsage", usageDay(JOB_CONFIG.USAGE_RETENTION_DAYS + 1)),
      await ctx.db.insert("dailyUsage", usageDay(1)),
    ]);
    expect(await t.mutation(internal.maintenance.cleanup, {})).toEqual({
      deletedCompleted: 1,
      deletedCancelled: 1,
      deletedFailed: 1,
      deletedPaused: 0,
      deletedUsageDays: 1,
      purgedQuestions: 0,
      total: 4,
      hasMore: false,
    });
    expect(await t.run((ctx) => ctx.db.get("dailyUsage", oldDay))).toBeNull();
    expect(await t.run((ctx) => ctx.db.get("dailyUsage", recentDay))).not.toBeNull();
    for (const id of [oldCompleted, oldCancelled, oldFailed]) expect(await getJob(t, id)).toBeNull();
    for (const id of keep) expect(await getJob(t, id)).not.toBeNull();
    expect(await t.run((ctx) => ctx.db.get("questions", questionId))).not.toBeNull();
  });

  test("thousands of expired jobs are deleted in bounded transactions that reschedule themselves", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const expired = 2 * JOB_CONFIG.CLEANUP_BATCH_SIZE * 3 + 123; // 3,123
    await t.run(async (ctx) => {
      for (let i = 0; i < expired; i++) {
        await ctx.db.insert("generationJobs", {
          userId: alice,
          kind: "questions",
          prompt: `Old job ${i} `.padEnd(400, "x"),
          status: i % 3 === 0 ? "failed" : i % 3 === 1 ? "cancelled" : "completed",
          phase: "finalizing",
          questionsGenerated: 10,
          questionsSaved: 10,
          createdAt: NOW - 40 * DAY_MS + i,
          lastProgressAt: NOW,
          attempts: 1,
        });
      }
    });
    const recent = await insertJob(t, { userId: alice, status: "completed", createdAt: NOW - DAY_MS });

    const first = await t.mutation(internal.maintenance.cleanup, {});
    expect(first).toMatchObject({ total: JOB_CONFIG.CLEANUP_BATCH_SIZE, hasMore: true });
    // The rest runs as the scheduled continuations, each inside Convex's limits.
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await allJobs(t);
    expect(left.map((j) => j._id)).toEqual([recent]);
  }, 30_000); // seeds and deletes 3,123 documents under convex-test's limits: seconds on a busy machine

  test("crons.ts registers the daily cleanup at 03:00 UTC, the minutely recovery and the hourly migrations", () => {
    const crons = (cronsModule as unknown as { crons: Record<string, { name: string; schedule: unknown }> }).crons;
    expect(crons["cleanup old jobs"]).toMatchObject({
      name: "maintenance:cleanup",
      schedule: { type: "daily", hourUTC: 3, minuteUTC: 0 },
    });
    expect(crons["recover stuck jobs"]).toMatchObject({
      name: "maintenance:recoverStuckJobs",
      schedule: { type: "interval", minutes: 1 },
    });
    expect(crons["start pending migrations"]).toMatchObject({
      name: "migrations:startPendingMigrations",
      schedule: { type: "interval", hours: 1 },
    });
  });
});
