/**
 * The public jobs API (`generationJobs.ts`), in convex-test with Convex's
 * transaction limits on. Fake timers keep scheduled actions queued, so each
 * test decides what runs; `generationJobs.integration.test.ts` runs them.
 */
import { ConvexError } from "convex/values";
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { api } from "./_generated/api";
import {
  allJobs,
  asUser,
  errorOf,
  getJob,
  initConvexTest,
  insertJob,
  NOW,
  tokenIdentifier,
  useFakeClock,
} from "./test.setup";

useFakeClock();

describe("createJob", () => {
  test("creates a pending job for the caller and schedules processJob with their userId", async () => {
    const t = initConvexTest();
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "  NATO alphabet  " });
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({
      userId: tokenIdentifier("alice"),
      kind: "questions",
      prompt: "NATO alphabet",
      status: "pending",
      phase: "planning",
      questionsGenerated: 0,
      questionsSaved: 0,
      createdAt: NOW,
      lastProgressAt: NOW,
      attempts: 1,
    });
    const scheduled = await t.run((ctx) => ctx.db.system.get("_scheduled_functions", job!.scheduledFunctionId!));
    expect(scheduled).toMatchObject({
      name: "aiGeneration:processJob",
      args: [{ jobId, userId: tokenIdentifier("alice") }],
      state: { kind: "pending" },
    });
  });

  test.each([
    ["empty", "", "Type what you want to learn about."],
    ["whitespace", "   ", "Type what you want to learn about."],
    ["2 characters", "ab", "Use at least 3 characters so the topic is clear."],
    ["5,001 characters", "x".repeat(5001), "Keep it under 5,000 characters (this is 5,001)."],
  ])("rejects a prompt of %s with INVALID_PROMPT and writes nothing", async (_label, prompt, message) => {
    const t = initConvexTest();
    expect(await errorOf(asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt }))).toEqual({
      code: "INVALID_PROMPT",
      message,
    });
    expect(await allJobs(t)).toHaveLength(0);
  });

  test("stores any script, emoji or markup as plain text", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    for (const prompt of ["abc", "x".repeat(5000), "🧬🧪🔬 DNA", "תולדות ישראל", "<script>alert(1)</script>"]) {
      const jobId = await alice.mutation(api.generationJobs.createJob, { prompt });
      expect((await getJob(t, jobId))?.prompt).toBe(prompt);
      await alice.mutation(api.generationJobs.cancelJob, { jobId });
    }
  });

  test("refuses anonymous callers", async () => {
    const t = initConvexTest();
    expect(await errorOf(t.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" }))).toEqual({
      code: "UNAUTHENTICATED",
      message: "Please sign in first.",
    });
  });

  test("allows 3 active jobs per user, counting pending and processing; the 4th gets CONCURRENCY_LIMIT", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const first = await alice.mutation(api.generationJobs.createJob, { prompt: "one" });
    await t.run((ctx) => ctx.db.patch("generationJobs", first, { status: "processing" }));
    await alice.mutation(api.generationJobs.createJob, { prompt: "two" });
    await alice.mutation(api.generationJobs.createJob, { prompt: "three" });
    const error = await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "four" }));
    expect(error.code).toBe("CONCURRENCY_LIMIT");
    expect(error.message).toMatch(/already have 3 generations running/);
    // Another user is not affected, and a finished job frees a slot.
    await asUser(t, "bob").mutation(api.generationJobs.createJob, { prompt: "bob's" });
    await t.run((ctx) => ctx.db.patch("generationJobs", first, { status: "completed" }));
    await alice.mutation(api.generationJobs.createJob, { prompt: "four" });
  });

  test("10 parallel calls from one user make exactly 3 jobs; the rest get CONCURRENCY_LIMIT", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => alice.mutation(api.generationJobs.createJob, { prompt: `Topic ${i}` })),
    );
    const created = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(created).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect((r.reason as ConvexError<{ code: string }>).data.code).toBe("CONCURRENCY_LIMIT");
    const active = await alice.query(api.generationJobs.getActiveJobs, {});
    expect(active).toHaveLength(3);
    expect(await allJobs(t)).toHaveLength(3);
  });

  test("rate limit: a burst of 6 jobs, then RATE_LIMITED with a wait, refilled over time", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    for (let i = 0; i < JOB_CONFIG.RATE_LIMIT.capacity; i++) {
      const jobId = await alice.mutation(api.generationJobs.createJob, { prompt: `Topic ${i}` });
      await alice.mutation(api.generationJobs.cancelJob, { jobId });
    }
    const error = await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "one too many" }));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(/too quickly\. Try again in \d+ (seconds?|minutes?)\./);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(JOB_CONFIG.RATE_LIMIT.period / JOB_CONFIG.RATE_LIMIT.rate);
    // Other users have their own bucket.
    await asUser(t, "bob").mutation(api.generationJobs.createJob, { prompt: "bob's" });
    vi.setSystemTime(NOW + error.retryAfterMs!);
    await alice.mutation(api.generationJobs.createJob, { prompt: "after waiting" });
  });

  test("daily token budget: a user who has spent it gets BUDGET_EXCEEDED until midnight UTC, others are not affected", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const spent = JOB_CONFIG.DAILY_TOKEN_BUDGET - 10_000;
    await t.run((ctx) =>
      ctx.db.insert("dailyUsage", {
        userId: tokenIdentifier("alice"),
        day: "2026-11-23",
        inputTokens: 1000,
        outputTokens: spent - 1000,
      }),
    );
    expect((await alice.query(api.admission.getStartAllowance, {}))?.tokensToday).toEqual({
      usedTokens: spent,
      reservedTokens: 0,
      budgetTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET,
      resetsAt: Date.UTC(2026, 10, 24),
    });
    const failedJob = await insertJob(t, { userId: tokenIdentifier("alice"), status: "failed", retryable: true });
    await alice.mutation(api.generationJobs.createJob, { prompt: "still under" }); // under the budget: fine
    await t.run(async (ctx) => {
      const day = (await ctx.db.query("dailyUsage").first())!;
      await ctx.db.patch("dailyUsage", day._id, { outputTokens: day.outputTokens + 10_000 });
    });
    const error = await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "over" }));
    expect(error).toEqual({
      code: "BUDGET_EXCEEDED",
      message: `You've used today's AI budget (${JOB_CONFIG.DAILY_TOKEN_BUDGET.toLocaleString("en-US")} of ${JOB_CONFIG.DAILY_TOKEN_BUDGET.toLocaleString("en-US")} tokens). It resets in 12 hours, at midnight UTC.`,
      retryAfterMs: 12 * 60 * 60 * 1000,
    });
    expect((await errorOf(alice.mutation(api.generationJobs.retryJob, { jobId: failedJob }))).code).toBe(
      "BUDGET_EXCEEDED",
    );
    await asUser(t, "bob").mutation(api.generationJobs.createJob, { prompt: "bob's own budget" });
    vi.setSystemTime(Date.UTC(2026, 10, 24, 0, 0, 1)); // a new day
    await alice.mutation(api.generationJobs.createJob, { prompt: "the next day" });
  });

  test("refused calls consume no rate-limit token", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    for (let i = 0; i < 3; i++) await alice.mutation(api.generationJobs.createJob, { prompt: `Topic ${i}` });
    for (let i = 0; i < 20; i++) {
      expect((await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "busy" }))).code).toBe(
        "CONCURRENCY_LIMIT",
      );
    }
    const jobs = await alice.query(api.generationJobs.getActiveJobs, {});
    for (const job of jobs) await alice.mutation(api.generationJobs.cancelJob, { jobId: job._id });
    // 3 tokens used of 6: three more jobs are allowed.
    for (let i = 0; i < 3; i++) await alice.mutation(api.generationJobs.createJob, { prompt: `Again ${i}` });
  });

  test("the same idempotency key returns the same job, even past the limits", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const args = { prompt: "NATO alphabet", idempotencyKey: "3f1c6a9e-0b7d-4e55-9a51-1f3c2b7d8e90" };
    const first = await alice.mutation(api.generationJobs.createJob, args);
    const [second, third] = await Promise.all([
      alice.mutation(api.generationJobs.createJob, args),
      alice.mutation(api.generationJobs.createJob, args),
    ]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(await allJobs(t)).toHaveLength(1);
    // The key is per user: bob's identical key is his own job.
    const bobs = await asUser(t, "bob").mutation(api.generationJobs.createJob, args);
    expect(bobs).not.toBe(first);
    // A different key is a new job; a bad key is refused.
    await alice.mutation(api.generationJobs.createJob, { prompt: "Other", idempotencyKey: "k2" });
    await alice.mutation(api.generationJobs.createJob, { prompt: "Other", idempotencyKey: "k3" });
    expect(await alice.mutation(api.generationJobs.createJob, args)).toBe(first); // at the limit, still the same job
    expect(
      (await errorOf(alice.mutation(api.generationJobs.createJob, { prompt: "x y z", idempotencyKey: "" }))).code,
    ).toBe("INVALID_ARGUMENT");
    expect(
      (
        await errorOf(
          alice.mutation(api.generationJobs.createJob, { prompt: "x y z", idempotencyKey: "k".repeat(129) }),
        )
      ).code,
    ).toBe("INVALID_ARGUMENT");
  });
});

