/**
 * The two-call design of `processJob`, kept only as the benchmark's point of
 * comparison (never deployed: `bench/run.ts` links it into the functions of a
 * scratch copy of the project). It is today's engine as it was before the
 * plan moved into the generation call:
 *
 * - a clarify call for the plan (topic, count) must finish before the
 *   questions are asked for: two model round trips before the first question;
 * - `updateProgress` records the plan, batches are saved through the real
 *   `saveBatch`, and a separate `completeJob` ends the job: two function
 *   calls more per job.
 *
 * Same model seam, prompts, batching policy and question checks.
 */
import { newJobFields } from "../../lib/jobs";
import { makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import type { GeneratedQuestion } from "../../lib/validators";
import { internal } from "../../convex/_generated/api";
import { internalAction, mutation } from "../../convex/_generated/server";
import { AnswerReader, UsageMeter } from "../../convex/lib/ai/answerStream";
import { streamAnswer } from "../../convex/lib/ai/generate";
import { chooseModel } from "../../convex/lib/ai/models";
import { GENERATION_SYSTEM_PROMPT, generationPrompt } from "../../convex/lib/ai/prompts";
import { isSaveDue } from "../../convex/lib/batching";
import { checkQuestion, questionKey } from "../../convex/lib/questionQuality";
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
    await ctx.runMutation(internal.jobTransitions.updateProgress, {
      jobId,
      phase: "generating",
      topic: plan.topic,
      estimatedTotal: plan.questionCount,
    });
    const prompt = generationPrompt({ request: job.prompt, plan, avoid: [] });
    const { result } = streamAnswer(choice, prompt, { onChunk: (chunk) => meter.observe(chunk) });

    const reader = new AnswerReader();
    const seen = new Set<string>();
    let buffer: GeneratedQuestion[] = [];
    let oldestBufferedAt: number | null = null;
    let lastSaveAt = Date.now();
    let saved = 0;
    let generated = 0;
    const take = (elements: unknown[]) => {
      for (const element of elements) {
        generated++;
        const question = checkQuestion(element);
        if (question && !seen.has(questionKey(question.question)) && saved + buffer.length < plan.questionCount) {
          seen.add(questionKey(question.question));
          buffer.push(question);
          oldestBufferedAt ??= Date.now();
        }
      }
    };
    const save = async () => {
      const questions = buffer;
      buffer = [];
      oldestBufferedAt = null;
      const res = await ctx.runMutation(internal.questions.saveBatch, {
        jobId,
        userId,
        questions,
        batchStart: saved,
        questionsGenerated: generated,
      });
      saved = res.questionsSaved;
      lastSaveAt = Date.now();
      return res.active;
    };
    for await (const partial of result.partialOutputStream) {
      take(reader.read(partial).questions);
      if (
        isSaveDue({ buffered: buffer.length, oldestBufferedAt, lastSaveAt, savedByAttempt: saved }, Date.now()) &&
        !(await save())
      )
        return null;
    }
    take(reader.rest(await result.output));
    if (buffer.length > 0 && !(await save())) return null;
    const streamed = meter.usage(null);
    const clarify = new UsageMeter(clarifyText).usage(null);
    const usage = {
      inputTokens: clarify.inputTokens + Math.ceil((GENERATION_SYSTEM_PROMPT + prompt).length / 4),
      outputTokens: streamed.outputTokens,
      estimated: true,
    };
    await ctx.runMutation(internal.jobTransitions.completeJob, { jobId, usage });
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
    const jobId = await ctx.db.insert("generationJobs", newJobFields(identity.tokenIdentifier, prompt, now));
    await ctx.scheduler.runAfter(0, makeFunctionReference<"action">("twoCallJob:processJobTwoCalls"), {
      jobId,
      userId: identity.tokenIdentifier,
    });
    return jobId;
  },
});
