/**
 * Fault and abuse suite: the app's real functions on the local backend, over
 * the official clients, with the directive model (`tests/support/
 * directiveModel.ts`) scripting every failure. Checks that every job ends in a
 * terminal state with the right code, none is left stuck, no question is
 * duplicated or lost, and abuse is refused with a clear error. Prints a
 * summary table (case, expected, got).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import type { PublicJob, QuestionDoc } from "../../lib/validators";
import {
  DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  startLocalConvex,
  startTestIssuer,
  type LocalConvexProcess,
  type TestIssuer,
} from "local-convex";
import { markdownTable } from "../support/markdownTable";
import { isFinishedStatus } from "../../lib/jobs";

// Every test drives a real backend over HTTP: its own waits (up to 20 s) say what failed, not vitest's 5 s
// default, which the file's first calls to a fresh backend passed on a loaded 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

const PRELOAD = path.resolve("tests/support/preload-directive-model.ts");
/** The sweeper runs every minute; 60x makes that every second. */
const CRON_SPEED = 60;
/** Past the sweeper's staleness threshold (2 min) and the action time limit (10 min). */
const LATER = 11 * 60_000;

let issuer: TestIssuer;
let backend: LocalConvexProcess;
const rows: Array<{ case: string; expected: string; got: string }> = [];
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  backend = await startLocalConvex({
    env: { LOCAL_AUTH_ISSUER: issuer.issuer },
    preload: [PRELOAD],
    cronSpeed: CRON_SPEED,
    // As on Convex Starter: no case here runs more than a few jobs at once, so none waits for a slot.
    maxScheduledConcurrency: DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await backend?.close();
  await issuer?.close();
  if (rows.length > 0) {
    console.log(
      `\nFault and abuse suite\n${markdownTable(
        ["case", "expected", "got"],
        rows.map((r) => [r.case, r.expected, r.got]),
      )}`,
    );
  }
});

/** Records a row of the summary table, then asserts it. */
function report(name: string, expected: string, got: string) {
  rows.push({ case: name, expected, got });
  expect(got, name).toBe(expected);
}

const everyone: Array<{ name: string; url: string; http: ConvexHttpClient }> = [];
/** An HTTP client signed in as a new user (users keep their rate limits apart). */
async function newUser(url = backend.url): Promise<{ name: string; http: ConvexHttpClient }> {
  const name = `user-${everyone.length + 1}-${Date.now()}`;
  const http = new ConvexHttpClient(url);
  http.setAuth(await issuer.token(name));
  everyone.push({ name, url, http });
  return { name, http };
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "no error";
  } catch (error) {
    if (error instanceof ConvexError) return (error.data as { code: string }).code;
    return `Error: ${(error as Error).message.split("\n")[0]}`;
  }
}

