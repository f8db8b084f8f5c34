/**
 * `npm run bench`: measures the job system, prints a table per question and
 * writes every figure to `bench/results.json`. Not part of CI: it takes a few
 * minutes and its timings depend on the machine (2 cores here).
 *
 *  1. Cost of one job, ours vs the two-call design it replaced and the seed's
 *     per-question design, at 20 and 50 questions: function calls, model
 *     calls, documents and bytes written, tokens. 1b: the quality gate's cost
 *     per 20-question job, without and with a rewrite (function calls, model
 *     calls, tokens, documents read, time), and the checker's own time per
 *     question against 10,000 owned questions (`bench:checker`'s figure).
 *  2. Documents the badge query reads as job history grows.
 *  3. Cleanup of 100,000 expired jobs: transactions, most documents in one
 *     transaction, total time.
 *  4. Over the real client (local-convex in a child process, ConvexClient
 *     subscriptions): model-to-screen latency, cancel latency and writes after
 *     cancel, throughput with 1, 10 and 50 users running 3 jobs each (the
 *     app's pool raised to all but 10 of the scheduler's 300 slots, so the
 *     150 jobs of the last run at once), and the time to the first question,
 *     one model call vs two, with a fixed first-token latency per call.
 *  5. A job over a learner's source: 40 questions over a 50-page text,
 *     one model call per section: its cost, the time to the first question
 *     and what each section adds beyond the model's own time.
 *
 * 1-3 run in this process on local-convex's engine (convex-test with Convex's
 * transaction limits on), over a scratch copy of the project that adds the
 * benchmark's modules (`bench/modules/`). The model is `bench/benchModel.ts`:
 * fixed timings, so runs are comparable.
 *
 *   npm run bench            # everything
 *   npm run bench -- --quick # smaller sizes, for a smoke run
 *   npm run bench -- --only source   # some sections only (cost, badge, cleanup, wire, source), merged into results.json
 *   npm run bench -- --max-scheduled-concurrency 10   # section 4 as on Convex Starter (default 300, Professional)
 *   npm run bench -- --max-parallel-generations 8     # section 4 with the app's default pool (default: all but 10 slots)
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadEngine, maxScheduledConcurrency, startLocalConvex, startTestIssuer, type Engine } from "local-convex";

const { ConvexClient } = await import("convex/browser");
const { api } = await import("../convex/_generated/api");
const { createBenchModel } = await import("./benchModel");
const { markdownTable } = await import("../tests/support/markdownTable");
const { isFinishedStatus } = await import("../lib/jobs");
const { benchQuestionChecker } = await import("./questionChecker");
const { JOB_CONFIG } = await import("../lib/constants/jobs");
type BenchEvent = import("./benchModel").BenchEvent;
const { getConvexSize } = await import("convex/values");
const { makeFunctionReference } = await import("convex/server");
type Value = import("convex/values").Value;

const { normalizeSourceText, uploadSource } = await import("../lib/sources");

const SECTIONS = ["cost", "gate", "badge", "cleanup", "wire", "source"] as const;
const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "max-scheduled-concurrency": { type: "string" },
    "max-parallel-generations": { type: "string" },
    only: { type: "string" },
  },
});
const QUICK = flags.quick;
/** `--only source` (or a comma-separated list of `SECTIONS`): run those, and merge their figures into `bench/results.json`. */
const ONLY = flags.only?.split(",") ?? null;
if (ONLY?.some((name) => !(SECTIONS as readonly string[]).includes(name)))
  throw new Error(`--only takes some of: ${SECTIONS.join(", ")}`);
const runs = (section: (typeof SECTIONS)[number]) => ONLY === null || ONLY.includes(section);
/**
 * Scheduled functions at once in section 4's backend: Convex Professional's 300 unless set. Its load test
 * starts up to 150 jobs at once to measure the backend and the app under that load; at Starter's 10 it
 * would measure the scheduler's queue instead (local-convex's own default, used by sections 1-3, which run
 * one job at a time).
 */
const WIRE_MAX_SCHEDULED_CONCURRENCY = maxScheduledConcurrency(flags["max-scheduled-concurrency"] ?? 300);
/**
 * The app's pool in section 4's backend (`MAX_PARALLEL_GENERATIONS`): all but 10 of the scheduler's slots, so
 * its 150 jobs run at once and the section measures them running, not waiting in the queue (`npm run
 * bench:scale` measures the queue); the app's default, 8, at Starter's 10. `--max-parallel-generations` sets it.
 */
