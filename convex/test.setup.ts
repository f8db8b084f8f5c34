/// <reference types="vite/client" />
/**
 * convex-test setup shared by every test of the Convex functions: the app's
 * modules, the schema, the components it uses, and Convex's real
 * per-transaction limits (documents and bytes read and written, functions
 * scheduled), so a test fails where production would.
 */
import { newJobFields } from "../lib/jobs";
import rateLimiter from "@convex-dev/rate-limiter/test";
import { convexTest } from "convex-test";
import { ConvexError } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import { afterEach, beforeEach, vi } from "vitest";
import { makeQuestion } from "../tests/support/scriptedModels";
import { internal } from "./_generated/api";
import schema from "./schema";

export const modules = import.meta.glob(["./**/*.ts", "./**/*.js", "!./**/*.test.ts", "!./**/*.d.ts"]);

export function initConvexTest() {
  const t = convexTest({ schema, modules, transactionLimits: true });
  rateLimiter.register(t);
  return t;
}

export type TestConvex = ReturnType<typeof initConvexTest>;

/** The clock of the API tests: a fixed moment, so dates and durations are exact. */
export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

/** Runs each test of the file on fake timers set to `NOW` (scheduled functions stay queued until a test runs them). */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Every job in the database (tests keep them few). */
export const allJobs = (t: TestConvex) => t.run((ctx) => ctx.db.query("generationJobs").collect());

/** A signed-in caller. Their `userId` in the database is `tokenIdentifier(name)`. */
export function asUser(t: TestConvex, name: string) {
  return t.withIdentity({ subject: name, name });
}

export function tokenIdentifier(name: string): string {
  return `https://convex.test|${name}`;
}

/** Runs every scheduled function (and what they schedule) to completion, on real timers. */
export async function runScheduled(t: TestConvex): Promise<void> {
  await t.finishAllScheduledFunctions(() => {});
}

/** Cancels every scheduled function still waiting (a test that stops while a backoff's dispatch is due). */
export async function dropScheduled(t: TestConvex): Promise<void> {
  await t.run(async (ctx) => {
    for (const scheduled of await ctx.db.system.query("_scheduled_functions").collect()) {
      if (scheduled.state.kind === "pending") await ctx.scheduler.cancel(scheduled._id);
    }
  });
}

/** Polls `read` until `done` holds, checking every few milliseconds (fails after `timeoutMs`). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Inserts a job for `userId` directly (a pending one, unless `fields` say otherwise), past the queue and
 * the pool's count: for tests of one function on one job. Tests of the queue go through `createJob`. */
export async function insertJob(t: TestConvex, fields: Partial<Doc<"generationJobs">> & { userId: string }) {
  return await t.run((ctx) =>
    ctx.db.insert("generationJobs", {
      ...newJobFields(fields.userId, "A topic", Date.now()),
      status: "pending",
      ...fields,
    }),
  );
}

export const getJob = (t: TestConvex, id: Id<"generationJobs">) => t.run((ctx) => ctx.db.get("generationJobs", id));

/** The error data a call rejected with (it must be a ConvexError). */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; retryAfterMs?: number }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ConvexError)) throw new Error(`expected a ConvexError, got ${String(error)}`);
  return error.data as { code: string; message: string };
}

/** Saves `count` questions for alice under `topic`, one batch per call, a second apart. */
export async function seedQuestions(t: TestConvex, count: number, topic = "Topic", jobId?: Id<"generationJobs">) {
  const job =
    jobId ??
    (await insertJob(t, { userId: tokenIdentifier("alice"), status: "processing", phase: "generating", topic }));
  for (let i = 0; i < count; i++) {
    vi.setSystemTime(Date.now() + 1000);
    const current = (await getJob(t, job))!;
    await t.mutation(internal.batches.saveBatch, {
      jobId: job,
      userId: tokenIdentifier("alice"),
      questions: [makeQuestion(current.questionsSaved, { question: `${topic} #${current.questionsSaved}` })],
      batchStart: current.questionsSaved,
      questionsGenerated: current.questionsSaved + 1,
    });
  }
  return job;
}