async function waitForJob(
  http: ConvexHttpClient,
  jobId: Id<"generationJobs">,
  done: (job: PublicJob) => boolean,
  timeoutMs = 20_000,
) {
  const start = Date.now();
  for (;;) {
    const job = await http.query(api.generationJobs.getJobById, { jobId });
    if (job && done(job)) return job;
    if (Date.now() - start > timeoutMs)
      throw new Error(`job ${jobId} did not reach the expected state: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const terminal = (job: PublicJob) => isFinishedStatus(job.status);

/** Resolves once local-convex's data file holds the documents `ids`. */
async function savedToDisk(dataFile: string, ids: string[], timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      const data = JSON.parse(readFileSync(dataFile, "utf8")) as {
        components: Record<string, { tables: Record<string, Array<{ _id: string }>> }>;
      };
      const stored = new Set(
        Object.values(data.components).flatMap((c) =>
          Object.values(c.tables)
            .flat()
            .map((d) => d._id),
        ),
      );
      if (ids.every((id) => stored.has(id))) return;
    } catch {
      // not written yet, or being replaced
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`the data file did not get ${ids.join(", ")} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A job's saved questions are exactly the ones it counts, each once. */
async function assertQuestionsIntact(http: ConvexHttpClient, job: PublicJob): Promise<QuestionDoc[]> {
  const questions = await http.query(api.myQuestions.listJobQuestions, { jobId: job._id });
  expect(questions).toHaveLength(job.questionsSaved);
  expect(new Set(questions.map((q) => q.question)).size).toBe(questions.length);
  return questions;
}

describe("abuse", () => {
  test("10 parallel createJob from one user: exactly 3 jobs, the rest CONCURRENCY_LIMIT", async () => {
    const { http } = await newUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        errorOf(
          http.mutation(api.generationJobs.createJob, { prompt: `Burst ${i} [[pace:300]]` }, { skipQueue: true }),
        ),
      ),
    );
    const active = await http.query(api.generationJobs.getActiveJobs, {});
    report(
      "10 parallel createJob",
      "3 jobs, 7 CONCURRENCY_LIMIT",
      `${active.length} jobs, ${results.filter((r) => r === "CONCURRENCY_LIMIT").length} CONCURRENCY_LIMIT`,
    );
    for (const job of active) await http.mutation(api.generationJobs.cancelJob, { jobId: job._id });
  });

  test("the same idempotency key sent 5 times at once: one job", async () => {
    const { http } = await newUser();
    const ids = await Promise.all(
      Array.from({ length: 5 }, () =>
        http.mutation(
          api.generationJobs.createJob,
          { prompt: "Once only", idempotencyKey: "2b1a7c9e-key" },
          { skipQueue: true },
        ),
      ),
    );
    const jobs = await http.query(api.generationJobs.getRecentJobs, {});
    report(
      "duplicate idempotency key x5",
      "1 job",
      `${new Set(ids).size} job(s) returned, ${jobs.length} stored`.replace(/^1 job\(s\) returned, 1 stored$/, "1 job"),
    );
  });

  test("every public function, signed out and as another user: refused or empty, nothing changed", async () => {
    const alice = await newUser();
    const jobId = await alice.http.mutation(api.generationJobs.createJob, {
      prompt: "Alice's job [[count:5]] [[pace:20]]",
    });
    const job = await waitForJob(alice.http, jobId, terminal);
    const [question] = await alice.http.query(api.myQuestions.listJobQuestions, { jobId });
    const snapshot = async () =>
      JSON.stringify([
        await alice.http.query(api.generationJobs.getRecentJobs, {}),
        await alice.http.query(api.myQuestions.listJobQuestions, { jobId }),
      ]);
    const before = await snapshot();
    const anonymous = new ConvexHttpClient(backend.url);
    const bob = (await newUser()).http;
    const page = { paginationOpts: { numItems: 10, cursor: null } };
    const outcomes: Record<string, [string, string]> = {};
    for (const [who, client] of [
      ["signed out", anonymous],
      ["another user", bob],
    ] as const) {
      const refused = who === "signed out" ? "UNAUTHENTICATED" : "NOT_FOUND";
      outcomes[`cancelJob (${who})`] = [
        refused,
        await errorOf(client.mutation(api.generationJobs.cancelJob, { jobId })),
      ];
      outcomes[`retryJob (${who})`] = [refused, await errorOf(client.mutation(api.generationJobs.retryJob, { jobId }))];
      outcomes[`recordReview (${who})`] = [
        refused,
        await errorOf(client.mutation(api.review.recordReview, { questionId: question!._id, rating: "easy" })),
      ];
      outcomes[`getJobById (${who})`] = [
        "null",
        JSON.stringify(await client.query(api.generationJobs.getJobById, { jobId })),
      ];
      outcomes[`getRecentJobs (${who})`] = [
        "[]",
        JSON.stringify(await client.query(api.generationJobs.getRecentJobs, {})),
      ];
      outcomes[`getActiveJobs (${who})`] = [
        "[]",
        JSON.stringify(await client.query(api.generationJobs.getActiveJobs, {})),
      ];
      outcomes[`listJobQuestions (${who})`] = [
        "[]",
        JSON.stringify(await client.query(api.myQuestions.listJobQuestions, { jobId })),
      ];
      outcomes[`listMyQuestions (${who})`] = [
        "[]",
        JSON.stringify((await client.query(api.myQuestions.listMyQuestions, { ...page, jobId })).page),
      ];
      outcomes[`listMyTopics (${who})`] = ["[]", JSON.stringify(await client.query(api.myQuestions.listMyTopics, {}))];
      outcomes[`getReviewQueue (${who})`] = [
        "null",
        JSON.stringify((await client.query(api.review.getReviewQueue, { now: Date.now() })).question),
      ];
    }
    outcomes["createJob (signed out)"] = [
      "UNAUTHENTICATED",
      await errorOf(anonymous.mutation(api.generationJobs.createJob, { prompt: "Sneaky" })),
    ];
    for (const [name, [expected, got]] of Object.entries(outcomes)) report(name, expected, got);
    report("alice's data after all that", "unchanged", (await snapshot()) === before ? "unchanged" : "CHANGED");
    expect(job.status).toBe("completed");
  });

  test("prompts: clear errors for bad ones, inert text for hostile ones", async () => {
    const { http } = await newUser();
    const cases: Array<[string, string, string]> = [
      ["empty prompt", "", "INVALID_PROMPT"],
      ["whitespace prompt", " \n\t ", "INVALID_PROMPT"],
      ["2-character prompt", "ab", "INVALID_PROMPT"],
      ["5,001-character prompt", "x".repeat(5001), "INVALID_PROMPT"],
    ];
    for (const [name, prompt, expected] of cases)
      report(name, expected, await errorOf(http.mutation(api.generationJobs.createJob, { prompt })));
    for (const [name, prompt] of [
      ["emoji prompt", "🧬🧪🔬 DNA [[pace:10]]"],
      ["RTL prompt", "תולדות ישראל [[pace:10]]"],
      ["<script> prompt", "<script>alert('x')</script><img src=x onerror=alert(1)> [[pace:10]]"],
    ] as const) {
      const jobId = await http.mutation(api.generationJobs.createJob, { prompt });
      const job = await waitForJob(http, jobId, terminal);
      report(
        name,
        "stored verbatim, job completed",
        job.prompt === prompt && job.status === "completed"
          ? "stored verbatim, job completed"
          : `${job.status}: ${job.prompt}`,
      );
    }
  });

  test("malformed ids and arguments: a coded error or null, never a crash or a raw validator error", async () => {
    const { http } = await newUser();
    report(
      "cancelJob with a malformed id",
      "NOT_FOUND",
      await errorOf(http.mutation(api.generationJobs.cancelJob, { jobId: "not-an-id" })),
    );
    report(
      "retryJob with an id of another table",
      "NOT_FOUND",
      await errorOf(http.mutation(api.generationJobs.retryJob, { jobId: "10000;questions" })),
    );
    report(
      "getJobById with a malformed id",
      "null",
      JSON.stringify(await http.query(api.generationJobs.getJobById, { jobId: "../../etc/passwd" })),
    );
    report(
      "recordReview with a malformed id",
      "NOT_FOUND",
      await errorOf(http.mutation(api.review.recordReview, { questionId: "nope", rating: "good" })),
    );
    report(
      "cancelJob with a number for an id",
      "INVALID_ARGUMENT",
      await errorOf(http.mutation(api.generationJobs.cancelJob, { jobId: 42 as unknown as string })),
    );
    report(
      "createJob with a number for a prompt",
      "INVALID_PROMPT",
      await errorOf(http.mutation(api.generationJobs.createJob, { prompt: 12345 as unknown as string })),
    );
    report(
      "createJob with only zero-width characters",
      "INVALID_PROMPT",
      await errorOf(http.mutation(api.generationJobs.createJob, { prompt: "\u200B\u200B\u200B\u200B" })),
    );
    report(
      "getReviewQueue at now = NaN",
      "INVALID_ARGUMENT",
      await errorOf(http.query(api.review.getReviewQueue, { now: NaN })),
    );
  });
});

describe("model faults: every job ends terminal, with the right code, keeping what it saved", () => {
  const faults: Array<{ name: string; prompt: string; expected: string }> = [
    { name: "401 bad key", prompt: "Bad key [[fail:401]]", expected: "failed API_KEY final, 0 kept" },
    {
      name: "connection dropped mid-stream",
      prompt: "Dropped [[count:6]] [[drop:3]]",
      expected: "failed NETWORK retryable, 3 kept",
    },
    {
      name: "malformed JSON mid-stream",
      prompt: "Garbled [[count:6]] [[malformed:2]]",
      expected: "failed INVALID_OUTPUT retryable, 2 kept",
    },
    {
      name: "stream hangs past the idle timeout",
      prompt: "Hung [[count:6]] [[hang:2]]",
      expected: "failed NETWORK retryable, 2 kept",
    },
  ];
  const describeJob = (job: PublicJob) =>
    `${job.status}${job.errorCode ? ` ${job.errorCode} ${job.retryable ? "retryable" : "final"}` : ""}, ${job.questionsSaved} kept`;

  test.each(faults)("$name", async ({ name, prompt, expected }) => {
    const { http } = await newUser();
    const jobId = await http.mutation(api.generationJobs.createJob, { prompt });
    const job = await waitForJob(http, jobId, terminal);
    report(name, expected, describeJob(job));
    await assertQuestionsIntact(http, job);
  });

  test("a dropped connection, then a retry: completes without duplicates", async () => {
    const { http } = await newUser();
    const jobId = await http.mutation(api.generationJobs.createJob, {
      prompt: "Flaky network [[count:6]] [[drop-once:3]]",
    });
    await waitForJob(http, jobId, terminal);
    await http.mutation(api.generationJobs.retryJob, { jobId });
    const job = await waitForJob(http, jobId, (j) => terminal(j) && j.attempts === 2);
    const questions = await assertQuestionsIntact(http, job);
    report(
      "drop, then retry",
      "completed, 6 distinct questions",
      `${job.status}, ${questions.length} distinct questions`,
    );
  });
});

describe("crashes", () => {
  test("an action that crashes mid-job leaves its job to the sweeper: INTERRUPTED and retryable, what it saved kept, the retry completes", async () => {
    const { http } = await newUser();
    const jobId = await http.mutation(api.generationJobs.createJob, {
      prompt: "Crashing action [[count:5]] [[crash:2]] [[pace:10]]",
    });
    // The action is gone, the job still says processing: nothing but the sweeper can end it.
    const orphaned = await waitForJob(http, jobId, (j) => j.questionsSaved === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await http.query(api.generationJobs.getJobById, { jobId }))?.status).toBe("processing");
    // Minutes later (the backend's clock moves; the sweeper runs every second at this cron speed):
    backend.process.send({ type: "test-clock", offsetMs: LATER });
    try {
      const interrupted = await waitForJob(http, jobId, terminal);
      report(
        "action crashes mid-job",
        "failed INTERRUPTED retryable, 2 kept",
        `${interrupted.status} ${interrupted.errorCode} ${interrupted.retryable ? "retryable" : "final"}, ${interrupted.questionsSaved} kept`,
      );
    } finally {
      backend.process.send({ type: "test-clock", offsetMs: 0 });
    }
    expect(orphaned.status).toBe("processing");
    await http.mutation(api.generationJobs.retryJob, { jobId });
    const retried = await waitForJob(http, jobId, (j) => terminal(j) && j.attempts === 2);
    const questions = await assertQuestionsIntact(http, retried);
    report(
      "retry after the action crashed",
      "completed, 5 distinct questions",
      `${retried.status}, ${questions.length} distinct questions`,
    );
  });

  test("the backend is killed mid-job (the action's process crashes): no data lost, the job is INTERRUPTED and retryable, the retry completes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "faults-"));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const dataFile = path.join(dir, "data.json");
    const env = { LOCAL_AUTH_ISSUER: issuer.issuer };
    let crashing = await startLocalConvex({ dataFile, env, preload: [PRELOAD], cronSpeed: CRON_SPEED });
    closers.push(() => crashing.close());

    const { http, name } = await newUser(crashing.url);
    const done = await http.mutation(api.generationJobs.createJob, {
      prompt: "Finished before the crash [[count:3]] [[pace:10]]",
    });
    await waitForJob(http, done, terminal);
    const jobId = await http.mutation(api.generationJobs.createJob, {
      prompt: "Crashes mid-job [[count:5]] [[stall:2]] [[pace:10]]",
    });
    const running = await waitForJob(http, jobId, (j) => j.questionsSaved === 2);
    const savedBefore = await http.query(api.myQuestions.listJobQuestions, { jobId });
    // Crash once the (debounced) data file holds what the job has saved.
    await savedToDisk(
      dataFile,
      savedBefore.map((q) => q._id),
    );
    await crashing.kill();

    crashing = await startLocalConvex({
      dataFile,
      env: { ...env, TEST_CLOCK_OFFSET_MS: String(LATER) },
      preload: [PRELOAD],
      cronSpeed: CRON_SPEED,
    });
    const after = new ConvexHttpClient(crashing.url);
    after.setAuth(await issuer.token(name));
    const interrupted = await waitForJob(after, jobId, terminal);
    report(
      "backend killed mid-job",
      "failed INTERRUPTED retryable, 2 kept",
      `${interrupted.status} ${interrupted.errorCode} ${interrupted.retryable ? "retryable" : "final"}, ${interrupted.questionsSaved} kept`,
    );
    expect(running.status).toBe("processing");
    const savedAfter = await after.query(api.myQuestions.listJobQuestions, { jobId });
    report(
      "questions saved before the crash",
      "same ids after restart",
      JSON.stringify(savedAfter.map((q) => q._id)) === JSON.stringify(savedBefore.map((q) => q._id))
        ? "same ids after restart"
        : "CHANGED",
    );
    report(
      "a job finished before the crash",
      "still completed",
      (await after.query(api.generationJobs.getJobById, { jobId: done }))?.status === "completed"
        ? "still completed"
        : "LOST",
    );

    await after.mutation(api.generationJobs.retryJob, { jobId });
    const retried = await waitForJob(after, jobId, (j) => terminal(j) && j.attempts === 2);
    const questions = await assertQuestionsIntact(after, retried);
    report(
      "retry after the crash",
      "completed, 5 distinct questions",
      `${retried.status}, ${questions.length} distinct questions`,
    );
    await crashing.close();
  }, 90_000);
});

