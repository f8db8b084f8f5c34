/**
 * The seed's first design of processJob, kept only as the benchmark's
 * baseline (never deployed: `bench/run.ts` links it into the functions of a
 * scratch copy of the project, where `../../convex` is that copy's). Same
 * schema, same model seam, same question checks; what differs is the cost model:
 *
 * - a separate clarify call for the plan (two model calls per job);
 * - one mutation per question (`saveQuestion`), plus a separate
 *   `updateProgress` call after each;
 * - cancellation polled with a query every 10th question;
 * - `questionIds` passed to `completeJob` at the end.
 */
import { makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { internalAction, internalMutation, internalQuery } from "../../convex/_generated/server";
import { AnswerReader } from "../../convex/lib/ai/answerStream";
import { streamAnswer } from "../../convex/lib/ai/generate";
import { chooseModel } from "../../convex/lib/ai/models";
import { generationPrompt } from "../../convex/lib/ai/prompts";
import { checkQuestion } from "../../convex/lib/questionQuality";
import { vGeneratedQuestion, vJobPhase } from "../../lib/validators";
import { newCard } from "../../lib/fsrs";
import { clarifyPlan } from "./clarifyPlan";

const ref = {
  getJob: makeFunctionReference<"query">("baselineJob:getJob"),
  saveQuestion: makeFunctionReference<"mutation">("baselineJob:saveQuestion"),
  updateProgress: makeFunctionReference<"mutation">("baselineJob:updateProgress"),
  completeJob: makeFunctionReference<"mutation">("baselineJob:completeJob"),
};

export const processJobBaseline = internalAction({
  args: { jobId: v.id("generationJobs"), userId: v.string() },
  returns: v.null(),
  handler: async (ctx, { jobId, userId }) => {
    const choice = chooseModel();
    if (choice === null) throw new Error("The baseline needs a model (the benchmark sets one).");
    const started = Date.now();
    await ctx.runMutation(ref.updateProgress, { jobId, status: "processing", phase: "planning" });
    const job = (await ctx.runQuery(ref.getJob, { jobId })) as { prompt: string; status: string } | null;
    if (!job || job.status === "cancelled") return null;
    const plan = await clarifyPlan(choice, job.prompt);
    await ctx.runMutation(ref.updateProgress, {
      jobId,
      phase: "generating",
      estimatedTotal: plan.questionCount,
      topic: plan.topic,
    });
    const { result } = streamAnswer(choice, generationPrompt({ request: job.prompt, plan, avoid: [] }));
    const reader = new AnswerReader();
    const questionIds: string[] = [];
    let generated = 0;
    const save = async (elements: unknown[]) => {
      for (const element of elements) {
        generated++;
        const question = checkQuestion(element);
        if (!question || questionIds.length >= plan.questionCount) continue;
        questionIds.push(
          (await ctx.runMutation(ref.saveQuestion, { userId, topic: plan.topic, jobId, question })) as string,
        );
        await ctx.runMutation(ref.updateProgress, {
          jobId,
          questionsGenerated: generated,
          questionsSaved: questionIds.length,
        });
        if (questionIds.length % 10 === 0) {
          const current = (await ctx.runQuery(ref.getJob, { jobId })) as { status: string } | null;
          if (current?.status === "cancelled") return false;
        }
      }
      return true;
    };
    let going = true;
    for await (const partial of result.partialOutputStream) {
      going = await save(reader.read(partial).questions);
      if (!going) break;
    }
    if (going) await save(reader.rest(await result.output));
    await ctx.runMutation(ref.completeJob, { jobId, questionIds, durationMs: Date.now() - started });
    return null;
  },
});

export const getJob = internalQuery({
  args: { jobId: v.id("generationJobs") },
  returns: v.any(),
  handler: async (ctx, { jobId }) => await ctx.db.get("generationJobs", jobId),
});

export const saveQuestion = internalMutation({
  args: { userId: v.string(), topic: v.string(), jobId: v.id("generationJobs"), question: vGeneratedQuestion },
  returns: v.id("questions"),
  handler: async (ctx, { userId, topic, jobId, question }) => {
    const now = Date.now();
    return await ctx.db.insert("questions", {
      ...question,
      userId,
      topic,
      generationJobId: jobId,
      createdAt: now,
      card: newCard(now),
    });
  },
});

export const updateProgress = internalMutation({
  args: {
    jobId: v.id("generationJobs"),
    status: v.optional(v.literal("processing")),
    phase: v.optional(vJobPhase),
    estimatedTotal: v.optional(v.number()),
    topic: v.optional(v.string()),
    questionsGenerated: v.optional(v.number()),
    questionsSaved: v.optional(v.number()),
  },
  returns: v.null(),
  handler: async (ctx, { jobId, ...fields }) => {
    await ctx.db.patch("generationJobs", jobId, { ...fields, lastProgressAt: Date.now() });
    return null;
  },
});

export const completeJob = internalMutation({
  args: { jobId: v.id("generationJobs"), questionIds: v.array(v.id("questions")), durationMs: v.number() },
  returns: v.null(),
  handler: async (ctx, { jobId, questionIds, durationMs }) => {
    await ctx.db.patch("generationJobs", jobId, {
      status: "completed",
      phase: "finalizing",
      questionIds,
      durationMs,
      completedAt: Date.now(),
    });
    return null;
  },
});