describe("reading jobs", () => {
  test("getRecentJobs: own jobs only, newest first whatever their status, at most the limit", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const statuses = ["completed", "pending", "failed", "processing", "cancelled", "completed"] as const;
    const ids = [];
    for (const [i, status] of statuses.entries()) {
      ids.push(await insertJob(t, { userId: alice, status, prompt: `Job ${i}`, createdAt: NOW + i * 1000 }));
    }
    await insertJob(t, { userId: tokenIdentifier("bob"), createdAt: NOW + 10_000 });

    const recent = await asUser(t, "alice").query(api.generationJobs.getRecentJobs, {});
    expect(recent.map((j) => j._id)).toEqual([...ids].reverse());
    expect(recent[0]).not.toHaveProperty("userId");
    expect((await asUser(t, "alice").query(api.generationJobs.getRecentJobs, { limit: 2 })).map((j) => j._id)).toEqual([
      ids[5],
      ids[4],
    ]);
    const completed = await asUser(t, "alice").query(api.generationJobs.getRecentJobs, { status: "completed" });
    expect(completed.map((j) => j._id)).toEqual([ids[5], ids[0]]);
    expect(await t.query(api.generationJobs.getRecentJobs, {})).toEqual([]);
    expect(await asUser(t, "carol").query(api.generationJobs.getRecentJobs, {})).toEqual([]);
  });

  test("getRecentJobs: 20 by default, 50 at most, long prompts cut to a preview", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    await t.run(async (ctx) => {
      for (let i = 0; i < 60; i++) {
        await ctx.db.insert("generationJobs", {
          userId: alice,
          kind: "questions",
          prompt: "p".repeat(1000),
          status: "completed",
          phase: "finalizing",
          questionsGenerated: 0,
          questionsSaved: 0,
          createdAt: NOW + i,
          lastProgressAt: NOW,
          attempts: 1,
        });
      }
    });
    const as = asUser(t, "alice");
    expect(await as.query(api.generationJobs.getRecentJobs, {})).toHaveLength(20);
    expect(await as.query(api.generationJobs.getRecentJobs, { limit: 500 })).toHaveLength(50);
    expect(await as.query(api.generationJobs.getRecentJobs, { limit: 0 })).toHaveLength(1);
    const [first] = await as.query(api.generationJobs.getRecentJobs, { limit: 1 });
    expect(first!.prompt).toBe(`${"p".repeat(280)}…`);
  });

  test("getActiveJobs reads only pending and processing jobs, newest first", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    await insertJob(t, { userId: alice, status: "completed", createdAt: NOW + 5 });
    const pending = await insertJob(t, { userId: alice, status: "pending", createdAt: NOW + 1 });
    const processing = await insertJob(t, { userId: alice, status: "processing", createdAt: NOW + 2 });
    await insertJob(t, { userId: tokenIdentifier("bob"), status: "processing" });
    const active = await asUser(t, "alice").query(api.generationJobs.getActiveJobs, {});
    expect(active.map((j) => j._id)).toEqual([processing, pending]);
    expect(await t.query(api.generationJobs.getActiveJobs, {})).toEqual([]);
  });

  test("getLiveJobs: active then paused jobs, however many newer jobs exist (not only the last 20)", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const paused = await insertJob(t, { userId: alice, status: "paused", createdAt: NOW });
    const processing = await insertJob(t, { userId: alice, status: "processing", createdAt: NOW + 1 });
    for (let i = 0; i < JOB_CONFIG.RECENT_JOBS_MAX_LIMIT + 5; i++) {
      await insertJob(t, { userId: alice, status: "completed", createdAt: NOW + 10 + i });
    }
    await insertJob(t, { userId: tokenIdentifier("bob"), status: "paused" });
    const recent = await asUser(t, "alice").query(api.generationJobs.getRecentJobs, { limit: 50 });
    expect(recent.map((j) => j._id)).not.toContain(paused); // beyond the recent history
    const live = await asUser(t, "alice").query(api.generationJobs.getLiveJobs, {});
    expect(live.map((j) => j._id)).toEqual([processing, paused]);
    expect(await t.query(api.generationJobs.getLiveJobs, {})).toEqual([]);
  });

  test("getJobById: the owner gets the full job; anyone else, or a bad id, gets null", async () => {
    const t = initConvexTest();
    const prompt = "q".repeat(3000);
    const jobId = await insertJob(t, { userId: tokenIdentifier("alice"), prompt, idempotencyKey: "key-1" });
    const job = await asUser(t, "alice").query(api.generationJobs.getJobById, { jobId });
    expect(job?.prompt).toBe(prompt);
    expect(job).not.toHaveProperty("idempotencyKey");
    expect(await asUser(t, "bob").query(api.generationJobs.getJobById, { jobId })).toBeNull();
    expect(await t.query(api.generationJobs.getJobById, { jobId })).toBeNull();
    expect(await asUser(t, "alice").query(api.generationJobs.getJobById, { jobId: "not-an-id" })).toBeNull();
    const questionId = await t.run((ctx) =>
      ctx.db.insert("topics", { userId: tokenIdentifier("alice"), name: "x", lastUsedAt: NOW }),
    );
    expect(await asUser(t, "alice").query(api.generationJobs.getJobById, { jobId: questionId })).toBeNull();
  });
});

