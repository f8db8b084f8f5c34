/**
 * The model path over real HTTP: `createJob` schedules the real `processJob`,
 * which calls the real providers (`@ai-sdk/google` and
 * `@ai-sdk/openai-compatible`, built by `chooseModel` as in production)
 * against local stand-ins speaking Gemini's and OpenAI's wire formats
 * (`tests/support/wire/`). Each case asserts the job's final code, its
 * retry flag and what it kept; the requests the stand-in received show what
 * the SDK sent and how often it retried.
 */
import { readFileSync } from "node:fs";
import type { FunctionArgs } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { sectionSource } from "../lib/sections";
import { normalizeSourceText, uploadSource } from "../lib/sources";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { JOB_ERRORS } from "../lib/jobs";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { setModelOverride, type ModelChoice } from "./lib/ai/models";
import { parseGenerationPrompt } from "./lib/ai/prompts";
import { sampleSourceQuestions } from "./lib/ai/sampleSourceQuestions";
import { parseSectionText } from "./lib/ai/sourcePrompts";
import {
  asUser,
  dropScheduled,
  initConvexTest,
  runScheduled,
  tokenIdentifier,
  waitFor,
  type TestConvex,
} from "./test.setup";
import { makeQuestions } from "../tests/support/scriptedModels";
import {
  plan,
  questionsReply,
  script,
  startProviderStandIn,
  wireChoice,
  WIRE_PROVIDERS,
  type WireProvider,
} from "../tests/support/wire/providers";
import type { Scenario, StandIn, WireRequest } from "../tests/support/wire/standIn";

/** Short, so a hang fails fast; long enough for a batch save between two chunks. */
const IDLE_TIMEOUT_MS = 400;
/** The SDK's retries in this suite: one, so a retry shows without waiting its backoff twice. */
const MAX_RETRIES = 1;
/** Retry-After sent with a 429 (seconds; the SDK reads fractions). */
const RETRY_AFTER_S = 0.2;

const ALICE = tokenIdentifier("alice");
const servers: StandIn[] = [];

afterEach(async () => {
  setModelOverride(null);
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The stand-in's answers (per call, or any handler) and the model choice's overrides. */
type Setup = {
  handler: Parameters<typeof script>[0] | ((request: WireRequest) => Scenario);
  choice?: Partial<ModelChoice>;
};

/** A stand-in for `provider` answering with `handler`, and the app's model pointed at it. */
async function serve(provider: WireProvider, { handler, choice = {} }: Setup): Promise<StandIn> {
  const server = await startProviderStandIn(provider, typeof handler === "function" ? handler : script(handler));
  servers.push(server);
  const model = wireChoice(provider, server, {
    maxRetries: MAX_RETRIES,
    streamIdleTimeoutMs: IDLE_TIMEOUT_MS,
    ...choice,
  });
  setModelOverride(() => model);
  return server;
}

async function runJob(t: TestConvex, prompt = "Wire topic") {
  const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt });
  await runScheduled(t);
  return jobId;
}

const getJob = (t: TestConvex, jobId: Id<"generationJobs">) => t.run((ctx) => ctx.db.get("generationJobs", jobId));
const savedQuestions = async (t: TestConvex, jobId: Id<"generationJobs">) =>
  (
    await t.run((ctx) =>
      ctx.db
        .query("questions")
        .withIndex("by_user_job", (q) => q.eq("userId", ALICE).eq("generationJobId", jobId))
        .collect(),
    )
  ).map((q) => q.question);
const streams = (server: StandIn) => server.requests.filter((request) => request.streaming);

const CHAPTER = normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown");
const SECTIONS = sectionSource(CHAPTER, "markdown");

