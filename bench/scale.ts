/**
 * `npm run bench:scale`: the job system with hundreds of learners, against
 * local-convex with Convex Starter's scheduler limit (10 scheduled functions
 * at once) and the app's pool as deployed (`MAX_PARALLEL_GENERATIONS`
 * unset: its default), and a stand-in for Gemini over HTTP (`scaleModel.ts`)
 * with a quota of its own that answers 429 above it. The app's model quota
 * (`MODEL_REQUESTS_PER_MINUTE`, `MODEL_TOKENS_PER_MINUTE`) is set to the
 * stand-in's.
 *
 *   shape 1: 300 learners arrive at random moments within one minute and each
 *            asks for 3 generations in a row (10 questions each);
 *   shape 2: one heavy learner (3 generations of 50 questions at once, and
 *            another each time one ends, 6 in all) and 100 light ones (one
 *            10-question generation each) arriving within the same minute.
 *
 * Every learner is a `ConvexClient` with the navbar badge's subscription
 * (`getActiveJobs`), as the app keeps one open on every page. Per shape it
 * prints a table (throughput against slots ÷ job duration, queue wait, each
 * learner's wait for the first question and Jain's fairness index over
 * learners, failures by code, the provider's 429s, cron lateness, function
 * calls per job, backend peak memory), then what a FIFO queue (what
 * `@convex-dev/workpool` gives: one queue in enqueue order, no notion of
 * users) would have given on the same arrivals and measured job durations, by
 * replaying both orders through the same slots (`scaleStats.ts`). Shape 2's
 * model runs at Gemini Flash's pace; shape 1's at a quarter of its times (900
 * jobs at Gemini's pace would take Starter's pool 8 minutes; `--time-scale`
 * sets both). Then a capacity table: learners served per hour on Convex
 * Starter and Professional at the measured duration of a 10-question job at
 * Gemini's pace (shape 2's light learners), and where the model's quota binds
 * first. The last line is
 *
 *   scale: jobs=N completed=N failed=N interrupted=N rate_limited=N wait_p95_s=X fairness=J
 *
 * summing both shapes (`wait_p95_s` and `fairness`: the worse shape's), where
 * `interrupted` and `rate_limited` count the jobs failed with INTERRUPTED and
 * RATE_LIMIT. Figures go to `bench/scale-results.json`.
 *
 *   npm run bench:scale
 *   npm run bench:scale -- --quick               # 30 + 10 learners, a smoke run
 *   npm run bench:scale -- --shape 1 --time-scale 1 --rpm 1000 --tpm 1000000
 *   npm run bench:scale -- --jobs                # also every job's timings in the JSON
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConvexClient } from "convex/browser";
import { ConvexError } from "convex/values";
import {
  DEFAULT_MAX_SCHEDULED_CONCURRENCY,
  seededRandom,
  startLocalConvex,
  startTestIssuer,
  type BackendStats,
  type LocalConvexProcess,
  type TestIssuer,
} from "local-convex";
import { api } from "../convex/_generated/api";
import { GENERATION_SYSTEM_PROMPT } from "../convex/lib/ai/prompts";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { estimateAttemptTokens } from "../lib/jobs";
import type { PublicJob } from "../lib/validators";
import { markdownTable } from "../tests/support/markdownTable";
import { startScaleModel, type ScaleModel } from "./scaleModel";
import {
  firstQuestionWaits,
  jainIndex,
  fittedOverheadMs,
  overtakenFirstJobs,
  percentile,
  replayQueue,
  withOverhead,
  type MeasuredJob,
  type QueueOrder,
} from "./scaleStats";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    shape: { type: "string", default: "both" },
    "time-scale": { type: "string" },
    rpm: { type: "string", default: String(JOB_CONFIG.DEFAULT_MODEL_REQUESTS_PER_MINUTE) },
    tpm: { type: "string", default: String(JOB_CONFIG.DEFAULT_MODEL_TOKENS_PER_MINUTE) },
    seed: { type: "string", default: "18" },
    jobs: { type: "boolean", default: false },
  },
});
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${text}`);
  return n;
};
const QUICK = flags.quick;
/** `--time-scale`: every shape's model at this share of Gemini's times (default: each shape's own, below). */
const TIME_SCALE = flags["time-scale"] === undefined ? undefined : positive("time-scale", flags["time-scale"]);
const REQUESTS_PER_MINUTE = positive("rpm", flags.rpm);
const TOKENS_PER_MINUTE = positive("tpm", flags.tpm);
if (!["1", "2", "both"].includes(flags.shape)) throw new Error(`--shape must be 1, 2 or both, got ${flags.shape}`);