describe("cancelJob", () => {
  test("cancels a pending job and drops its scheduled action", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const jobId = await alice.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    vi.setSystemTime(NOW + 500);
    expect(await alice.mutation(api.generationJobs.cancelJob, { jobId })).toEqual({ questionsSaved: 0 });
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "cancelled", completedAt: NOW + 500 });
    expect(await t.run((ctx) => ctx.db.system.get("_scheduled_functions", job!.scheduledFunctionId!))).toMatchObject({
      state: { kind: "canceled" },
    });
  });

  test("cancelling a processing job returns the questions it keeps", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, {
      userId: tokenIdentifier("alice"),
      status: "processing",
      questionsSaved: 7,
      startedAt: NOW - 4000,
    });
    expect(await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId })).toEqual({ questionsSaved: 7 });
    expect(await getJob(t, jobId)).toMatchObject({ status: "cancelled", questionsSaved: 7, durationMs: 4000 });
  });

  test("a malformed id, or an id of another table, is NOT_FOUND like a missing job", async () => {
    const t = initConvexTest();
    const as = asUser(t, "alice");
    const topicId = await t.run((ctx) =>
      ctx.db.insert("topics", { userId: tokenIdentifier("alice"), name: "x", lastUsedAt: NOW }),
    );
    for (const jobId of ["not-an-id", "", topicId]) {
      expect(await errorOf(as.mutation(api.generationJobs.cancelJob, { jobId }))).toEqual({
        code: "NOT_FOUND",
        message: "That job doesn't exist (it may have been cleaned up).",
      });
      expect(await errorOf(as.mutation(api.generationJobs.retryJob, { jobId }))).toMatchObject({ code: "NOT_FOUND" });
    }
  });

  test("only the owner may cancel, and only an active job", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const jobId = await insertJob(t, { userId: alice, status: "processing" });
    expect(await errorOf(asUser(t, "bob").mutation(api.generationJobs.cancelJob, { jobId }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await errorOf(t.mutation(api.generationJobs.cancelJob, { jobId }))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect((await getJob(t, jobId))?.status).toBe("processing");
    for (const [status, words] of [
      ["completed", "completed"],
      ["failed", "failed"],
      ["cancelled", "been cancelled"],
    ] as const) {
      const done = await insertJob(t, { userId: alice, status });
      expect(await errorOf(asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId: done }))).toEqual({
        code: "INVALID_STATE",
        message: `This job has already ${words}, so it can't be cancelled.`,
      });
    }
  });
});