async function uploadChapter(t: TestConvex) {
  const alice = asUser(t, "alice");
  const calls = {
    begin: (args: FunctionArgs<typeof api.sources.beginSource>) => alice.mutation(api.sources.beginSource, args),
    append: (args: FunctionArgs<typeof api.sources.appendSourceChunks>) =>
      alice.mutation(api.sources.appendSourceChunks, args),
    finish: (args: FunctionArgs<typeof api.sources.finishSource>) => alice.mutation(api.sources.finishSource, args),
  };
  return (await uploadSource(calls, { name: "photosynthesis.md", kind: "markdown", text: CHAPTER })).sourceId;
}
const texts = (count: number, from = 0) => makeQuestions(count, from).map((q) => q.question);

/** Failed jobs log their error; keep test output clean. */
const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});

describe.each(WIRE_PROVIDERS)("%s over HTTP", (provider) => {
  const kind = provider === "gemini" ? "gemini" : "openai-compatible";

  test("normal: ONE call plans and streams every question; the job completes with the provider's token counts", async () => {
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: { stream: () => questionsReply(makeQuestions(6), { plan: plan(6), delayMs: 5 }) },
    });
    const jobId = await runJob(t);

    const job = await getJob(t, jobId);
    expect(job).toMatchObject({
      status: "completed",
      model: kind,
      topic: "Wire topic",
      estimatedTotal: 6,
      questionsSaved: 6,
      questionsSkipped: 0,
    });
    expect(await savedQuestions(t, jobId)).toEqual(texts(6));
    const [stream, ...more] = server.requests;
    expect(more).toEqual([]);
    expect(stream).toMatchObject({ streaming: true, abandoned: false });
    // The stand-in counts about a token per 4 characters of prompt and answer; the job has the provider's figures, not an estimate.
    expect(job!.usageEstimated).toBeUndefined();
    expect(job!.inputTokens).toBeGreaterThan(100);
    expect(job!.outputTokens).toBeGreaterThan(100);
    expect(job!.attemptHistory).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: "completed",
        questionsSaved: 6,
        inputTokens: job!.inputTokens,
        outputTokens: job!.outputTokens,
      }),
    ]);
    if (provider === "gemini") {
      expect(stream!.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      expect(stream!.headers["x-goog-api-key"]).toBe("stand-in-key");
      expect(stream!.body).toMatchObject({
        generationConfig: { responseMimeType: "application/json", thinkingConfig: { thinkingBudget: 0 } },
      });
      // The model may write no more than the attempt may spend (its reservation of the user's day).
      const { generationConfig } = stream!.body as { generationConfig: { maxOutputTokens: number } };
      expect(generationConfig.maxOutputTokens).toBeLessThan(JOB_CONFIG.MAX_ATTEMPT_TOKENS);
    } else {
      expect(stream!.path).toBe("/v1/chat/completions");
      expect(stream!.headers.authorization).toBe("Bearer sk-stand-in-key");
      expect(stream!.body).toMatchObject({ model: "llama3.1", stream: true, response_format: { type: "json_schema" } });
      // Without `stream_options.include_usage` a streamed call reports no usage (docs/model-errors.md): the app asks for it.
      expect(stream!.body).toMatchObject({ stream_options: { include_usage: true } });
      expect((stream!.body as { max_tokens: number }).max_tokens).toBeLessThan(JOB_CONFIG.MAX_ATTEMPT_TOKENS);
    }
  });

  test("a job over a source: one request per section, each holding only its section; every call's usage counted", async () => {
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: (request) => {
        const { topic, count, avoid } = parseGenerationPrompt(request.prompt);
        const section = parseSectionText(request.prompt)!;
        return questionsReply(sampleSourceQuestions(section, count, avoid), { plan: plan(count, topic) });
      },
    });
    const sourceId = await uploadChapter(t);
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createSourceJob, { sourceId, questionCount: 9 });
    await runScheduled(t);

    const job = (await getJob(t, jobId))!;
    expect(job).toMatchObject({ status: "completed", model: kind, questionsSaved: 9, attempts: 1 });
    const steps = job.sourcePlan!.steps;
    const requests = streams(server);
    expect(server.requests).toHaveLength(steps.length);
    requests.forEach((request, i) => {
      const own = SECTIONS[steps[i]!.section]!;
      expect(parseSectionText(request.prompt)).toBe(CHAPTER.slice(own.start, own.end));
      for (const other of SECTIONS.filter((section) => section !== own))
        expect(request.prompt.includes(CHAPTER.slice(other.start, other.end))).toBe(false);
      // The provider is asked for each question's quote (the sourced output schema).
      expect(JSON.stringify(request.body)).toContain("generalKnowledge");
    });
    // The provider's counts (about a token per 4 characters), summed over every section's call, on the job and the day.
    expect(job.usageEstimated).toBeUndefined();
    expect(job.inputTokens).toBe(requests.reduce((sum, r) => sum + Math.ceil(r.prompt.length / 4), 0));
    expect(job.attemptHistory).toEqual([
      expect.objectContaining({ outcome: "completed", inputTokens: job.inputTokens, outputTokens: job.outputTokens }),
    ]);
    const day = await t.run((ctx) => ctx.db.query("dailyUsage").first());
    expect(day).toMatchObject({ inputTokens: job.inputTokens, outputTokens: job.outputTokens, reservedTokens: 0 });
    const saved = await t.run((ctx) =>
      ctx.db
        .query("questions")
        .withIndex("by_user_job", (q) => q.eq("userId", ALICE).eq("generationJobId", jobId))
        .collect(),
    );
    expect(saved.every((q) => q.source?.quote !== undefined)).toBe(true);
  });

  test("429 with Retry-After: the SDK waits as told, retries, and the job completes", async () => {
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: {
        stream: (call) =>
          call === 0
            ? { reply: "status", status: 429, headers: { "retry-after": String(RETRY_AFTER_S) } }
            : questionsReply(makeQuestions(5)),
      },
    });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", questionsSaved: 5 });
    const [first, retry] = streams(server);
    expect(streams(server)).toHaveLength(2);
    expect(retry!.at - first!.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 5);
  });

  test("429 on every attempt: after the SDK's retries (RATE_LIMIT) the job goes back to the queue and dispatching backs off", async () => {
    quietErrors();
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: { stream: () => ({ reply: "status", status: 429, headers: { "retry-after": String(RETRY_AFTER_S) } }) },
    });
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "Wire topic" });
    const job = await waitFor(
      () => getJob(t, jobId),
      (job) => job?.status === "queued" && job.attempts === 2,
    );
    expect(job).toMatchObject({ questionsSaved: 0, rateLimitRequeues: 1 });
    expect(job!.attemptHistory?.[0]).toMatchObject({ attempt: 1, outcome: "requeued" });
    expect(streams(server)).toHaveLength(1 + MAX_RETRIES);
    const pool = await t.run((ctx) => ctx.db.query("generationPool").first());
    expect(pool).toMatchObject({ running: 0, backoffMs: JOB_CONFIG.RATE_LIMIT_BACKOFF_MS.initial });
    expect(pool!.backoffUntil).toBeGreaterThan(Date.now());
    await dropScheduled(t); // the dispatch after the backoff
  });

  test.each([401, 403, ...(provider === "gemini" ? [400] : [])])(
    "%i (a bad key): API_KEY, not retryable, and never retried by the SDK",
    async (status) => {
      quietErrors();
      const t = initConvexTest();
      const failure: Scenario = { reply: "status", status };
      const server = await serve(provider, { handler: () => failure });
      const jobId = await runJob(t);

      expect(await getJob(t, jobId)).toMatchObject({
        status: "failed",
        errorCode: "API_KEY",
        retryable: false,
        questionsSaved: 0,
      });
      expect(server.requests).toHaveLength(1);
    },
  );

  test.each([500, 503])("%i: NETWORK, retryable", async (status) => {
    quietErrors();
    const t = initConvexTest();
    // No retries here: without Retry-After the SDK backs off 2 s before retrying a 5xx.
    await serve(provider, { handler: { stream: () => ({ reply: "status", status }) }, choice: { maxRetries: 0 } });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "NETWORK",
      retryable: true,
      questionsSaved: 0,
    });
  });

  test("connection dropped mid-stream: NETWORK, retryable, complete questions kept; the retry completes without duplicates", async () => {
    quietErrors();
    const t = initConvexTest();
    const all = makeQuestions(7);
    const server = await serve(provider, {
      handler: {
        stream: (call) =>
          call === 0
            ? questionsReply(all.slice(0, 3), { plan: plan(6), delayMs: 5, end: "drop" })
            : // The model repeats two questions it was told to avoid, then writes new ones.
              questionsReply([all[1], all[2], ...all.slice(3)]),
      },
    });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "NETWORK",
      retryable: true,
      questionsSaved: 3,
    });
    expect(await savedQuestions(t, jobId)).toEqual(texts(3));
    expect(streams(server)).toHaveLength(1); // a stream that broke after its headers is not retried by the SDK

    await asUser(t, "alice").mutation(api.generationJobs.retryJob, { jobId });
    await runScheduled(t);
    expect(await getJob(t, jobId)).toMatchObject({ status: "completed", attempts: 2, questionsSaved: 6 });
    expect(await savedQuestions(t, jobId)).toEqual(texts(6));
    const retry = streams(server)[1]!;
    expect(retry.prompt).toContain("Number of questions: 3");
    for (const question of texts(3)) expect(retry.prompt).toContain(`- ${question}`);
  });

  test("idle past the timeout: NETWORK, retryable, complete questions kept, the connection closed", async () => {
    const logged = quietErrors();
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: { stream: () => questionsReply(makeQuestions(2), { plan: plan(6), end: "hang" }) },
    });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "NETWORK",
      retryable: true,
      questionsSaved: 2,
      errorMessage: JOB_ERRORS.NETWORK.title,
    });
    // What the SDK said stays in the server's log.
    expect(logged.mock.calls.flat().join(" ")).toContain(`Chunk timeout of ${IDLE_TIMEOUT_MS}ms exceeded`);
    await waitFor(
      () => Promise.resolve(streams(server)[0]!.abandoned),
      (abandoned) => abandoned,
    );
  });

  test("output that is not JSON: INVALID_OUTPUT, retryable", async () => {
    quietErrors();
    const t = initConvexTest();
    await serve(provider, {
      handler: {
        stream: () => ({
          reply: "content",
          steps: ["Sure! Here are your questions:", "\n1. Who built the Via Appia?"],
        }),
      },
    });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "INVALID_OUTPUT",
      retryable: true,
      questionsSaved: 0,
    });
  });

  test("the prompt refused by the provider's safety filter: CONTENT_BLOCKED, not retryable", async () => {
    quietErrors();
    const t = initConvexTest();
    await serve(provider, { handler: { stream: () => ({ reply: "blocked" }) } });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "CONTENT_BLOCKED",
      retryable: false,
      questionsSaved: 0,
    });
  });

  test("the safety filter stops the answer mid-stream: CONTENT_BLOCKED, complete questions kept", async () => {
    quietErrors();
    const t = initConvexTest();
    await serve(provider, {
      handler: { stream: () => questionsReply(makeQuestions(2), { plan: plan(6), end: "filtered" }) },
    });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "CONTENT_BLOCKED",
      retryable: false,
      questionsSaved: 2,
    });
    expect(await savedQuestions(t, jobId)).toEqual(texts(2));
  });

  test("one invalid question among good ones is skipped and counted; the job completes with the rest", async () => {
    const t = initConvexTest();
    const questions = [
      ...makeQuestions(4),
      { ...makeQuestions(1, 4)[0]!, difficulty: "extreme" },
      ...makeQuestions(4, 5),
    ];
    await serve(provider, { handler: { stream: () => questionsReply(questions, { plan: plan(9) }) } });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "completed",
      questionsSaved: 8,
      questionsSkipped: 1,
      questionsGenerated: 9,
    });
    expect(await savedQuestions(t, jobId)).toEqual([...texts(4), ...texts(4, 5)]);
  });

  test("a flawed question: the quality gate's rewrite is ONE more HTTP request, naming the flaw; both calls' reported tokens are the job's", async () => {
    const t = initConvexTest();
    const flawed = { ...makeQuestions(1, 2)[0]!, options: ["Option A", "Option B", "Option C", "All of the above"] };
    const server = await serve(provider, {
      handler: {
        stream: (call) =>
          call === 0
            ? questionsReply([...makeQuestions(2), flawed, ...makeQuestions(2, 3)], { plan: plan(5) })
            : questionsReply(makeQuestions(1, 10), { plan: plan(1) }),
      },
    });
    const jobId = await runJob(t);

    const job = await getJob(t, jobId);
    expect(job).toMatchObject({ status: "completed", questionsSaved: 5, qualityGate: { rewritten: 1, dropped: 0 } });
    expect(await savedQuestions(t, jobId)).toEqual([...texts(2), ...texts(2, 3), ...texts(1, 10)]);
    const [first, rewrite, ...more] = server.requests;
    expect(more).toEqual([]);
    expect(rewrite).toMatchObject({ streaming: true, abandoned: false });
    expect(rewrite!.prompt).toContain(`1. ${flawed.question}\n   Problem: `);
    expect(rewrite!.prompt).toContain("All of the above");
    // The provider's counts of both calls (the stand-in's: a token per 4 characters of prompt), on the job and its attempt.
    const promptTokens = (request: WireRequest) => Math.ceil(request.prompt.length / 4);
    expect(job!.usageEstimated).toBeUndefined();
    expect(job!.inputTokens).toBe(promptTokens(first!) + promptTokens(rewrite!));
    expect(job!.attemptHistory).toEqual([expect.objectContaining({ inputTokens: job!.inputTokens })]);
  });

  test("a server that never answers: NETWORK, retryable, after the idle timeout", async () => {
    quietErrors();
    const t = initConvexTest();
    const server = await serve(provider, { handler: () => ({ reply: "silence" }) });
    const jobId = await runJob(t);

    expect(await getJob(t, jobId)).toMatchObject({
      status: "failed",
      errorCode: "NETWORK",
      retryable: true,
      questionsSaved: 0,
    });
    await waitFor(
      () => Promise.resolve(server.requests[0]!.abandoned),
      (abandoned) => abandoned,
    );
  });

  test("cancel mid-stream: the HTTP stream is closed within a batch's wait", async () => {
    const t = initConvexTest();
    const server = await serve(provider, {
      handler: { stream: () => questionsReply(makeQuestions(40), { delayMs: 20 }) },
    });
    const jobId = await asUser(t, "alice").mutation(api.generationJobs.createJob, { prompt: "Wire topic" });
    const running = runScheduled(t);
    await waitFor(
      () => getJob(t, jobId),
      (job) => (job?.questionsSaved ?? 0) >= 1,
    );

    const { questionsSaved } = await asUser(t, "alice").mutation(api.generationJobs.cancelJob, { jobId });
    const cancelledAt = Date.now();
    await waitFor(
      () => Promise.resolve(streams(server)[0]!.abandoned),
      (abandoned) => abandoned,
      JOB_CONFIG.BATCH_MAX_WAIT_MS,
    );
    expect(Date.now() - cancelledAt).toBeLessThan(JOB_CONFIG.BATCH_MAX_WAIT_MS);
    await running;
    expect(await getJob(t, jobId)).toMatchObject({ status: "cancelled", questionsSaved });
    expect(await savedQuestions(t, jobId)).toHaveLength(questionsSaved);
  });
});
