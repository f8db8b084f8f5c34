/**
 * The generation pool and its queue: at most `MAX_PARALLEL_GENERATIONS`
 * attempts run, the rest wait as `queued` in a fair order (round robin by user,
 * then by age), each with its place and expected start; the model's shared
 * quota and the provider's 429 hold dispatching back without failing anyone;
 * the sweeper never fails a job that is only waiting. Fake clock: scheduled
 * actions stay queued, so attempts are ended here with `startJob` and `completeJob`
 * (time moves with `vi.setSystemTime`, which fires no timer: a fired action would
 * run beside the one the test plays).
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { RUNNING_JOB_STATUSES } from "../lib/validators";
import { makeQuestions } from "../tests/support/scriptedModels";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import {
  allJobs,
  asUser,
  getJob,
  initConvexTest,
  NOW,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";

useFakeClock();
afterEach(() => vi.unstubAllEnvs());

const create = (t: TestConvex, user: string, prompt = `${user}'s topic`) =>
  asUser(t, user).mutation(api.generationJobs.createJob, { prompt });

const statusOf = async (t: TestConvex, jobId: Id<"generationJobs">) => (await getJob(t, jobId))!.status;

/** Starts `jobId`'s attempt as its action would (the test plays the action: the scheduled one is dropped). */
async function start(t: TestConvex, jobId: Id<"generationJobs">) {
  const job = (await getJob(t, jobId))!;
  await t.run((ctx) => ctx.scheduler.cancel(job.scheduledFunctionId!));
  const started = await t.mutation(internal.jobTransitions.startJob, {
    jobId,
    userId: job.userId,
    model: "openai-compatible",
  });
  expect(started).not.toBeNull();
  return started!;
}

/** Runs `jobId`'s attempt to its end, as its action would: started, then completed. */
async function finish(t: TestConvex, jobId: Id<"generationJobs">) {
  const started = await start(t, jobId);
  vi.setSystemTime(Date.now() + 20_000);
  expect(await t.mutation(internal.jobTransitions.completeJob, { jobId, attempt: started.attempt })).toBe(true);
}

const pool = (t: TestConvex) => t.run((ctx) => ctx.db.query("generationPool").first());

/** The pool's count against the jobs that really hold a slot. */
async function expectPoolInStep(t: TestConvex) {
  const jobs = await allJobs(t);
  const running = jobs.filter((job) => (RUNNING_JOB_STATUSES as readonly string[]).includes(job.status)).length;
  expect((await pool(t))?.running ?? 0).toBe(running);
  const queuedRows = await t.run((ctx) => ctx.db.query("generationQueue").collect());
  expect(queuedRows.map((row) => row.jobId).sort()).toEqual(
    jobs
      .filter((job) => job.status === "queued")
      .map((job) => job._id)
      .sort(),
  );
}