const WIRE_MAX_PARALLEL_GENERATIONS =
  flags["max-parallel-generations"] ??
  String(
    WIRE_MAX_SCHEDULED_CONCURRENCY > 20
      ? WIRE_MAX_SCHEDULED_CONCURRENCY - 10
      : Math.min(WIRE_MAX_SCHEDULED_CONCURRENCY, JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS),
  );
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Gemini Flash streams a question every ~0.3-0.6 s; the benchmark model keeps a fixed 300 ms. */
const PACE_MS = 300;
/** A provider's time to the first token of a call (a Gemini Flash round trip). */
const FIRST_TOKEN_MS = 800;
/** The fields of `results` that describe the run rather than a section's figures. */
const RUN_FIELDS = ["date", "machine", "paceMs", "quick", "maxScheduledConcurrency", "maxParallelGenerations"];
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${process.platform} ${process.arch}, node ${process.version}`,
  paceMs: PACE_MS,
  quick: QUICK,
  maxScheduledConcurrency: WIRE_MAX_SCHEDULED_CONCURRENCY,
  maxParallelGenerations: Number(WIRE_MAX_PARALLEL_GENERATIONS),
};

// ── Helpers ─────────────────────────────────────────────────────────────────

function table(title: string, header: string[], rows: Array<Array<string | number>>): void {
  console.log(`\n${title}\n${markdownTable(header, rows, { alignNumbers: true })}`);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : "n/a");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A scratch copy of the project whose functions also include `bench/modules/*` (linked, so they import the copy). */
function scratchProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-project-"));
  cpSync(path.join(root, "convex"), path.join(dir, "convex"), {
    recursive: true,
    filter: (src) => !/\.test\.ts$/.test(src),
  });
  mkdirSync(path.join(dir, "bench"));
  cpSync(path.join(root, "bench/modules"), path.join(dir, "bench/modules"), { recursive: true });
  // The backend's model: preloaded next to the copy's functions, so it sets the copy's model seam.
  for (const file of ["benchModel.ts", "preload-bench-model.ts"])
    cpSync(path.join(root, "bench", file), path.join(dir, "bench", file));
  for (const file of readdirSync(path.join(dir, "bench/modules"))) {
    symlinkSync(path.join(dir, "bench/modules", file), path.join(dir, "convex", file));
  }
  for (const shared of ["node_modules", "lib", "types", "tests", "package.json", "tsconfig.json"]) {
    symlinkSync(path.join(root, shared), path.join(dir, shared));
  }
  return dir;
}

const USER = {
  subject: "bench",
  issuer: "https://bench.local",
  tokenIdentifier: "https://bench.local|bench",
  name: "bench",
};

async function call(
  engine: Engine,
  udfPath: string,
  args: Record<string, unknown>,
  caller: "client" | "server" = "client",
) {
  const outcome = await engine.call({
    udfPath,
    args: args as never,
    identity: USER,
    caller,
    origin: "bench",
    shouldLog: () => false,
  });
  if (!outcome.ok) throw new Error(`${udfPath}: ${outcome.errorMessage}`);
  return outcome;
}

type Meter = {
  mutations: number;
  documentsWritten: number;
  bytesWritten: number;
  maxDocumentsWritten: number;
  deletedJobs: number;
};

/**
 * Counts committed mutations and what they wrote, from the engine's commits.
 * Leaves out convex-test's scheduler bookkeeping (a scheduled function's state
 * changes, which Convex records internally); scheduling a function (inserting
 * it) counts, as it does on Convex.
 */
function startMeter(engine: Engine): { read: () => Meter; stop: () => void } {
  const meter: Meter = { mutations: 0, documentsWritten: 0, bytesWritten: 0, maxDocumentsWritten: 0, deletedJobs: 0 };
  const stop = engine.onCommit((_ts, writes) => {
    const own = writes.filter((w) => w.table !== "_scheduled_functions" || w.previous === null);
    if (own.length === 0) return;
    meter.mutations++;
    meter.documentsWritten += own.length;
    meter.bytesWritten += own.reduce((sum, w) => sum + (w.doc ? getConvexSize(w.doc as Value) : 0), 0);
    meter.maxDocumentsWritten = Math.max(meter.maxDocumentsWritten, own.length);
    meter.deletedJobs += own.filter((w) => w.table === "generationJobs" && w.doc === null).length;
  });
  return { read: () => ({ ...meter }), stop: () => void stop() };
}

/** Resolves once a commit writes job `jobId` with a finished status (without querying, so the meter stays clean). */
function jobFinished(engine: Engine, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = engine.onCommit((_ts, writes) => {
      for (const w of writes) {
        const status = (w.doc as { status?: string } | null)?.status;
        if (w.id === jobId && (status === "completed" || status === "failed" || status === "cancelled")) {
          stop();
          resolve();
        }
      }
    });
  });
}