/** Gemini Flash: ~800 ms to the first token of a call, a question every ~300 ms (as `npm run bench`'s model). */
const GEMINI_FIRST_TOKEN_MS = 800;
const GEMINI_PACE_MS = 300;
/**
 * Shape 1 runs its model at a quarter of Gemini's times: 900 jobs at Gemini's own pace would keep Starter's
 * 8 generation slots busy for about 8 minutes. Shape 2 runs at Gemini's own pace.
 */
const SHAPE_TIME_SCALE = { "shape 1": 0.25, "shape 2": 1 } as const;
/** Every learner arrives within this window. */
const ARRIVAL_WINDOW_MS = 60_000;
/** A shape that has not finished by then is reported as it stands. */
const SHAPE_TIMEOUT_MS = 8 * 60_000;
/** The scheduler's limit: Convex Starter's. */
const SCHEDULER_SLOTS = DEFAULT_MAX_SCHEDULED_CONCURRENCY;
/** The functions a job runs (the benchmark's own reads and the crons aside): what "function calls per job" counts. */
const JOB_FUNCTIONS = [
  "generationJobs:createJob",
  "generationQueue:dispatch",
  "aiGeneration:processJob",
  "jobTransitions:startJob",
  "jobTransitions:completeJob",
  "jobTransitions:failJob",
  "jobTransitions:requeueJob",
  "jobTransitions:isAttemptRunning",
  "batches:saveBatch",
  "admission:recordUsage",
];
/** `npm run bench` section 1: a 20-question job alone. */
const TODAYS_CALLS_PER_JOB = 8;

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${process.platform} ${process.arch}, node ${process.version}`,
  gemini: { firstTokenMs: GEMINI_FIRST_TOKEN_MS, paceMs: GEMINI_PACE_MS },
  quota: { requestsPerMinute: REQUESTS_PER_MINUTE, tokensPerMinute: TOKENS_PER_MINUTE },
  schedulerSlots: SCHEDULER_SLOTS,
};

// ── Helpers ─────────────────────────────────────────────────────────────────

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "n/a");
const median = (values: number[]) => percentile(values, 50);
const sum = (values: number[]) => values.reduce((s, x) => s + x, 0);
const mean = (values: number[]) => (values.length === 0 ? NaN : sum(values) / values.length);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `fn` over `items`, at most `limit` at a time. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

// ── Learners ────────────────────────────────────────────────────────────────

/** A learner with the app open: a client with the badge's subscription, asking for generations. */
class Learner {
  readonly submitted: string[] = [];
  readonly refusals: string[] = [];
  private active: PublicJob[] | undefined;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private onChange: (active: PublicJob[]) => void = () => {};

  private constructor(
    readonly name: string,
    readonly client: ConvexClient,
  ) {
    client.onUpdate(api.generationJobs.getActiveJobs, {}, (jobs) => {
      this.active = jobs;
      this.onChange(jobs);
      this.settle();
    });
  }

  static async connect(url: string, issuer: TestIssuer, name: string): Promise<Learner> {
    const client = new ConvexClient(url);
    const token = await issuer.token(name);
    client.setAuth(() => Promise.resolve(token));
    return new Learner(name, client);
  }

  /** Calls `listener` with the active jobs after each change. */
  watch(listener: (active: PublicJob[]) => void): void {
    this.onChange = listener;
  }

  /** Asks for a generation of `count` questions; a refusal is recorded by its code. */
  async generate(count: number): Promise<void> {
    const key = `${this.name}-${this.asked}`;
    this.inFlight++;
    try {
      const id = await this.client.mutation(api.generationJobs.createJob, {
        prompt: `Scale ${key} [[count:${count}]] [[key:${key}]]`,
      });
      this.submitted.push(id);
    } catch (error) {
      this.refusals.push(error instanceof ConvexError ? (error.data as { code: string }).code : String(error));
    } finally {
      this.inFlight--;
      this.settle();
    }
  }

  /** Generations asked for so far, refused ones included. */
  get asked(): number {
    return this.submitted.length + this.refusals.length;
  }

  get activeCount(): number {
    return this.active?.length ?? 0;
  }

  /** Resolves once nothing is being submitted and none of this learner's jobs is queued or running. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.settle();
    });
  }

  private settle(): void {
    if (this.inFlight > 0 || this.active === undefined || this.active.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Every job of this learner, with when its first question was saved. */
  async report(): Promise<Array<{ job: PublicJob; firstQuestionAt: number | null }>> {
    const jobs = await this.client.query(api.generationJobs.getRecentJobs, { limit: 20 });
    return await Promise.all(
      jobs.map(async (job) => {
        const questions = await this.client.query(api.myQuestions.listJobQuestions, { jobId: job._id });
        return { job, firstQuestionAt: questions.length > 0 ? Math.min(...questions.map((q) => q.createdAt)) : null };
      }),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

// ── A shape ─────────────────────────────────────────────────────────────────

type Plan = {
  name: keyof typeof SHAPE_TIME_SCALE;
  title: string;
  /** The model's times as a share of Gemini's. */
  timeScale: number;
  /** Each learner: when they arrive (ms after the start) and what they do then. */
  learners: Array<{
    name: string;
    at: number;
    light: boolean;
    act: (learner: Learner, allLightDone: () => boolean) => void;
  }>;
};

function shape1(random: () => number): Plan {
  const users = QUICK ? 30 : 300;
  return {
    name: "shape 1",
    title: `${users} learners × 3 generations of 10 questions, arriving within one minute`,
    timeScale: TIME_SCALE ?? SHAPE_TIME_SCALE["shape 1"],
    learners: Array.from({ length: users }, (_, i) => ({
      name: `s1-u${i}`,
      at: Math.floor(random() * ARRIVAL_WINDOW_MS),
      light: true,
      act: (learner) => {
        void (async () => {
          for (let j = 0; j < 3; j++) await learner.generate(10);
        })();
      },
    })),
  };
}

/** The heavy learner's generations in all: 3 at once, then one as each ends (the start rate limit's burst). */
const HEAVY_JOBS = JOB_CONFIG.RATE_LIMIT.capacity;

function shape2(random: () => number): Plan {
  const light = QUICK ? 10 : 100;
  return {
    name: "shape 2",
    title: `one heavy learner (3 × 50 questions at once, then another as each ends: ${HEAVY_JOBS} in all) and ${light} light learners (one 10-question generation each) arriving within one minute`,
    timeScale: TIME_SCALE ?? SHAPE_TIME_SCALE["shape 2"],
    learners: [
      {
        name: "s2-heavy",
        at: 0,
        light: false,
        act: (learner, allLightDone) => {
          let asking = false;
          const topUp = async () => {
            if (asking) return;
            asking = true;
            try {
              while (
                learner.asked < HEAVY_JOBS &&
                !allLightDone() &&
                learner.activeCount < JOB_CONFIG.MAX_CONCURRENT_PER_USER
              )
                await learner.generate(50);
            } finally {
              asking = false;
            }
          };
          learner.watch(() => void topUp());
          void topUp();
        },
      },
      ...Array.from({ length: light }, (_, i) => ({
        name: `s2-u${i}`,
        at: Math.floor(random() * ARRIVAL_WINDOW_MS),
        light: true,
        act: (learner: Learner) => void learner.generate(10),
      })),
    ],
  };
}

type JobRecord = {
  user: string;
  light: boolean;
  job: PublicJob;
  firstQuestionAt: number | null;
};

/** A fresh backend and model for a shape, with the app's env as deployed. */
async function startSystem(
  issuer: TestIssuer,
  timeScale: number,
): Promise<{ backend: LocalConvexProcess; model: ScaleModel }> {
  const model = await startScaleModel({
    firstTokenMs: Math.round(GEMINI_FIRST_TOKEN_MS * timeScale),
    paceMs: Math.round(GEMINI_PACE_MS * timeScale),
    requestsPerMinute: REQUESTS_PER_MINUTE,
    tokensPerMinute: TOKENS_PER_MINUTE,
  });
  const backend = await startLocalConvex({
    env: {
      LOCAL_AUTH_ISSUER: issuer.issuer,
      GOOGLE_GENERATIVE_AI_API_KEY: "bench-stand-in-key",
      GEMINI_BASE_URL: model.url,
      MODEL_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
      MODEL_TOKENS_PER_MINUTE: String(TOKENS_PER_MINUTE),
      // The app's pool as deployed, and no other model.
      MAX_PARALLEL_GENERATIONS: undefined,
      OPENAI_COMPATIBLE_BASE_URL: undefined,
      ENABLE_SAMPLE_MODEL: undefined,
      LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY: undefined,
    },
    maxScheduledConcurrency: SCHEDULER_SLOTS,
    // The sweeper runs every second instead of every minute: enough cron runs to measure their lateness.
    cronSpeed: 60,
    startTimeoutMs: 60_000,
  });
  return { backend, model };
}

/** Counts since `before`. */
function statsSince(before: BackendStats, after: BackendStats) {
  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.calls)) calls[name] = count - (before.calls[name] ?? 0);
  const delays: Record<string, number[]> = {};
  for (const [name, list] of Object.entries(after.startDelaysMs))
    delays[name] = list.slice(before.startDelaysMs[name]?.length ?? 0);
  return { calls, delays, cpuMs: after.cpuMs - before.cpuMs, eventLoopDelayMs: after.eventLoopDelayMs };
}

const jobCalls = (calls: Record<string, number>) => sum(JOB_FUNCTIONS.map((name) => calls[name] ?? 0));

async function runShape(plan: Plan, issuer: TestIssuer) {
  const { backend, model } = await startSystem(issuer, plan.timeScale);
  try {
    const learners = await Promise.all(plan.learners.map((l) => Learner.connect(backend.url, issuer, l.name)));
    const byName = new Map(learners.map((l) => [l.name, l]));
    const lightNames = new Set(plan.learners.filter((l) => l.light).map((l) => l.name));
    let lightIdle = 0;
    const allLightDone = () => lightIdle >= lightNames.size;
    const before = await backend.stats();
    const modelCallsBefore = model.calls.length;
    const startedAt = Date.now() + 500;
    const idle = plan.learners.map(
      (spec) =>
        new Promise<void>((resolve) => {
          const learner = byName.get(spec.name)!;
          setTimeout(
            () => {
              spec.act(learner, allLightDone);
              void learner.idle().then(() => {
                if (spec.light) lightIdle++;
                resolve();
              });
            },
            Math.max(0, startedAt + spec.at - Date.now()),
          );
        }),
    );
    const finished = await Promise.race([
      Promise.all(idle).then(() => true),
      sleep(SHAPE_TIMEOUT_MS).then(() => false),
    ]);
    const endedAt = Date.now();
    await sleep(500); // the last actions return
    const after = await backend.stats();
    const records: JobRecord[] = (
      await mapLimited(learners, 16, async (learner) =>
        (await learner.report()).map(({ job, firstQuestionAt }) => ({
          user: learner.name,
          light: lightNames.has(learner.name),
          job,
          firstQuestionAt,
        })),
      )
    ).flat();
    const { maxParallel } = (await learners[0]!.client.query(api.generationQueue.getQueueStatus, {}))!;
    const refusals = learners.flatMap((l) => l.refusals);
    await Promise.all(learners.map((l) => l.close()));
    return summarize(plan, {
      records,
      refusals,
      finished,
      wallMs: endedAt - startedAt,
      stats: statsSince(before, after),
      maxRssBytes: after.maxRssBytes,
      modelCalls: model.calls.slice(modelCallsBefore),
      maxParallel,
    });
  } finally {
    await backend.close();
    await model.close();
  }
}

function summarize(
  plan: Plan,
  run: {
    records: JobRecord[];
    refusals: string[];
    finished: boolean;
    wallMs: number;
    stats: ReturnType<typeof statsSince>;
    maxRssBytes: number;
    modelCalls: ScaleModel["calls"];
    maxParallel: number;
  },
) {
  const { records, stats, maxParallel } = run;
  const jobs = records.map((r) => r.job);
  const completed = records.filter((r) => r.job.status === "completed");
  const failed = jobs.filter((j) => j.status === "failed");
  const failedCodes: Record<string, number> = {};
  for (const job of failed) failedCodes[job.errorCode ?? "?"] = (failedCodes[job.errorCode ?? "?"] ?? 0) + 1;
  const unfinished = jobs.filter((j) => j.status !== "completed" && j.status !== "failed");
  const attemptStart = (job: PublicJob) => job.attemptHistory?.[0]?.startedAt ?? job.startedAt;
  const queueWaits = jobs.flatMap((job) => {
    const start = attemptStart(job);
    return start === undefined ? [] : [start - job.createdAt];
  });
  // How long a job held a slot: its attempts' runs summed (a job that made way ran twice), not its wait between.
  const heldMs = (job: PublicJob) => {
    const spans = (job.attemptHistory ?? []).filter((a) => a.endedAt !== undefined);
    return spans.length > 0 ? sum(spans.map((a) => a.endedAt! - a.startedAt)) : job.durationMs!;
  };
  const durations = completed.map((r) => heldMs(r.job));
  const jobMs = mean(durations);
  const lightJobMs = mean(completed.filter((r) => r.light).map((r) => heldMs(r.job)));
  const madeWay = sum(jobs.map((job) => (job.attemptHistory ?? []).filter((a) => a.outcome === "yielded").length));
  const firstCreated = Math.min(...jobs.map((j) => j.createdAt));
  const lastCompleted = Math.max(...completed.map((r) => r.job.completedAt!));
  const perMinute = completed.length / ((lastCompleted - firstCreated) / 60_000);
  const theoreticalPerMinute = (maxParallel / jobMs) * 60_000;

  // Each learner's wait for the first question; the light ones apart in shape 2.
  const measuredWaits = firstQuestionWaits(
    records.map((r) => ({ user: r.user, arrivedAt: r.job.createdAt, firstQuestionAt: r.firstQuestionAt })),
  );
  const lightUsers = new Set(records.filter((r) => r.light).map((r) => r.user));
  const allWaits = [...measuredWaits.values()];
  const lightWaits = [...measuredWaits].filter(([user]) => lightUsers.has(user)).map(([, w]) => w);
  const fairness = jainIndex(allWaits);

  // The same arrivals replayed through the same slots, in the app's order and in FIFO order, each job holding
  // its slot for its measured attempt plus the overhead that makes the app's order end when the run ended.
  const measuredJobs: MeasuredJob[] = completed
    .filter((r) => r.firstQuestionAt !== null)
    .map((r) => ({
      id: r.job._id,
      user: r.user,
      arrivedAt: r.job.createdAt,
      runMs: heldMs(r.job),
      firstQuestionAfterStartMs: r.firstQuestionAt! - attemptStart(r.job)!,
    }));
  const overheadMs = fittedOverheadMs(measuredJobs, maxParallel, "round robin", lastCompleted);
  const replayJobs = withOverhead(measuredJobs, overheadMs);
  const replayed = (order: QueueOrder) => {
    const jobs = replayQueue(replayJobs, maxParallel, order);
    return {
      waits: [...firstQuestionWaits(jobs)].filter(([user]) => lightUsers.has(user)).map(([, w]) => w),
      overtaken: overtakenFirstJobs(jobs),
    };
  };
  const orders = {
    measured: { waits: lightWaits, overtaken: null },
    roundRobin: replayed("round robin"),
    fifo: replayed("fifo"),
  };

  const cronDelays = Object.entries(stats.delays)
    .filter(([name]) => name.startsWith("cron "))
    .flatMap(([, list]) => list);
  const callsPerJob = jobCalls(stats.calls) / Math.max(1, jobs.length);
  const actionStarts = stats.delays["aiGeneration:processJob"] ?? [];
  const provider429s = run.modelCalls.filter((c) => c.status === 429).length;
  const interrupted = failedCodes.INTERRUPTED ?? 0;
  const rateLimited = failedCodes.RATE_LIMIT ?? 0;

  return {
    plan,
    finished: run.finished,
    wallMs: run.wallMs,
    jobs: jobs.length,
    refusals: run.refusals,
    completed: completed.length,
    failed: failed.length,
    failedCodes,
    unfinished: unfinished.map((j) => `${j.status}`),
    interrupted,
    rateLimited,
    maxParallel,
    jobMs,
    lightJobMs,
    perMinute,
    theoreticalPerMinute,
    queueWait: { p50: median(queueWaits), p95: percentile(queueWaits, 95), max: Math.max(...queueWaits) },
    firstQuestion: {
      learners: allWaits.length,
      median: median(allWaits),
      max: Math.max(...allWaits),
      fairness,
    },
    orders: Object.fromEntries(
      Object.entries(orders).map(([order, { waits, overtaken }]) => [
        order,
        {
          median: median(waits),
          p95: percentile(waits, 95),
          max: Math.max(...waits),
          fairness: jainIndex(waits),
          overtaken,
        },
      ]),
    ) as Record<
      keyof typeof orders,
      { median: number; p95: number; max: number; fairness: number; overtaken: number | null }
    >,
    replayOverheadMs: overheadMs,
    madeWay,
    provider429s,
    modelRequests: run.modelCalls.length,
    cronLateness: { runs: cronDelays.length, p95: percentile(cronDelays, 95), max: Math.max(...cronDelays) },
    actionStartDelay: { p95: percentile(actionStarts, 95), max: Math.max(...actionStarts) },
    backendCpu: stats.cpuMs / run.wallMs,
    eventLoopDelayMs: stats.eventLoopDelayMs,
    callsPerJob,
    calls: Object.fromEntries(JOB_FUNCTIONS.map((name) => [name, stats.calls[name] ?? 0])),
    maxRssBytes: run.maxRssBytes,
    /** `--jobs`: every job's moments, ms after the shape's first job (created) or after its own creation. */
    jobTimes: flags.jobs
      ? records.map((r) => ({
          user: r.user,
          created: r.job.createdAt - firstCreated,
          start: (attemptStart(r.job) ?? NaN) - r.job.createdAt,
          first: (r.firstQuestionAt ?? NaN) - r.job.createdAt,
          done: (r.job.completedAt ?? NaN) - r.job.createdAt,
        }))
      : undefined,
  };
}

type ShapeResult = ReturnType<typeof summarize>;

/** The model's pace in a shape, said as the output says it. */
function pace(timeScale: number): string {
  const first = Math.round(GEMINI_FIRST_TOKEN_MS * timeScale);
  const each = Math.round(GEMINI_PACE_MS * timeScale);
  return timeScale === 1
    ? `the model at Gemini Flash's pace (${first} ms, then ${each} ms a question)`
    : `the model at ${timeScale} × Gemini Flash's times (${first} ms, then ${each} ms a question), scaled so the shape fits in minutes`;
}