describe("the pool", () => {
  test("runs at most MAX_PARALLEL_GENERATIONS attempts; the others wait as queued, with their place", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "2");
    const t = initConvexTest();
    const a = await create(t, "ann");
    const b = await create(t, "bob");
    const c = await create(t, "cat");
    const d = await create(t, "dan");
    expect([await statusOf(t, a), await statusOf(t, b), await statusOf(t, c), await statusOf(t, d)]).toEqual([
      "pending",
      "pending",
      "queued",
      "queued",
    ]);
    const dan = await asUser(t, "dan").query(api.generationQueue.getQueueStatus, {});
    expect(dan).toMatchObject({ running: 2, maxParallel: 2, jobs: [{ jobId: d, place: 2, placeCapped: false }] });
    // Two slots, attempts taken to last DEFAULT_ATTEMPT_MS: the 2nd in line starts once two slots have freed.
    expect(dan!.jobs[0]!.estimatedStartAt).toBe(NOW + JOB_CONFIG.DEFAULT_ATTEMPT_MS);
    await expectPoolInStep(t);

    await finish(t, a);
    expect(await statusOf(t, c)).toBe("pending"); // dispatched in the same transaction as a's end
    expect((await asUser(t, "dan").query(api.generationQueue.getQueueStatus, {}))!.jobs[0]).toMatchObject({
      place: 1,
    });
    await expectPoolInStep(t);
  });

  test("round robin by user, then by age: one user's queued jobs never delay another user's first job", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const ann = [await create(t, "ann", "one"), await create(t, "ann", "two"), await create(t, "ann", "three")];
    vi.setSystemTime(Date.now() + 1000); // the clock only: no scheduled action starts (the test plays them)
    const bob = await create(t, "bob");
    vi.setSystemTime(Date.now() + 1000);
    const cat = await create(t, "cat");
    const order: Id<"generationJobs">[] = [];
    for (let running = ann[0]!; ;) {
      order.push(running);
      await finish(t, running);
      const next = (await allJobs(t)).find((job) => job.status === "pending");
      if (!next) break;
      running = next._id;
    }
    expect(order).toEqual([ann[0], bob, cat, ann[1], ann[2]]);
    await expectPoolInStep(t);
  });

  test("cancelling or pausing a queued job frees its place at once; resume, retry and more go through the queue", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const first = await create(t, "ann");
    const second = await create(t, "bob");
    const third = await create(t, "cat");
    const place = async (user: string) =>
      (await asUser(t, user).query(api.generationQueue.getQueueStatus, {}))!.jobs[0]?.place;
    expect(await place("cat")).toBe(2);
    await asUser(t, "bob").mutation(api.generationJobs.cancelJob, { jobId: second });
    expect(await place("cat")).toBe(1);
    await asUser(t, "cat").mutation(api.generationJobs.pauseJob, { jobId: third });
    expect(await asUser(t, "cat").query(api.generationQueue.getQueueStatus, {})).toMatchObject({ jobs: [] });
    await expectPoolInStep(t);

    // Resume while the pool is full: back in the queue, not running.
    await asUser(t, "cat").mutation(api.generationJobs.resumeJob, { jobId: third });
    expect(await statusOf(t, third)).toBe("queued");
    await finish(t, first);
    expect(await statusOf(t, third)).toBe("pending");
    // "More" on a finished job while another runs: queued too.
    await asUser(t, "ann").mutation(api.generationJobs.extendJob, { jobId: first });
    expect(await statusOf(t, first)).toBe("queued");
    await expectPoolInStep(t);
  });

  test("a running job makes way at its next batch for another learner's first job, and goes on later, behind first jobs, once", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const ann = await create(t, "ann");
    let attempt = (await start(t, ann)).attempt;
    const saveOne = async (jobId: Id<"generationJobs">, from: number) =>
      await t.mutation(internal.batches.saveBatch, {
        jobId,
        userId: tokenIdentifier("ann"),
        questions: makeQuestions(1, from),
        batchStart: from,
        attempt,
        plan: { topic: "Ann's topic", estimatedTotal: 10 },
        questionsGenerated: from + 1,
      });
    // Nobody waits: the batch is saved and the job runs on.
    expect(await saveOne(ann, 0)).toMatchObject({ accepted: true, status: "processing" });

    vi.setSystemTime(Date.now() + 1000);
    const bob = await create(t, "bob");
    expect(await statusOf(t, bob)).toBe("queued");
    // Ann's next batch is saved, then her job gives its slot to Bob's first job, in the same transaction.
    expect(await saveOne(ann, 1)).toMatchObject({ accepted: true, status: "queued", questionsSaved: 2 });
    expect(await statusOf(t, bob)).toBe("pending");
    const madeWay = (await getJob(t, ann))!;
    expect(madeWay).toMatchObject({ status: "queued", questionsSaved: 2, attempts: attempt + 1, yields: 1 });
    expect(madeWay.attemptHistory!.at(-1)).toMatchObject({ attempt, outcome: "yielded", questionsSaved: 2 });
    // The stopped attempt writes nothing more.
    expect(await saveOne(ann, 2)).toMatchObject({ accepted: false, status: "queued" });
    await expectPoolInStep(t);

    // A first job that comes later still goes before the job that made way: it has run.
    vi.setSystemTime(Date.now() + 1000);
    const cat = await create(t, "cat");
    const place = async (user: string) =>
      (await asUser(t, user).query(api.generationQueue.getQueueStatus, {}))!.jobs[0]?.place;
    expect([await place("cat"), await place("ann")]).toEqual([1, 2]);
    await finish(t, bob);
    await finish(t, cat);

    // Ann's job goes on from its 2 questions as a new attempt, and makes way no more (MAX_YIELDS_PER_JOB).
    expect(JOB_CONFIG.MAX_YIELDS_PER_JOB).toBe(1);
    const resumed = await start(t, ann);
    expect(resumed).toMatchObject({ attempt: attempt + 1, questionsSaved: 2 });
    expect(resumed.existingQuestions).toHaveLength(2);
    attempt = resumed.attempt;
    await create(t, "dan");
    expect(await saveOne(ann, 2)).toMatchObject({ accepted: true, status: "processing", questionsSaved: 3 });
    await expectPoolInStep(t);
  });

  test("a job does not make way for another learner's later job (the rest of the rule: lib/queue.test.ts)", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "2");
    const t = initConvexTest();
    const ann = await create(t, "ann");
    const { attempt } = await start(t, ann);
    const bob = [await create(t, "bob", "one"), await create(t, "bob", "two")];
    expect(await statusOf(t, bob[1]!)).toBe("queued"); // round 1: Bob has a job running
    const result = await t.mutation(internal.batches.saveBatch, {
      jobId: ann,
      userId: tokenIdentifier("ann"),
      questions: makeQuestions(1),
      batchStart: 0,
      attempt,
      plan: { topic: "Ann's topic", estimatedTotal: 10 },
      questionsGenerated: 1,
    });
    expect(result).toMatchObject({ accepted: true, status: "processing" });
    expect(await statusOf(t, bob[1]!)).toBe("queued");
    await expectPoolInStep(t);
  });

  test("the sweeper never fails a job that is only waiting, however long", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const running = await create(t, "ann");
    const waiting = await create(t, "bob");
    await t.mutation(internal.jobTransitions.startJob, {
      jobId: running,
      userId: tokenIdentifier("ann"),
      model: "sample",
    });
    vi.setSystemTime(Date.now() + JOB_CONFIG.ACTION_TIMEOUT_MS * 3);
    await t.run(async (ctx) => {
      // The running job's action is long gone: the sweeper fails it, and the waiting job takes its slot.
      const job = (await ctx.db.get("generationJobs", running))!;
      await ctx.scheduler.cancel(job.scheduledFunctionId!);
    });
    expect(await t.mutation(internal.maintenance.recoverStuckJobs, {})).toEqual({ interrupted: 1 });
    expect(await getJob(t, running)).toMatchObject({ status: "failed", errorCode: "INTERRUPTED" });
    expect(await statusOf(t, waiting)).toBe("pending");
    await expectPoolInStep(t);
  });

  test("the sweeper repairs a pool whose count went wrong, and dispatches", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "1");
    const t = initConvexTest();
    const first = await create(t, "ann");
    const waiting = await create(t, "bob");
    await t.run(async (ctx) => {
      // A job deleted while it ran (never done by the app): the pool still counts its slot.
      await ctx.db.delete("generationJobs", first);
    });
    vi.advanceTimersByTime(JOB_CONFIG.STALE_JOB_AFTER_MS + 1000);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await t.mutation(internal.maintenance.recoverStuckJobs, {});
    expect(await statusOf(t, waiting)).toBe("pending");
    await expectPoolInStep(t);
  });

  test("a MAX_PARALLEL_GENERATIONS that is not a positive whole number is reported, and the default used", async () => {
    vi.stubEnv("MAX_PARALLEL_GENERATIONS", "unlimited");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const t = initConvexTest();
    const jobs = [];
    for (const user of ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]) jobs.push(await create(t, user));
    const statuses = await Promise.all(jobs.map((job) => statusOf(t, job)));
    expect(statuses.filter((s) => s === "pending")).toHaveLength(JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS);
    expect(statuses.filter((s) => s === "queued")).toHaveLength(10 - JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS);
    expect(errors).toHaveBeenCalledWith(
      `Configuration: MAX_PARALLEL_GENERATIONS="unlimited" is not a positive whole number; using the default, ${JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS}.`,
    );
  });
});

