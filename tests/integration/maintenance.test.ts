/**
 * Maintenance never starves (issue 18): on the local backend with Convex
 * Starter's scheduler limit (10 scheduled functions at once) and the app's
 * pool full of long generations (8 running, more queued), a topic-wide bulk
 * action's scheduled continuation (`manageQuestions.continueTopicAction`) and
 * the sweeper's cron still start on time, because the pool
 * (`MAX_PARALLEL_GENERATIONS`, default 8) leaves scheduler slots free for
 * them. Measured with the backend's own counters (`backend.stats()`: how late
 * each scheduled function and cron run started), over the real client, with
 * the directive model.
 */
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, expect, test } from "vitest";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import {
  DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  startLocalConvex,
  startTestIssuer,
  type BackendStats,
  type LocalConvexProcess,
  type TestIssuer,
} from "local-convex";

const PRELOAD = path.resolve("tests/support/preload-directive-model.ts");
/** The sweeper runs every minute; 60x makes that every second. */
const CRON_SPEED = 60;
const SWEEPER = 'cron "recover stuck jobs"';
const CONTINUATION = "manageQuestions:continueTopicAction";
/** "On time": a generation holds its slot for about 20 s here, so waiting for one would be far later than this. */
const ON_TIME_MS = 5000;
const TOPIC = "Bulk topic";
const PER_JOB = JOB_CONFIG.MAX_QUESTIONS;
/** More than one transaction's worth of the topic's delete: the rest goes to a scheduled continuation. */
const TOPIC_JOBS = Math.floor(JOB_CONFIG.SIGNATURE_BATCH_SIZE / PER_JOB) + 1;

let issuer: TestIssuer;
let backend: LocalConvexProcess;

beforeAll(async () => {
  issuer = await startTestIssuer();
  backend = await startLocalConvex({
    env: { LOCAL_AUTH_ISSUER: issuer.issuer, MAX_PARALLEL_GENERATIONS: undefined },
    preload: [PRELOAD],
    cronSpeed: CRON_SPEED,
    maxScheduledConcurrency: DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  });
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await issuer?.close();
});

async function user(name: string): Promise<ConvexHttpClient> {
  const http = new ConvexHttpClient(backend.url);
  // Valid after the backend's clock is moved on (below).
  http.setAuth(await issuer.token(`${name}-${Date.now()}`, { expiresIn: "4h" }));
  return http;
}

/** Resolves with `check`'s value once it is truthy (polled every 50 ms), or fails saying what it waited for. */
async function until<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const delaysSince = (before: BackendStats, after: BackendStats, name: string) =>
  (after.startDelaysMs[name] ?? []).slice(before.startDelaysMs[name]?.length ?? 0);

test("with the pool full of long generations, a topic's bulk continuation and the sweeper's cron start on time", async () => {
  // A topic of more than SIGNATURE_BATCH_SIZE questions. The start rate limit allows a burst of 6 jobs; then,
  // with nothing running, the backend's clock is moved on for its bucket to refill (20 an hour) for the rest.
  const owner = await user("owner");
  const completed = (count: number) =>
    until(`${count} topic jobs to complete`, async () => {
      const jobs = await owner.query(api.generationJobs.getRecentJobs, { limit: TOPIC_JOBS });
      const done = jobs.filter((job) => job.status === "completed" && job.questionsSaved === PER_JOB);
      return done.length >= count;
    });
  for (let j = 0; j < TOPIC_JOBS; j++) {
    if (j === JOB_CONFIG.RATE_LIMIT.capacity) {
      await completed(j);
      const sweeps = async () => (await backend.stats()).startDelaysMs[SWEEPER]?.length ?? 0;
      const sweepsBefore = await sweeps();
      backend.process.send({ type: "test-clock", offsetMs: 30 * 60_000 });
      // The sweep planned before the clock moved starts "30 minutes late": let it pass before anything is measured.
      await until("two sweeps after the clock moved", async () => (await sweeps()) >= sweepsBefore + 2);
    } else if (j >= JOB_CONFIG.MAX_CONCURRENT_PER_USER) {
      await completed(j - JOB_CONFIG.MAX_CONCURRENT_PER_USER + 1);
    }
    await owner.mutation(api.generationJobs.createJob, {
      prompt: `${TOPIC} [[count:${PER_JOB}]] [[from:${j * PER_JOB}]] [[pace:1]]`,
    });
  }
  await completed(TOPIC_JOBS);
  const topicSize = TOPIC_JOBS * PER_JOB;

  // The pool full: 3 learners × 3 generations of about 20 s each; 8 run, the 9th waits in the queue.
  const learners = await Promise.all(["a", "b", "c"].map(user));
  const longJobs: Array<{ http: ConvexHttpClient; jobId: Id<"generationJobs"> }> = [];
  for (const [i, http] of learners.entries())
    for (let j = 0; j < JOB_CONFIG.MAX_CONCURRENT_PER_USER; j++)
      longJobs.push({
        http,
        jobId: await http.mutation(api.generationJobs.createJob, {
          prompt: `Long ${i}-${j} [[count:50]] [[pace:400]]`,
        }),
      });
  const poolFull = () =>
    until("the pool to be full", async () => {
      const status = await learners[2]!.query(api.generationQueue.getQueueStatus, {});
      return status !== null && status.running === status.maxParallel && status.jobs.length > 0 && status;
    });
  const full = await poolFull();
  expect(full.maxParallel).toBe(JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS);
  expect(full.maxParallel).toBeLessThan(DEFAULT_MAX_SCHEDULED_CONCURRENCY);

  // A topic-wide delete: one transaction's worth now (a delete also removes each question's signature rows:
  // `SIGNATURE_BATCH_SIZE` a transaction), the rest in scheduled continuations.
  const before = await backend.stats();
  const scope = { kind: "topic" as const, topic: TOPIC };
  const deleted = await owner.mutation(api.manageQuestions.deleteQuestions, { scope });
  expect(deleted).toMatchObject({ changed: JOB_CONFIG.SIGNATURE_BATCH_SIZE, continuing: true });
  await until("the rest of the topic to be deleted", async () => {
    const left = await owner.query(api.myQuestions.listMyQuestions, {
      topic: TOPIC,
      paginationOpts: { numItems: 1, cursor: null },
    });
    return left.page.length === 0;
  });
  // Three more runs of the sweeper.
  const after = await until("three sweeper runs", async () => {
    const stats = await backend.stats();
    return delaysSince(before, stats, SWEEPER).length >= 3 && stats;
  });
  const continuations = delaysSince(before, after, CONTINUATION);
  const sweeps = delaysSince(before, after, SWEEPER);
  console.log(
    `Pool full (${full.running} of ${full.maxParallel} generations, ${full.jobs.length} queued; ${DEFAULT_MAX_SCHEDULED_CONCURRENCY} scheduler slots): ` +
      `the topic's continuation started ${continuations.map((ms) => `${ms} ms`).join(", ")} late, the sweeper ${sweeps.map((ms) => `${ms} ms`).join(", ")} late (${topicSize} questions deleted).`,
  );
  expect(continuations.length).toBeGreaterThanOrEqual(1);
  for (const ms of [...continuations, ...sweeps]) expect(ms).toBeLessThan(ON_TIME_MS);
  // All the while, the generations held the pool.
  expect((await learners[0]!.query(api.generationQueue.getQueueStatus, {}))?.running).toBe(full.maxParallel);

  for (const { http, jobId } of longJobs) await http.mutation(api.generationJobs.cancelJob, { jobId });
}, 120_000);