// ── 1. Cost per job ─────────────────────────────────────────────────────────

const DESIGNS = {
  ours: { label: "ours (one model call)", start: "generationJobs:createJob" },
  twoCalls: { label: "two-call design", start: "twoCallJob:createTwoCallJob" },
  perQuestion: { label: "seed's per-question design", start: "benchData:createBaselineJob" },
} as const;
type Design = keyof typeof DESIGNS;

async function costPerJob(engine: Engine, modelEvents: BenchEvent[]) {
  const rows: Array<Array<string | number>> = [];
  const figures: Record<string, unknown> = {};
  for (const n of QUICK ? [20] : [20, 50]) {
    const measured: Partial<
      Record<Design, Meter & { queries: number; functionCalls: number; modelCalls: number; tokens: number | null }>
    > = {};
    for (const design of Object.keys(DESIGNS) as Design[]) {
      const key = `${design}-${n}`;
      const prompt = `Cost ${design} ${n} [[count:${n}]] [[pace:${PACE_MS}]] [[key:${key}]]`;
      engine.resetUsage();
      const meter = startMeter(engine);
      const jobId = (
        design === "perQuestion"
          ? await call(engine, DESIGNS[design].start, { userId: USER.tokenIdentifier, prompt }, "server")
          : await call(engine, DESIGNS[design].start, { prompt })
      ).value as string;
      await jobFinished(engine, jobId);
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the action return
      meter.stop();
      const queries = engine.usage().rolledBack;
      const job = (await call(engine, "generationJobs:getJobById", { jobId })).value as {
        questionsSaved: number;
        status: string;
        inputTokens?: number;
        outputTokens?: number;
      };
      if (job.status !== "completed" || job.questionsSaved !== n)
        throw new Error(`${design} job ended ${job.status} with ${job.questionsSaved} questions`);
      const metered = meter.read();
      measured[design] = {
        ...metered,
        queries,
        // Every mutation and query, plus the one action.
        functionCalls: metered.mutations + queries + 1,
        modelCalls: modelEvents.filter((e) => e.type === "call" && e.key === key).length,
        tokens:
          job.inputTokens !== undefined && job.outputTokens !== undefined ? job.inputTokens + job.outputTokens : null,
      };
    }
    for (const design of Object.keys(DESIGNS) as Design[]) {
      const m = measured[design]!;
      rows.push([
        `${n} questions: ${DESIGNS[design].label}`,
        m.functionCalls,
        m.modelCalls,
        m.mutations,
        m.queries,
        m.documentsWritten,
        kb(m.bytesWritten),
        m.tokens ?? "not recorded",
      ]);
    }
    figures[String(n)] = measured;
  }
  table(
    "1. Cost of one job (createJob to completed; tokens estimated at 4 characters a token: the benchmark model reports none)",
    ["job", "function calls", "model calls", "mutations", "queries", "documents written", "bytes written", "tokens"],
    rows,
  );
  results.costPerJob = figures;
}

// ── 1b. The quality gate ────────────────────────────────────────────────────

/**
 * A 20-question job whose questions all pass the gate, and one where it rejects two (`[[flaw:K]]`), so the
 * attempt makes its one rewrite call: what each costs, createJob to completed. The gate's own work is in
 * the action (the checker) and in `saveBatch` (the duplicate lookups, in its documents read); the checker's
 * time per question against a 10,000-question collection comes from `bench:checker`.
 */