function print(result: ShapeResult): void {
  const r = result;
  const codes = Object.entries(r.failedCodes)
    .map(([code, n]) => `${n} ${code}`)
    .join(", ");
  const rows: Array<[string, string | number]> = [
    [
      `jobs completed per minute (theoretical: ${r.maxParallel} slots ÷ ${seconds(r.jobMs)} per job)`,
      `${r.perMinute.toFixed(0)} (${r.theoreticalPerMinute.toFixed(0)})`,
    ],
    [
      "queue wait (createJob → its attempt starts): p50 / p95 / max",
      `${seconds(r.queueWait.p50)} / ${seconds(r.queueWait.p95)} / ${seconds(r.queueWait.max)}`,
    ],
    [
      `each learner's wait for the first question (${r.firstQuestion.learners} learners): median / max`,
      `${seconds(r.firstQuestion.median)} / ${seconds(r.firstQuestion.max)}`,
    ],
    ["Jain's fairness index of those waits", r.firstQuestion.fairness.toFixed(2)],
    ["attempts that made way for another learner's first job (a model call more each)", r.madeWay],
    [`jobs failed${codes ? ` (${codes})` : ""}`, r.failed],
    ...(r.unfinished.length > 0 ? [["jobs not finished", r.unfinished.join(", ")] as [string, string]] : []),
    ...(r.refusals.length > 0 ? [["generations refused at start", r.refusals.join(", ")] as [string, string]] : []),
    [`provider 429s received (of ${r.modelRequests} model requests)`, r.provider429s],
    [
      `cron lateness p95 (${r.cronLateness.runs} runs; max)`,
      `${Math.round(r.cronLateness.p95)} ms (${Math.round(r.cronLateness.max)} ms)`,
    ],
    [
      `function calls per job (npm run bench: ${TODAYS_CALLS_PER_JOB} for a 20-question job alone)`,
      r.callsPerJob.toFixed(1),
    ],
    [
      "processJob's wait for a scheduler slot once due: p95 / max",
      `${Math.round(r.actionStartDelay.p95)} ms / ${Math.round(r.actionStartDelay.max)} ms`,
    ],
    [
      "backend: CPU (share of one core) / event-loop delay p99 / max",
      `${Math.round(r.backendCpu * 100)}% / ${r.eventLoopDelayMs.p99} ms / ${r.eventLoopDelayMs.max} ms`,
    ],
    ["backend peak memory", `${Math.round(r.maxRssBytes / 2 ** 20)} MB`],
    ["wall time", seconds(r.wallMs)],
  ];
  console.log(
    `\n${r.plan.name}: ${r.plan.title}; ${pace(r.plan.timeScale)}\n${markdownTable(["measure", "value"], rows, { alignNumbers: true })}`,
  );
  const who = r.plan.name === "shape 2" ? "the light learners'" : "each learner's";
  console.log(
    `\n${r.plan.name}: ${who} wait for the first question, the app as measured vs its round robin without making way and a FIFO queue (@convex-dev/workpool's order), both replayed on the same arrivals and measured runs through ${r.maxParallel} slots (a replayed job never makes way: it holds its slot for its attempts' runs summed plus ${r.replayOverheadMs} ms, what makes the replayed round robin end when the run did)\n${markdownTable(
      ["order", "median", "p95", "max", "fairness (Jain)", "first jobs overtaken by another's later job"],
      (
        [
          ["the app (round robin by user, making way), measured", r.orders.measured],
          ["round robin by user without making way, replayed", r.orders.roundRobin],
          ["FIFO (workpool), replayed", r.orders.fifo],
        ] as const
      ).map(([label, o]) => [
        label,
        seconds(o.median),
        seconds(o.p95),
        seconds(o.max),
        o.fairness.toFixed(2),
        o.overtaken ?? "",
      ]),
      { alignNumbers: true },
    )}`,
  );
}