describe("the model's shared quota", () => {
  test("a job that must wait for quota stays queued, and is dispatched when the quota has refilled", async () => {
    vi.stubEnv("MODEL_REQUESTS_PER_MINUTE", "1");
    const t = initConvexTest();
    const first = await create(t, "ann");
    const second = await create(t, "bob");
    expect(await statusOf(t, first)).toBe("pending");
    expect(await statusOf(t, second)).toBe("queued"); // a free slot, but no request left this minute
    const bob = await asUser(t, "bob").query(api.generationQueue.getQueueStatus, {});
    expect(bob!.jobs[0]!.estimatedStartAt).toBeGreaterThan(NOW + 50_000);
    expect((await pool(t))?.dispatchAt).toBeGreaterThan(NOW);
    await t.finishInProgressScheduledFunctions();
    vi.advanceTimersByTime(60_000);
    await t.finishInProgressScheduledFunctions();
    expect(await statusOf(t, second)).toBe("pending");
    await expectPoolInStep(t);
  });

  test("while the quota holds jobs back, one dispatch is scheduled at a time, however often slots free", async () => {
    vi.stubEnv("MODEL_REQUESTS_PER_MINUTE", "2");
    const t = initConvexTest();
    const running = [await create(t, "ann"), await create(t, "bob")]; // the minute's two requests
    const waiting = [await create(t, "cat"), await create(t, "dan"), await create(t, "eve")];
    const scheduledDispatches = () =>
      t.run(
        async (ctx) =>
          (await ctx.db.system.query("_scheduled_functions").collect()).filter(
            (f) => f.name === "generationQueue:dispatch" && f.state.kind === "pending",
          ).length,
      );
    expect(await scheduledDispatches()).toBe(1);
    const firstDispatchAt = (await pool(t))!.dispatchAt;
    // A request comes back every 30 s, and a slot frees each time, before the scheduled dispatch has run (as on
    // a busy deployment): each end dispatches what the quota allows, and schedules nothing more.
    for (const [i, jobId] of running.entries()) {
      const started = await start(t, jobId);
      vi.setSystemTime(NOW + (i + 1) * 30_000); // the clock only: no timer fires
      await t.mutation(internal.jobTransitions.completeJob, { jobId, attempt: started.attempt });
      expect(await scheduledDispatches()).toBe(1);
    }
    expect(await Promise.all(waiting.map((jobId) => statusOf(t, jobId)))).toEqual(["pending", "pending", "queued"]);
    expect((await pool(t))!.dispatchAt).toBe(firstDispatchAt);
    await expectPoolInStep(t);
  });

  test("a scheduled dispatch that never runs is replaced by the sweeper once long overdue", async () => {
    vi.stubEnv("MODEL_REQUESTS_PER_MINUTE", "1");
    const t = initConvexTest();
    await create(t, "ann");
    const waiting = await create(t, "bob");
    const { dispatchId, dispatchAt } = (await pool(t))!;
    await t.run((ctx) => ctx.scheduler.cancel(dispatchId!)); // lost
    vi.setSystemTime(dispatchAt! + JOB_CONFIG.STALE_JOB_AFTER_MS + 1);
    await t.mutation(internal.maintenance.recoverStuckJobs, {});
    expect(await statusOf(t, waiting)).toBe("pending");
    const repaired = (await pool(t))!;
    expect([repaired.dispatchAt, repaired.dispatchId]).toEqual([undefined, undefined]);
  });

  test("the provider's 429 sends the job back to the queue and holds dispatching back, doubling; a job past MAX_RATE_LIMIT_REQUEUES fails", async () => {
    const t = initConvexTest();
    const jobId = await create(t, "ann");
    const usage = { inputTokens: 10, outputTokens: 0, estimated: true };
    const requeue = async () => {
      const started = await start(t, jobId);
      return await t.mutation(internal.jobTransitions.requeueJob, { jobId, attempt: started.attempt, usage });
    };
    expect(await requeue()).toBe(true);
    expect(await getJob(t, jobId)).toMatchObject({ status: "queued", attempts: 2, rateLimitRequeues: 1 });
    expect(await pool(t)).toMatchObject({ backoffMs: JOB_CONFIG.RATE_LIMIT_BACKOFF_MS.initial, running: 0 });
    // Nothing is dispatched during the backoff, not even another user's new job.
    const other = await create(t, "bob");
    expect(await statusOf(t, other)).toBe("queued");
    vi.advanceTimersByTime(JOB_CONFIG.RATE_LIMIT_BACKOFF_MS.initial);
    await t.finishInProgressScheduledFunctions();
    expect(await statusOf(t, jobId)).toBe("pending");
    expect(await statusOf(t, other)).toBe("pending");
    // Each further 429 doubles the backoff; past the limit the job fails as RATE_LIMIT.
    await t.run((ctx) =>
      ctx.db.patch("generationJobs", jobId, { rateLimitRequeues: JOB_CONFIG.MAX_RATE_LIMIT_REQUEUES }),
    );
    await requeue();
    expect(await getJob(t, jobId)).toMatchObject({ status: "failed", errorCode: "RATE_LIMIT", retryable: true });
    expect(await pool(t)).toMatchObject({ backoffMs: JOB_CONFIG.RATE_LIMIT_BACKOFF_MS.initial * 2 });
  });
});