async function gateCost(engine: Engine, modelEvents: BenchEvent[]) {
  const variants = [
    { name: "clean", label: "20 questions, all pass the gate", directives: "", rewritten: 0 },
    {
      name: "rewrite",
      label: "20 questions, 2 rejected: one rewrite call",
      directives: "[[flaw:4]] [[flaw:12]]",
      rewritten: 2,
    },
  ];
  const rows: Array<Array<string | number>> = [];
  const figures: Record<string, unknown> = {};
  for (const variant of variants) {
    const key = `gate-${variant.name}`;
    const prompt = `Gate ${variant.name} [[count:20]] [[pace:${PACE_MS}]] [[key:${key}]] ${variant.directives}`;
    engine.resetUsage();
    const meter = startMeter(engine);
    const started = performance.now();
    const jobId = (await call(engine, "generationJobs:createJob", { prompt })).value as string;
    await jobFinished(engine, jobId);
    const elapsedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the action return
    meter.stop();
    const usage = engine.usage();
    const job = (await call(engine, "generationJobs:getJobById", { jobId })).value as {
      questionsSaved: number;
      status: string;
      inputTokens?: number;
      outputTokens?: number;
      qualityGate?: { rewritten: number };
    };
    if (
      job.status !== "completed" ||
      job.questionsSaved !== 20 ||
      (job.qualityGate?.rewritten ?? 0) !== variant.rewritten
    )
      throw new Error(`gate ${variant.name}: job ended ${job.status} with ${job.questionsSaved} questions`);
    const metered = meter.read();
    const measured = {
      functionCalls: metered.mutations + usage.rolledBack + 1,
      modelCalls: modelEvents.filter((e) => e.type === "call" && e.key === key).length,
      tokens: (job.inputTokens ?? 0) + (job.outputTokens ?? 0),
      documentsRead: usage.documentsRead,
      maxDocumentsReadPerTransaction: usage.maxDocumentsRead,
      jobMs: Math.round(elapsedMs),
    };
    figures[variant.name] = measured;
    rows.push([
      variant.label,
      measured.functionCalls,
      measured.modelCalls,
      measured.tokens,
      `${measured.documentsRead} (≤ ${measured.maxDocumentsReadPerTransaction} in one)`,
      `${(measured.jobMs / 1000).toFixed(1)} s`,
    ]);
  }
  const owned = QUICK ? 2_000 : 10_000;
  const checker = benchQuestionChecker({ owned, probes: QUICK ? 400 : 2_000 });
  figures.checkerPerQuestionMs = checker.perQuestionMs;
  figures.checkerOwned = owned;
  table(
    `1b. The quality gate per 20-question job (createJob to completed; model at ${PACE_MS} ms a question). The checker's ` +
      `own time: ${checker.perQuestionMs.toFixed(2)} ms a question against ${owned.toLocaleString("en-US")} owned questions ` +
      `(${(20 * checker.perQuestionMs).toFixed(0)} ms a job; bench:checker)`,
    ["job", "function calls", "model calls", "tokens", "documents read", "time"],
    rows,
  );
  results.qualityGate = figures;
}

// ── 2. Badge query ──────────────────────────────────────────────────────────

async function badgeQuery(engine: Engine) {
  const rows: Array<Array<string | number>> = [];
  const figures: Record<string, unknown> = {};
  const userId = "https://bench.local|history";
  const identity = { ...USER, subject: "history", tokenIdentifier: userId };
  let seeded = 0;
  for (const history of [0, 1_000, 10_000]) {
    while (seeded < history) {
      const count = Math.min(5_000, history - seeded);
      await call(
        engine,
        "benchData:seedJobs",
        { userId, count, status: "completed", createdAt: Date.now() - 86_400_000 + seeded },
        "server",
      );
      seeded += count;
    }
    const read = async (udfPath: string, args: Record<string, unknown>) => {
      const outcome = await engine.call({
        udfPath,
        args: args as never,
        identity,
        caller: "client",
        origin: "bench",
        shouldLog: () => false,
      });
      return { documentsRead: outcome.usage?.documentsRead ?? NaN, durationMs: outcome.durationMs };
    };
    const ours = await read("generationJobs:getActiveJobs", {});
    const seed = await read("generationJobs:getRecentJobs", { limit: 50 });
    rows.push([
      `${history.toLocaleString("en-US")} finished jobs`,
      ours.documentsRead,
      seed.documentsRead,
      ms(ours.durationMs),
    ]);
    figures[String(history)] = { getActiveJobs: ours, seedsBadge_getRecentJobs50: seed };
  }
  table(
    "2. Badge: documents read per run",
    ["history", "getActiveJobs (ours)", "seed: getRecentJobs(50) + filter", "our query time"],
    rows,
  );
  results.badgeQuery = figures;
}

// ── 3. Cleanup ──────────────────────────────────────────────────────────────

async function cleanupBacklog(engine: Engine) {
  const total = QUICK ? 10_000 : 100_000;
  const userId = "https://bench.local|old";
  const old = Date.now() - 40 * 86_400_000;
  const seedStarted = performance.now();
  for (let seeded = 0; seeded < total; seeded += 5_000) {
    const status = (["completed", "cancelled", "failed"] as const)[(seeded / 5_000) % 3]!;
    await call(engine, "benchData:seedJobs", { userId, count: 5_000, status, createdAt: old + seeded }, "server");
  }
  const seedMs = performance.now() - seedStarted;
  engine.resetUsage();
  const meter = startMeter(engine);
  const done = new Promise<void>((resolve) => {
    const stop = engine.onCommit(() => {
      if (meter.read().deletedJobs >= total) {
        stop();
        resolve();
      }
    });
  });
  const started = performance.now();
  await call(engine, "maintenance:cleanup", {}, "server");
  await done;
  const elapsed = performance.now() - started;
  meter.stop();
  const usage = engine.usage();
  const metered = meter.read();
  table(
    `3. Cleanup of ${total.toLocaleString("en-US")} expired jobs`,
    ["", "value", "Convex limit"],
    [
      ["cleanup transactions", metered.mutations, ""],
      ["jobs deleted", metered.deletedJobs, ""],
      ["most documents written in one", metered.maxDocumentsWritten, "16,000"],
      ["most documents read in one", usage.maxDocumentsRead, "32,000"],
      ["total time", ms(elapsed), ""],
      ["(seeding them took)", ms(seedMs), ""],
    ],
  );
  results.cleanup = {
    expiredJobs: total,
    transactions: metered.mutations,
    jobsDeleted: metered.deletedJobs,
    maxDocumentsWritten: metered.maxDocumentsWritten,
    maxDocumentsRead: usage.maxDocumentsRead,
    totalMs: elapsed,
  };
}