const line = (r: {
  jobs: number;
  completed: number;
  failed: number;
  interrupted: number;
  rateLimited: number;
  waitP95: number;
  fairness: number;
}) =>
  `jobs=${r.jobs} completed=${r.completed} failed=${r.failed} interrupted=${r.interrupted} rate_limited=${r.rateLimited} wait_p95_s=${(r.waitP95 / 1000).toFixed(1)} fairness=${r.fairness.toFixed(2)}`;

// ── Capacity ────────────────────────────────────────────────────────────────

/** Convex's plans: scheduled functions at once, and the pool that leaves room for crons and continuations. */
const PLANS = [
  {
    plan: "Starter (and self-hosted)",
    schedulerSlots: 10,
    generationSlots: JOB_CONFIG.DEFAULT_MAX_PARALLEL_GENERATIONS,
  },
  { plan: "Professional", schedulerSlots: 300, generationSlots: 290 },
];
/** Generations a learner asks for in an hour, as in shape 1. */
const JOBS_PER_LEARNER = 3;

/**
 * Learners served per hour on each plan, at `jobMs` per 10-question job: the pool's bound (slots ÷ job
 * duration) and the model quota's (requests, and tokens at the app's estimate of such a job), the lower one.
 */
function capacity(jobMs: number) {
  const tokensPerJob = estimateAttemptTokens(
    { prompt: "x".repeat(40), questionsSaved: 0 },
    GENERATION_SYSTEM_PROMPT.length,
  );
  const quotaJobsPerHour = Math.min(REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE / tokensPerJob) * 60;
  return {
    tokensPerJob,
    quotaJobsPerHour,
    plans: PLANS.map((p) => {
      const poolJobsPerHour = (p.generationSlots / jobMs) * 3_600_000;
      const jobsPerHour = Math.min(poolJobsPerHour, quotaJobsPerHour);
      return {
        ...p,
        poolJobsPerHour,
        jobsPerHour,
        learnersPerHour: jobsPerHour / JOBS_PER_LEARNER,
        quotaBound: quotaJobsPerHour < poolJobsPerHour,
      };
    }),
  };
}