describe("retryJob", () => {
  test("re-queues a retryable failed job where it stopped", async () => {
    const t = initConvexTest();
    const jobId = await insertJob(t, {
      userId: tokenIdentifier("alice"),
      status: "failed",
      phase: "generating",
      topic: "DNA",
      estimatedTotal: 10,
      questionsSaved: 4,
      errorCode: "NETWORK",
      errorMessage: "fetch failed",
      retryable: true,
      completedAt: NOW - 1,
    });
    expect(await asUser(t, "alice").mutation(api.generationJobs.retryJob, { jobId })).toBe(jobId);
    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "pending", phase: "generating", attempts: 2, questionsSaved: 4, topic: "DNA" });
    expect(job).not.toHaveProperty("errorCode");
    expect(job).not.toHaveProperty("errorMessage");
    expect(job).not.toHaveProperty("completedAt");
    expect(await t.run((ctx) => ctx.db.system.get("_scheduled_functions", job!.scheduledFunctionId!))).toMatchObject({
      name: "aiGeneration:processJob",
      state: { kind: "pending" },
    });
  });

  test("refuses non-retryable failures, other statuses, other users, and the concurrency limit", async () => {
    const t = initConvexTest();
    const alice = tokenIdentifier("alice");
    const as = asUser(t, "alice");
    const apiKey = await insertJob(t, { userId: alice, status: "failed", errorCode: "API_KEY", retryable: false });
    expect(await errorOf(as.mutation(api.generationJobs.retryJob, { jobId: apiKey }))).toMatchObject({
      code: "INVALID_STATE",
    });
    const completed = await insertJob(t, { userId: alice, status: "completed" });
    expect(await errorOf(as.mutation(api.generationJobs.retryJob, { jobId: completed }))).toEqual({
      code: "INVALID_STATE",
      message: "Only a failed job can be retried.",
    });
    const failed = await insertJob(t, { userId: alice, status: "failed", errorCode: "NETWORK", retryable: true });
    expect(await errorOf(asUser(t, "bob").mutation(api.generationJobs.retryJob, { jobId: failed }))).toMatchObject({
      code: "NOT_FOUND",
    });
    for (let i = 0; i < 3; i++) await insertJob(t, { userId: alice, status: "processing" });
    expect(await errorOf(as.mutation(api.generationJobs.retryJob, { jobId: failed }))).toMatchObject({
      code: "CONCURRENCY_LIMIT",
    });
    expect((await getJob(t, failed))?.status).toBe("failed");
  });
});