// ── 4. Over the real client ─────────────────────────────────────────────────

async function overTheWire(project: string) {
  const issuer = await startTestIssuer();
  const events: BenchEvent[] = [];
  const backend = await startLocalConvex({
    env: { LOCAL_AUTH_ISSUER: issuer.issuer, MAX_PARALLEL_GENERATIONS: WIRE_MAX_PARALLEL_GENERATIONS },
    projectDir: project,
    preload: [path.join(project, "bench/preload-bench-model.ts")],
    maxScheduledConcurrency: WIRE_MAX_SCHEDULED_CONCURRENCY,
    startTimeoutMs: 60_000,
  });
  backend.process.on("message", (message: { type?: string; event?: BenchEvent }) => {
    if (message.type === "bench" && message.event) events.push(message.event);
  });
  const clients: Array<InstanceType<typeof ConvexClient>> = [];
  const clientFor = async (user: string) => {
    const client = new ConvexClient(backend.url);
    const token = await issuer.token(user);
    client.setAuth(() => Promise.resolve(token));
    clients.push(client);
    return client;
  };
  const completedAt = (key: string, index: number) =>
    events.find((e) => e.type === "complete" && e.key === key && e.index === index)?.at;

  /** Runs one job for `user` and records, per question, when the model completed it, when it was saved and when the client saw it. */
  async function watchedJob(client: InstanceType<typeof ConvexClient>, key: string, count: number, paceMs: number) {
    const jobId = await client.mutation(api.generationJobs.createJob, {
      prompt: `Bench ${key} [[count:${count}]] [[pace:${paceMs}]] [[key:${key}]]`,
    });
    const seen = new Map<number, { seenAt: number; savedAt: number }>();
    await new Promise<void>((resolve) => {
      const stopQuestions = client.onUpdate(api.myQuestions.listJobQuestions, { jobId }, (questions) => {
        const now = Date.now();
        for (const q of questions) {
          const index = Number(q.question.split(" question ")[1]);
          if (!seen.has(index)) seen.set(index, { seenAt: now, savedAt: q.createdAt });
        }
      });
      const stopJob = client.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
        if (job && isFinishedStatus(job.status)) {
          setTimeout(() => {
            stopQuestions();
            stopJob();
            resolve();
          }, 100);
        }
      });
    });
    return [...seen.entries()].map(([index, s]) => ({ ...s, completedAt: completedAt(key, index) }));
  }

  try {
    // a. Model → screen.
    const client = await clientFor("latency");
    const samples = [];
    for (let run = 0; run < (QUICK ? 1 : 3); run++)
      samples.push(...(await watchedJob(client, `latency-${run}`, 20, PACE_MS)));
    const modelToScreen = samples.filter((s) => s.completedAt !== undefined).map((s) => s.seenAt - s.completedAt!);
    const savedToScreen = samples.map((s) => s.seenAt - s.savedAt);
    table(
      "4a. Latency to a subscribed client (20-question jobs, 300 ms per question)",
      ["from → to", "p50", "p95", "max", "samples"],
      [
        [
          "model completes a question → client sees it",
          ms(percentile(modelToScreen, 50)),
          ms(percentile(modelToScreen, 95)),
          ms(Math.max(...modelToScreen)),
          modelToScreen.length,
        ],
        [
          "question saved (commit) → client sees it",
          ms(percentile(savedToScreen, 50)),
          ms(percentile(savedToScreen, 95)),
          ms(Math.max(...savedToScreen)),
          savedToScreen.length,
        ],
      ],
    );
    results.latency = { modelToScreen: summary(modelToScreen), savedToScreen: summary(savedToScreen) };

    // b. Cancel (a user per run: the rate limit allows a burst of 6 jobs).
    const abortLatency: number[] = [];
    let writesAfterCancel = 0;
    for (let run = 0; run < (QUICK ? 3 : 10); run++) {
      const key = `cancel-${run}`;
      const canceller = await clientFor(key);
      const jobId = await canceller.mutation(api.generationJobs.createJob, {
        prompt: `Cancel ${key} [[count:30]] [[pace:200]] [[key:${key}]]`,
      });
      let cancelledAt = 0;
      let snapshot = "";
      const stop = canceller.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
        const text = JSON.stringify(job);
        if (cancelledAt > 0 && text !== snapshot) writesAfterCancel++;
        snapshot = text;
      });
      await new Promise<void>((resolve) => {
        const wait = canceller.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
          if ((job?.questionsSaved ?? 0) >= 2) {
            queueMicrotask(() => wait());
            resolve();
          }
        });
      });
      await canceller.mutation(api.generationJobs.cancelJob, { jobId });
      cancelledAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2500)); // longer than a batch wait: any late write would show
      snapshot = JSON.stringify(await canceller.query(api.generationJobs.getJobById, { jobId }));
      stop();
      const aborted = events.find((e) => e.type === "abort" && e.key === key)?.at;
      if (aborted) abortLatency.push(aborted - cancelledAt);
    }
    table(
      "4b. Cancel",
      ["", "value"],
      [
        ["writes to the job after cancelJob returned", writesAfterCancel],
        ["cancelJob returned → model stream aborted, p50", ms(percentile(abortLatency, 50))],
        ["cancelJob returned → model stream aborted, p95", ms(percentile(abortLatency, 95))],
        ["runs", abortLatency.length],
      ],
    );
    results.cancel = { writesAfterCancel, abortLatency: summary(abortLatency) };

    // c. Load.
    const rows: Array<Array<string | number>> = [];
    const load: Record<string, unknown> = {};
    for (const users of QUICK ? [1, 10] : [1, 10, 50]) {
      const userClients = await Promise.all(Array.from({ length: users }, (_, u) => clientFor(`load-${users}-${u}`)));
      const started = Date.now();
      const perJob = await Promise.all(
        userClients.flatMap((c, u) => [0, 1, 2].map((j) => watchedJob(c, `load-${users}-${u}-${j}`, 10, 100))),
      );
      const elapsed = (Date.now() - started) / 1000;
      const all = perJob.flat();
      const updateLatency = all.map((s) => s.seenAt - s.savedAt);
      rows.push([
        `${users} user(s) x 3 jobs`,
        users * 3,
        all.length,
        (all.length / elapsed).toFixed(1),
        ms(percentile(updateLatency, 50)),
        ms(percentile(updateLatency, 95)),
      ]);
      load[String(users)] = {
        jobs: users * 3,
        questions: all.length,
        seconds: elapsed,
        questionsPerSecond: all.length / elapsed,
        updateLatency: summary(updateLatency),
      };
    }
    table(
      `4c. Throughput (10-question jobs at 100 ms per question; at most ${WIRE_MAX_SCHEDULED_CONCURRENCY} scheduled functions and ${WIRE_MAX_PARALLEL_GENERATIONS} generations at once)`,
      ["load", "jobs", "questions", "questions/s", "update p50", "update p95"],
      rows,
    );
    results.load = load;

    // d. One model call vs two: createJob → the first question on a subscribed client.
    const firstRows: Array<Array<string | number>> = [];
    const first: Record<string, unknown> = {};
    for (const design of ["ours", "twoCalls"] as const) {
      const runner = await clientFor(`first-${design}`);
      const waits: number[] = [];
      const modelCalls: number[] = [];
      for (let run = 0; run < (QUICK ? 2 : 5); run++) {
        const key = `first-${design}-${run}`;
        const prompt = `First ${key} [[count:20]] [[pace:${PACE_MS}]] [[first:${FIRST_TOKEN_MS}]] [[key:${key}]]`;
        const started = Date.now();
        const jobId =
          design === "ours"
            ? await runner.mutation(api.generationJobs.createJob, { prompt })
            : await runner.mutation(
                makeFunctionReference<"mutation", { prompt: string }, string>("twoCallJob:createTwoCallJob"),
                { prompt },
              );
        await new Promise<void>((resolve) => {
          const stop = runner.onUpdate(api.myQuestions.listJobQuestions, { jobId: jobId }, (questions) => {
            if (questions.length > 0) {
              waits.push(Date.now() - started);
              queueMicrotask(() => stop());
              resolve();
            }
          });
        });
        await new Promise<void>((resolve) => {
          const stop = runner.onUpdate(api.generationJobs.getJobById, { jobId: jobId }, (job) => {
            if (job && isFinishedStatus(job.status)) {
              queueMicrotask(() => stop());
              resolve();
            }
          });
        });
        modelCalls.push(events.filter((e) => e.type === "call" && e.key === key).length);
      }
      firstRows.push([
        DESIGNS[design].label,
        ms(percentile(waits, 50)),
        ms(percentile(waits, 95)),
        modelCalls[0] ?? 0,
        waits.length,
      ]);
      first[design] = { ...summary(waits), modelCalls: modelCalls[0] };
    }
    const goal = FIRST_TOKEN_MS + PACE_MS + 150;
    table(
      `4d. createJob → first question on a subscribed client (${FIRST_TOKEN_MS} ms to the first token of each model call, ${PACE_MS} ms per question; goal ≤ ${goal} ms)`,
      ["design", "p50", "p95", "model calls per job", "runs"],
      firstRows,
    );
    results.firstQuestion = { firstTokenMs: FIRST_TOKEN_MS, goalMs: goal, ...first };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await backend.close();
    await issuer.close();
  }
}

