/**
 * Saving a batch: `saveBatch`, through which a running attempt saves the
 * questions the model streams with the job's progress, and, with its last
 * batch, completes the job, all in one transaction.
 *
 * Tables: inserts `questions`; reads and upserts `topics` (`topics.ts`); writes
 * `generationJobs` through `recordProgress` and `finishStep` (`jobTransitions.ts`).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { isPlanningPhase } from "../lib/jobs";
import { vJobStatus, vQuestionToSave, vTokenUsage } from "../lib/validators";
import { internalMutation } from "./_generated/server";
import { finishStep, isCurrentAttempt, recordProgress } from "./jobTransitions";
import { searchFields } from "./lib/searchFields";
import { resolveTopic, touchTopic } from "./topics";

/**
 * Saves a batch of complete, validated questions of a job and records the
 * job's progress, in one transaction: the plan once the model has made it
 * (`plan`: topic, estimate, phase "generating"), counts of what the model
 * wrote, and, with the attempt's last batch, its end (`finish`: the job
 * completes with its token usage; a job over a source completes after its last
 * section, and moves on to its next one before that: `finishStep`), so a job
 * costs one call per batch.
 *
 * Writes nothing unless the job is still `processing` in the caller's
 * `attempt`: once `cancelJob`, `pauseJob` (or `failJob`, or the sweeper) has
 * committed, no question of that attempt is ever written again, even if the
 * job is resumed meanwhile, and `accepted: false` tells the action to abort its stream.
 *
 * Idempotent: `batchStart` is how many questions the action believes the job
 * already has; questions the job already counts are skipped, so a re-sent
 * batch is never saved twice. A job never holds more than `MAX_QUESTIONS`.
 * An empty batch is a heartbeat (and a cancellation check).
 */
export const saveBatch = internalMutation({
  args: {
    jobId: v.id("generationJobs"),
    userId: v.string(),
    /** From a source: each with where it comes from (its verified quote, or general knowledge). */
    questions: v.array(vQuestionToSave),
    batchStart: v.number(),
    /** The attempt the action runs (`startJob`'s answer); a batch of an older attempt writes nothing. */
    attempt: v.optional(v.number()),
    /** A job over a source: the step of its plan the action writes; a batch of another step writes nothing. */
    step: v.optional(v.number()),
    /** The plan, once made (required with questions, unless the job already has one). */
    plan: v.optional(v.object({ topic: v.string(), estimatedTotal: v.number() })),
    questionsGenerated: v.number(),
    questionsSkipped: v.optional(v.number()),
    /** The attempt's last batch: complete the job, with the attempt's tokens. */
    finish: v.optional(v.object({ usage: vTokenUsage })),
  },
  returns: v.object({
    /** Whether the batch (and `finish`) was written: the job was processing this attempt. */
    accepted: v.boolean(),
    status: v.union(vJobStatus, v.null()),
    saved: v.number(),
    questionsSaved: v.number(),
  }),
  handler: async (ctx, args) => {
    const job = await ctx.db.get("generationJobs", args.jobId);
    if (!job) return { accepted: false, status: null, saved: 0, questionsSaved: 0 };
    if (job.userId !== args.userId) throw new Error(`saveBatch: job ${args.jobId} is not owned by the given user`);
    if (job.status !== "processing" || !isCurrentAttempt(job, args.attempt, args.step)) {
      return { accepted: false, status: job.status, saved: 0, questionsSaved: job.questionsSaved };
    }
    const section = job.sourcePlan?.steps[job.sourcePlan.step]?.section;
    for (const question of args.questions) {
      const from = question.source;
      if (from !== undefined && (from.sourceId !== job.source?.sourceId || from.sectionIndex !== section))
        throw new Error(`saveBatch: a question of job ${args.jobId} says it comes from another source or section`);
    }
    // A new job's topic joins the user's existing topic of the same key ("The NATO alphabet" → "NATO alphabet").
    const topic = job.topic ?? (args.plan ? await resolveTopic(ctx, job.userId, args.plan.topic) : undefined);
    if (topic === undefined && args.questions.length > 0)
      throw new Error(`saveBatch: job ${args.jobId} has questions but no plan`);

    const alreadySaved = Math.max(0, job.questionsSaved - args.batchStart);
    const room = Math.max(0, JOB_CONFIG.MAX_QUESTIONS - job.questionsSaved);
    const fresh = args.questions.slice(alreadySaved, alreadySaved + room);
    const now = Date.now();
    const card = newCard(now);
    for (const question of fresh) {
      await ctx.db.insert("questions", {
        ...question,
        ...searchFields(question),
        userId: job.userId,
        topic: topic!,
        generationJobId: job._id,
        createdAt: now,
        card,
      });
    }
    // A topic joins the user's list with its first saved question (never for a job that saved none).
    if (job.questionsSaved === 0 && fresh.length > 0) await touchTopic(ctx, job.userId, topic!);
    const questionsSaved = job.questionsSaved + fresh.length;
    const progress = {
      questionsSaved,
      questionsGenerated: Math.max(job.questionsGenerated, args.questionsGenerated),
      questionsSkipped: Math.max(job.questionsSkipped ?? 0, args.questionsSkipped ?? 0),
      ...(args.plan && job.topic === undefined ? { topic: topic!, estimatedTotal: args.plan.estimatedTotal } : {}),
      ...(args.plan && isPlanningPhase(job.phase) ? { phase: "generating" as const } : {}),
    };
    if (args.finish) {
      const status = await finishStep(ctx, job, progress, args.finish.usage);
      return { accepted: true, status, saved: fresh.length, questionsSaved };
    }
    await recordProgress(ctx, job, progress);
    return { accepted: true, status: job.status, saved: fresh.length, questionsSaved };
  },
});
