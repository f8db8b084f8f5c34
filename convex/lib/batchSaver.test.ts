import type { FunctionArgs } from "convex/server";
import { describe, expect, test, vi } from "vitest";
import { makeQuestion } from "../../tests/support/scriptedModels";
import type { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { BatchSaver, type SaverCtx } from "./batchSaver";

type SaveArgs = FunctionArgs<typeof internal.batches.saveBatch>;

/** A job as `saveBatch` would keep it: it takes batches while `running`. */
function fakeJob(saved = 0) {
  const job = { saved, running: true, makeWay: false, saves: [] as SaveArgs[], checks: 0 };
  const ctx: SaverCtx = {
    runMutation: (_ref, args) => {
      job.saves.push(args);
      if (!job.running)
        return Promise.resolve({ accepted: false, status: "paused", saved: 0, questionsSaved: job.saved, refused: [] });
      const fresh = args.questions.slice(Math.max(0, job.saved - args.batchStart));
      job.saved += fresh.length;
      return Promise.resolve({
        accepted: true,
        // As `saveBatch` answers when the job made way after this batch (never with `finish`).
        status: job.makeWay && !args.finish ? "queued" : "processing",
        saved: fresh.length,
        questionsSaved: job.saved,
        refused: [],
      });
    },
    runQuery: () => {
      job.checks++;
      return Promise.resolve(job.running);
    },
  };
  return { job, ctx };
}

const JOB = { jobId: "job1" as Id<"generationJobs">, userId: "alice", attempt: 2 };

describe("BatchSaver", () => {
  test("saves batches with the attempt, the plan and the counts, and keeps the job's count", async () => {
    const { job, ctx } = fakeJob(3);
    const saver = new BatchSaver(ctx, { ...JOB, questionsSaved: 3 }, 0);
    const plan = { topic: "DNA", questionCount: 8 };
    expect(await saver.save([makeQuestion(0), makeQuestion(1)], { plan, generated: 3, skipped: 1 })).toBe(true);
    expect(job.saves[0]).toEqual({
      jobId: "job1",
      userId: "alice",
      questions: [makeQuestion(0), makeQuestion(1)],
      batchStart: 3,
      attempt: 2,
      plan: { topic: "DNA", estimatedTotal: 8 },
      questionsGenerated: 6,
      questionsSkipped: 1,
    });
    expect(saver.savedTotal).toBe(5);
    expect(saver.savedByAttempt).toBe(2);
    const usage = { inputTokens: 10, outputTokens: 20, estimated: false };
    await saver.save([], { plan: null, generated: 3, skipped: 1, finish: usage });
    expect(job.saves[1]).toMatchObject({ batchStart: 5, finish: { usage } });
    expect(job.saves[1]).not.toHaveProperty("plan");
  });

  test("says when the job no longer takes this attempt's batches", async () => {
    const { job, ctx } = fakeJob();
    const saver = new BatchSaver(ctx, { ...JOB, questionsSaved: 0 }, 0);
    job.running = false;
    expect(await saver.save([makeQuestion(0)], { plan: null, generated: 1, skipped: 0 })).toBe(false);
    expect(saver.savedTotal).toBe(0);
  });

  test("a batch that made the job make way is saved, and the attempt ends there", async () => {
    const { job, ctx } = fakeJob();
    const saver = new BatchSaver(ctx, { ...JOB, questionsSaved: 0 }, 0);
    expect(await saver.save([makeQuestion(0)], { plan: null, generated: 1, skipped: 0 })).toBe(true);
    expect(saver.madeWay).toBe(false);
    job.makeWay = true;
    expect(await saver.save([makeQuestion(1)], { plan: null, generated: 2, skipped: 0 })).toBe(false);
    expect(saver.madeWay).toBe(true);
    expect(saver.savedTotal).toBe(2);
  });

  test("between saves, a check is due every interval, counted from the last save or check", async () => {
    const { job, ctx } = fakeJob();
    const saver = new BatchSaver(ctx, { ...JOB, questionsSaved: 0 }, 1000, 800);
    expect(saver.msUntilCheck(1000)).toBe(800);
    expect(saver.msUntilCheck(1900)).toBe(0);
    vi.useFakeTimers({ now: 5000 }); // a check counts from when it was made
    try {
      expect(await saver.isRunning()).toBe(true);
      expect(saver.msUntilCheck(5000)).toBe(800);
      expect(saver.msUntilCheck(5500)).toBe(300);
    } finally {
      vi.useRealTimers();
    }
    job.running = false;
    expect(await saver.isRunning()).toBe(false);
    expect(job.checks).toBe(2);
  });
});