function summary(values: number[]) {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values), samples: values.length };
}

// ── 5. A job over a learner's source ───────────────────────────────────────

/** A page of dense prose (a printed page holds about 3,000 characters). */
const CHARS_PER_PAGE = 3_000;

/**
 * `pages` pages of varied prose in Markdown, a chapter every two pages: what a
 * learner's 50-page PDF reads like once its text is out (deterministic).
 */
function benchSource(pages: number): string {
  const words = {
    who: ["the council", "the guild", "a merchant", "the abbey", "the engineer", "the surveyor", "the academy"],
    what: ["measured", "recorded", "rebuilt", "surveyed", "described", "financed", "replaced"],
    thing: ["the harbour", "the aqueduct", "the granary", "the bridge", "the observatory", "the canal", "the mill"],
    why: ["after the floods", "before the winter", "during the famine", "for the new market", "despite the war"],
    place: ["Verona", "Lübeck", "Antwerp", "Toledo", "Bergen", "Ragusa", "Gdańsk", "Marseille"],
  };
  let seed = 7;
  const pick = <T>(list: readonly T[]) => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
  const sentence = (year: number) =>
    `In ${year}, ${pick(words.who)} of ${pick(words.place)} ${pick(words.what)} ${pick(words.thing)} ${pick(words.why)}, and its ${pick(["accounts", "letters", "ledgers", "charters"])} survive in ${pick(words.place)}.`;
  const chapters: string[] = [];
  let year = 1200;
  for (let chapter = 1; chapter <= Math.ceil(pages / 2); chapter++) {
    const paragraphs: string[] = [];
    while (paragraphs.join("\n\n").length < 2 * CHARS_PER_PAGE) {
      paragraphs.push(Array.from({ length: 5 }, () => sentence(year++)).join(" "));
    }
    chapters.push(
      `# Chapter ${chapter}: ${pick(words.place)} and ${pick(words.thing).slice(4)}\n\n${paragraphs.join("\n\n")}`,
    );
  }
  return normalizeSourceText(chapters.join("\n\n"), "markdown");
}