describe("a deployment with no model configured", () => {
  test("a job fails at once with MODEL_NOT_CONFIGURED (not retryable), and no sample question is served", async () => {
    const bare = await startLocalConvex({ env: { LOCAL_AUTH_ISSUER: issuer.issuer } });
    closers.push(() => bare.close());
    const { http } = await newUser(bare.url);
    expect(await http.query(api.generationJobs.getModelInfo, {})).toBeNull();
    const started = Date.now();
    const jobId = await http.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    const job = await waitForJob(http, jobId, terminal);
    const elapsed = Date.now() - started;
    report(
      "no model: the job's end",
      "failed MODEL_NOT_CONFIGURED final, 0 kept",
      `${job.status} ${job.errorCode} ${job.retryable ? "retryable" : "final"}, ${job.questionsSaved} kept`,
    );
    report("no model: failed within 1 s of createJob", "yes", elapsed < 1000 ? "yes" : `no (${elapsed} ms)`);
  }, 60_000); // starts a backend of its own
});

describe("the provider's 429 (last: it holds every dispatch back for a while)", () => {
  test("a 429 despite the quota sends the job back to the queue, not to failure; its owner can still cancel it", async () => {
    const { http } = await newUser();
    const jobId = await http.mutation(api.generationJobs.createJob, { prompt: "Busy model [[count:6]] [[fail:429]]" });
    const job = await waitForJob(http, jobId, (j) => j.status === "queued" && j.attempts === 2);
    report(
      "429 on the first attempt",
      "queued again, attempt 2, 0 kept, last attempt requeued",
      `${job.status} again, attempt ${job.attempts}, ${job.questionsSaved} kept, last attempt ${job.attemptHistory?.at(-1)?.outcome}`,
    );
    const { questionsSaved } = await http.mutation(api.generationJobs.cancelJob, { jobId });
    report(
      "cancel while it waits",
      "cancelled, 0 kept",
      `${(await http.query(api.generationJobs.getJobById, { jobId }))?.status}, ${questionsSaved} kept`,
    );
  });
});

describe("afterwards", () => {
  test("no job of any user of this suite is left pending or processing", async () => {
    const stuck: string[] = [];
    for (const user of everyone.filter((u) => u.url === backend.url)) {
      const active = await user.http.query(api.generationJobs.getActiveJobs, {});
      stuck.push(...active.map((j) => `${j._id} (${j.status})`));
    }
    report("jobs left pending or processing", "none", stuck.length === 0 ? "none" : stuck.join(", "));
  });
});
