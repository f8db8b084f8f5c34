/**
 * The two-call design of `processJob`, kept only as the benchmark's point of
 * comparison (never deployed: `bench/run.ts` links it into the functions of a
 * scratch copy of the project). It is today's engine as it was before the
 * plan moved into the generation call:
 *
 * - a clarify call for the plan (topic, count) must finish before the
 *   questions are asked for: two model round trips before the first question;
 * - its own `recordPlan` records the plan, batches are saved through the
 *   engine's `BatchSaver` and `saveBatch`, and a separate `completeJob` ends
 *   the job: two function calls more per job.
 *
 * Same model seam, prompts, checker, batcher and saver as `processJob`.
 */
import { makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { newJobFields } from "../../lib/jobs";
import { vJobPhase } from "../../lib/validators";
import { internal } from "../../convex/_generated/api";
import { internalAction, internalMutation, mutation } from "../../convex/_generated/server";
import { AnswerReader, UsageMeter } from "../../convex/lib/ai/answerStream";
import { streamAnswer } from "../../convex/lib/ai/generate";
import { chooseModel } from "../../convex/lib/ai/models";
import { GENERATION_SYSTEM_PROMPT, generationPrompt } from "../../convex/lib/ai/prompts";
import { Batcher } from "../../convex/lib/batching";
import { BatchSaver } from "../../convex/lib/batchSaver";
import { QuestionIntake } from "../../convex/lib/questionIntake";
import { clarifyPlan } from "./clarifyPlan";

export const processJobTwoCalls = internalAction({
  args: { jobId: v.id("generationJobs"), userId: v.string() },
  returns: v.null(),
  handler: async (ctx, { jobId, userId }) => {
    const choice = chooseModel();
    if (choice === null) throw new Error("The benchmark sets a model.");
    const job = await ctx.runMutation(internal.jobTransitions.startJob, { jobId, userId, model: choice.kind });
    if (job === null) return null;
    const meter = new UsageMeter("");
    let clarifyText = "";
    const plan = await clarifyPlan(choice, job.prompt, (text) => (clarifyText = text));
    await ctx.runMutation(makeFunctionReference<"mutation">("twoCallJob:recordPlan"), {
      jobId,
      phase: "generating",
      topic: plan.topic,
      estimatedTotal: plan.questionCount,
    });
    const prompt = generationPrompt({ request: job.prompt, plan, avoid: [] });
    const { result } = streamAnswer(choice, prompt, { onChunk: (chunk) => meter.observe(chunk) });

    // The engine's own checker, batcher and saver.
    const reader = new AnswerReader();
    const intake = new QuestionIntake([]);
    const batcher = new Batcher(Date.now());
    const saver = new BatchSaver(ctx, { jobId, userId, attempt: job.attempt, questionsSaved: 0 }, Date.now());
    const take = (elements: unknown[]) => {
      batcher.add(intake.take(elements), Date.now());
      batcher.limit(plan.questionCount - saver.savedTotal);
    };
    const save = async () => {
      const accepted = await saver.save(batcher.drain(), {
        plan: null,
        generated: intake.generated,
        skipped: intake.skipped,
      });
      batcher.saved(Date.now());
      return accepted;
    };
    for await (const partial of result.partialOutputStream) {
      take(reader.read(partial).questions);
      if (batcher.msUntilDue(saver.savedByAttempt, Date.now()) === 0 && !(await save())) return null;
    }
    take(reader.rest(await result.output));
    if (batcher.size > 0 && !(await save())) return null;
    const streamed = meter.usage(null);
    const clarify = new UsageMeter(clarifyText).usage(null);
    const usage = {
      inputTokens: clarify.inputTokens + Math.ceil((GENERATION_SYSTEM_PROMPT + prompt).length / 4),
      outputTokens: streamed.outputTokens,
      estimated: true,
    };
    await ctx.runMutation(internal.jobTransitions.completeJob, { jobId, usage, attempt: job.attempt });
    return null;
  },
});

/** The plan, recorded apart from the questions (this design's extra function call per job). */
export const recordPlan = internalMutation({
  args: { jobId: v.id("generationJobs"), phase: vJobPhase, topic: v.string(), estimatedTotal: v.number() },
  returns: v.null(),
  handler: async (ctx, { jobId, ...plan }) => {
    await ctx.db.patch("generationJobs", jobId, { ...plan, lastProgressAt: Date.now() });
    return null;
  },
});

/** Starts a job of the caller's on this design (public: the benchmark's real client calls it). */
export const createTwoCallJob = mutation({
  args: { prompt: v.string() },
  returns: v.id("generationJobs"),
  handler: async (ctx, { prompt }) => {
    const identity = await ctx.auth.getUserIdentity();
    if (!identity) throw new Error("sign in");
    const now = Date.now();
    // Started `pending`, as jobs were before the generation pool: the benchmark runs one job at a time, so
    // the pool would dispatch it at once (and dispatching schedules `processJob`, not this design's action).
    const jobId = await ctx.db.insert("generationJobs", {
      ...newJobFields(identity.tokenIdentifier, prompt, now),
      status: "pending",
    });
    await ctx.scheduler.runAfter(0, makeFunctionReference<"action">("twoCallJob:processJobTwoCalls"), {
      jobId,
      userId: identity.tokenIdentifier,
    });
    return jobId;
  },
});