async function sourceJob(engine: Engine, modelEvents: BenchEvent[]) {
  const pages = QUICK ? 10 : 50;
  const count = QUICK ? 10 : 40;
  const key = `source-${count}`;
  const text = benchSource(pages);
  const value = async (udfPath: string, args: Record<string, unknown>) => (await call(engine, udfPath, args)).value;

  const uploadMeter = startMeter(engine);
  const uploadStarted = performance.now();
  const { sourceId } = await uploadSource(
    {
      begin: async (args) => (await value("sources:beginSource", args)) as { sourceId: string; ready: boolean },
      append: async (args) => (await value("sources:appendSourceChunks", args)) as null,
      finish: (args) => value("sources:finishSource", args),
    },
    { name: "bench.md", kind: "markdown", text },
  );
  const uploadMs = performance.now() - uploadStarted;
  uploadMeter.stop();

  engine.resetUsage();
  const meter = startMeter(engine);
  let firstQuestionAt: number | null = null;
  const stopFirst = engine.onCommit((_ts, writes) => {
    if (firstQuestionAt === null && writes.some((w) => w.table === "questions" && w.previous === null))
      firstQuestionAt = performance.now();
  });
  const started = performance.now();
  const jobId = (await value("generationJobs:createSourceJob", {
    sourceId,
    questionCount: count,
    prompt: `Bench source [[pace:${PACE_MS}]] [[first:${FIRST_TOKEN_MS}]] [[key:${key}]]`,
  })) as string;
  await jobFinished(engine, jobId);
  const totalMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the action return
  stopFirst();
  meter.stop();
  const queries = engine.usage().rolledBack;
  const job = (await value("generationJobs:getJobById", { jobId })) as {
    status: string;
    questionsSaved: number;
    attempts: number;
    inputTokens?: number;
    outputTokens?: number;
    source?: { steps: number };
  };
  if (job.status !== "completed" || job.questionsSaved !== count)
    throw new Error(`the source job ended ${job.status} with ${job.questionsSaved} questions`);
  const questions = (await value("myQuestions:listJobQuestions", { jobId })) as Array<{
    source?: { quote?: unknown };
  }>;
  const sections = job.source!.steps;
  const modelCalls = modelEvents.filter((e) => e.type === "call" && e.key === key).length;
  // The model's own time: each call's first token, then a question every PACE_MS after its first.
  const modelMs = sections * FIRST_TOKEN_MS + (count - sections) * PACE_MS;
  const metered = meter.read();
  const upload = uploadMeter.read();
  const figures = {
    pages,
    characters: text.length,
    questions: count,
    sections,
    modelCalls,
    attempts: job.attempts,
    verifiedQuotes: questions.filter((q) => q.source?.quote !== undefined).length,
    upload: {
      mutations: upload.mutations,
      documentsWritten: upload.documentsWritten,
      bytesWritten: upload.bytesWritten,
      ms: uploadMs,
    },
    job: {
      functionCalls: metered.mutations + queries + sections,
      mutations: metered.mutations,
      queries,
      documentsWritten: metered.documentsWritten,
      bytesWritten: metered.bytesWritten,
      inputTokens: job.inputTokens ?? null,
      outputTokens: job.outputTokens ?? null,
    },
    firstQuestionMs: firstQuestionAt === null ? null : firstQuestionAt - started,
    totalMs,
    modelMs,
    overheadPerSectionMs: (totalMs - modelMs) / sections,
  };
  table(
    `5. A job over a learner's source: ${count} questions over ${pages} pages (${text.length.toLocaleString("en-US")} characters), in process (${FIRST_TOKEN_MS} ms to each call's first token, ${PACE_MS} ms per question)`,
    ["", "value"],
    [
      [
        "sections written from (one model call each)",
        `${sections} (${modelCalls} calls, attempt count ${job.attempts})`,
      ],
      ["questions with a verified quote", `${figures.verifiedQuotes} of ${count}`],
      [
        "upload: mutations, documents, bytes written",
        `${upload.mutations}, ${upload.documentsWritten}, ${kb(upload.bytesWritten)}`,
      ],
      ["job: function calls (mutations + queries + one action per section)", figures.job.functionCalls],
      ["job: mutations, queries", `${metered.mutations}, ${queries}`],
      ["job: documents, bytes written", `${metered.documentsWritten}, ${kb(metered.bytesWritten)}`],
      [
        "job: tokens in, out (estimated at 4 characters a token)",
        `${figures.job.inputTokens ?? "?"}, ${figures.job.outputTokens ?? "?"}`,
      ],
      ["createSourceJob → first question saved", ms(figures.firstQuestionMs ?? NaN)],
      ["createSourceJob → completed", ms(totalMs)],
      ["of which the model's own time", ms(modelMs)],
      [
        "overhead per section (back to the queue, dispatch, start, read the section, saves)",
        ms(figures.overheadPerSectionMs),
      ],
    ],
  );
  results.sourceJob = figures;
}