describe("the daily budget held by running attempts", () => {
  test("a running attempt reserves what it may spend, gives it back when it ends; starts that would overshoot are refused", async () => {
    const t = initConvexTest();
    const ann = tokenIdentifier("ann");
    const day = () => t.run((ctx) => ctx.db.query("dailyUsage").first());
    const first = await create(t, "ann");
    expect(await getJob(t, first)).toMatchObject({ tokenReservation: { tokens: JOB_CONFIG.MAX_ATTEMPT_TOKENS } });
    expect(await day()).toMatchObject({ userId: ann, reservedTokens: JOB_CONFIG.MAX_ATTEMPT_TOKENS });

    // Spent all but what the running attempt holds: a new start would overshoot the day.
    await t.run(async (ctx) => {
      const row = (await ctx.db.query("dailyUsage").first())!;
      await ctx.db.patch("dailyUsage", row._id, {
        outputTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET - JOB_CONFIG.MAX_ATTEMPT_TOKENS - 500,
      });
    });
    const refused = await asUser(t, "ann")
      .mutation(api.generationJobs.createJob, { prompt: "one more" })
      .catch((error: { data: { code: string; message: string } }) => error.data);
    expect(refused).toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect((refused as { message: string }).message).toContain("held by your generations running now");

    await finish(t, first);
    expect(await day()).toMatchObject({ reservedTokens: 0 });
    expect(await getJob(t, first)).not.toHaveProperty("tokenReservation");
  });
});