function printCapacity(jobMs: number, source: string): ReturnType<typeof capacity> {
  const c = capacity(jobMs);
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `\nCapacity: learners served per hour (${JOBS_PER_LEARNER} generations of 10 questions each), at ${seconds(jobMs)} per job (${source}); ` +
      `the model's quota (${n(REQUESTS_PER_MINUTE)} requests and ${n(TOKENS_PER_MINUTE)} tokens a minute, ~${n(c.tokensPerJob)} tokens a job) allows ${n(c.quotaJobsPerHour)} jobs an hour\n` +
      markdownTable(
        [
          "Convex plan",
          "scheduled functions at once",
          "MAX_PARALLEL_GENERATIONS",
          "jobs/hour (slots ÷ job duration)",
          "learners/hour",
        ],
        c.plans.map((p) => [
          p.plan,
          p.schedulerSlots,
          p.generationSlots,
          n(p.poolJobsPerHour),
          `${n(p.learnersPerHour)}${p.quotaBound ? " (the model's quota binds)" : ""}`,
        ]),
        { alignNumbers: true },
      ),
  );
  return c;
}

// ── Run ─────────────────────────────────────────────────────────────────────

const random = seededRandom(Number(flags.seed));
const plans = [shape1(random), shape2(random)].filter(
  (_, i) => flags.shape === "both" || flags.shape === String(i + 1),
);
console.log(
  `bench:scale: ${results.machine as string}${QUICK ? " (quick)" : ""}\n` +
    `local-convex with ${SCHEDULER_SLOTS} scheduled functions at once (Convex Starter); the app's pool as deployed.\n` +
    `Model: a Gemini stand-in over HTTP; at Gemini Flash's pace ${GEMINI_FIRST_TOKEN_MS} ms to the first token, then a question every ${GEMINI_PACE_MS} ms. ` +
    `Its quota ${REQUESTS_PER_MINUTE.toLocaleString("en-US")} requests and ${TOKENS_PER_MINUTE.toLocaleString("en-US")} tokens a minute (429 above); the app's the same.`,
);
const issuer = await startTestIssuer();
const shapes: ShapeResult[] = [];
try {
  for (const plan of plans) {
    const result = await runShape(plan, issuer);
    shapes.push(result);
    print(result);
    console.log(
      `${plan.name}: ${line({ ...result, waitP95: result.queueWait.p95, fairness: result.firstQuestion.fairness })}`,
    );
  }
} finally {
  await issuer.close();
}

// The capacity at Gemini's own pace: the light learners' 10-question jobs of the shape that ran at that pace.
const atGeminiPace = shapes.find((s) => s.plan.timeScale === 1);
if (atGeminiPace)
  results.capacity = printCapacity(
    atGeminiPace.lightJobMs,
    `${atGeminiPace.plan.name}'s light learners, at Gemini's pace, with the pool busy`,
  );
results.shapes = shapes.map(({ plan, ...rest }) => ({
  name: plan.name,
  title: plan.title,
  timeScale: plan.timeScale,
  ...rest,
}));
writeFileSync(path.join(import.meta.dirname, "scale-results.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("\nWrote bench/scale-results.json");
console.log(
  `scale: ${line({
    jobs: sum(shapes.map((s) => s.jobs)),
    completed: sum(shapes.map((s) => s.completed)),
    failed: sum(shapes.map((s) => s.failed)),
    interrupted: sum(shapes.map((s) => s.interrupted)),
    rateLimited: sum(shapes.map((s) => s.rateLimited)),
    waitP95: Math.max(...shapes.map((s) => s.queueWait.p95)),
    fairness: Math.min(...shapes.map((s) => s.firstQuestion.fairness)),
  })}`,
);
process.exit(0);