// ── Run ─────────────────────────────────────────────────────────────────────

const project = scratchProject();
try {
  const engine = await loadEngine({ projectDir: project });
  const { setModelOverride } = (await import(
    pathToFileURL(path.join(project, "convex/lib/ai/models.ts")).href
  )) as typeof import("../convex/lib/ai/models");
  const modelEvents: BenchEvent[] = [];
  const model = createBenchModel((event) => modelEvents.push(event));
  setModelOverride(() => model);
  console.log(`Benchmark: ${results.machine as string}${QUICK ? " (quick)" : ""}`);
  if (runs("cost")) await costPerJob(engine, modelEvents);
  if (runs("gate")) await gateCost(engine, modelEvents);
  if (runs("badge")) await badgeQuery(engine);
  if (runs("cleanup")) await cleanupBacklog(engine);
  if (runs("source")) await sourceJob(engine, modelEvents);
  if (runs("wire")) await overTheWire(project);
  const file = path.join(root, "bench/results.json");
  // With --only, the sections run replace theirs in the last full run's file, each with the date it was measured.
  const measured = Object.keys(results).filter((name) => !RUN_FIELDS.includes(name));
  const merged =
    ONLY === null
      ? results
      : {
          ...(JSON.parse(readFileSync(file, "utf8")) as object),
          ...Object.fromEntries(measured.map((name) => [name, { ...(results[name] as object), date: results.date }])),
        };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.log("\nWrote bench/results.json");
} finally {
  rmSync(project, { recursive: true, force: true });
}
process.exit(0);
