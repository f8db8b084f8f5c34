/**
 * Saving a batch: `saveBatch`, through which a running attempt saves the
 * questions the model streams with the job's progress, and, with its last
 * batch, completes the job, all in one transaction. The quality gate's part
 * that needs the database is here: a question that asks what one the learner
 * already owns asks (`DUPLICATE_QUESTION`, looked up through
 * `questionSignatures`) is refused.
 *
 * Tables: inserts `questions` and their `questionSignatures` (reading both);
 * reads and upserts `topics` (`topics.ts`); writes `generationJobs` (and the
 * pool's tables) through `recordProgress`, `finishStep` and `makeWayIfWaited`
 * (`jobTransitions.ts`).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import { isPlanningPhase } from "../lib/jobs";
import { DUPLICATE_SIGNATURE_VERSION, duplicateBandKeys, findDuplicateQuestion } from "../lib/questionDuplicates";
import { duplicateQuestionReason } from "../lib/questionFlaws";
import {
  vFlawNote,
  vGateReport,
  vJobStatus,
  vQuestionToSave,
  vTokenUsage,
  type FlawNote,
  type GateNote,
  type GateReport,
  type QualityGateRecord,
  type QuestionContent,
  type QuestionToSave,
} from "../lib/validators";
import type { Doc } from "./_generated/dataModel";
import { internalMutation } from "./_generated/server";
import { finishStep, isCurrentAttempt, makeWayIfWaited, recordProgress } from "./jobTransitions";
import { addSignatures, findOwnedDuplicate } from "./lib/questionSignatures";
import { questionKey } from "./lib/questionQuality";
import { searchFields } from "./lib/searchFields";
import { resolveTopic, touchTopic } from "./topics";

/**
 * Saves a batch of complete, validated questions of a job and records the
 * job's progress, in one transaction: the plan once the model has made it
 * (`plan`: topic, estimate, phase "generating"), counts of what the model
 * wrote, and, with the attempt's last batch, its end (`finish`: the job
 * completes with its token usage; a job over a source completes after its last
 * section, and moves on to its next one before that: `finishStep`), so a job
 * costs one call per batch. A question from a source must come from the job's
 * source and current section (the step guard), or the batch is refused whole.
 *
 * Writes nothing unless the job is still `processing` in the caller's
 * `attempt`: once `cancelJob`, `pauseJob` (or `failJob`, or the sweeper) has
 * committed, no question of that attempt is ever written again, even if the
 * job is resumed meanwhile, and `accepted: false` tells the action to abort its stream.
 *
 * The questions come checked by the attempt's gate (`QuestionIntake`), each
 * with the mild flaws it is saved marked with. Each is then judged against the
 * learner's whole collection, the questions saved before it in this batch
 * included: a duplicate is not saved, and `refused` says which (by index in
 * `questions`) and why, so the action can ask for replacements. What the
 * gate did (`gate`: the questions it rejected; one whose replacement this
 * batch saves counts as rewritten, the others as dropped) is added to the
 * job's `qualityGate`, with the count of questions saved marked.
 *
 * Idempotent: `batchStart` is how many questions the action believes the job
 * already has; questions the job already counts are skipped, and a question
 * this job already holds word for word is taken as saved (not refused), so a
 * re-sent batch is never saved twice. A job never holds more than
 * `MAX_QUESTIONS`. An empty batch is a heartbeat (and a cancellation check).
 *
 * A batch without `finish` may end the attempt too: when another learner's
 * first job waits for a full pool, the job makes way for it after this batch
 * (`makeWayIfWaited`: back to the queue, to go on later as a new attempt), and
 * the answer's `status` is "queued": the action stops its stream.
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
    /** The attempt's last batch: complete the job, with the attempt's tokens; with `unlessRefused`,
     * only if no question of this batch is refused (the action asks for replacements first). */
    finish: v.optional(v.object({ usage: vTokenUsage, unlessRefused: v.optional(v.boolean()) })),
    /** What the gate rejected (and the rewrite replaced, in this batch): added to the job's `qualityGate`. */
    gate: v.optional(vGateReport),
  },
  returns: v.object({
    /** Whether the batch (and `finish`) was written: the job was processing this attempt. */
    accepted: v.boolean(),
    /** The job's status after the batch ("queued" after an accepted batch without `finish`: it made way). */
    status: v.union(vJobStatus, v.null()),
    saved: v.number(),
    questionsSaved: v.number(),
    /** Questions of the batch not saved because the learner already has one that asks the same. */
    refused: v.array(v.object({ index: v.number(), flaws: v.array(vFlawNote) })),
  }),
  handler: async (ctx, args) => {
    const job = await ctx.db.get("generationJobs", args.jobId);
    if (!job) return { accepted: false, status: null, saved: 0, questionsSaved: 0, refused: [] };
    if (job.userId !== args.userId) throw new Error(`saveBatch: job ${args.jobId} is not owned by the given user`);
    if (job.status !== "processing" || !isCurrentAttempt(job, args.attempt, args.step)) {
      return { accepted: false, status: job.status, saved: 0, questionsSaved: job.questionsSaved, refused: [] };
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
    const now = Date.now();
    const card = newCard(now);
    const refused: Array<{ index: number; flaws: FlawNote[] }> = [];
    const savedAt = new Map<number, string>(); // index in `questions` → the text saved
    // Every lookup before any write: each judges the collection as it was, and the batch's earlier questions here.
    const accepted: Array<{
      index: number;
      question: Omit<QuestionToSave, "flaws">;
      flaws?: FlawNote[];
      keys: string[];
    }> = [];
    for (let index = alreadySaved; index < args.questions.length && accepted.length < room; index++) {
      const { flaws, ...question } = args.questions[index]!;
      const keys = duplicateBandKeys(question);
      const owned = await findOwnedDuplicate(ctx, job.userId, question, keys);
      if (owned && isReplay(job, owned, question)) savedAt.set(index, owned.question);
      const duplicate =
        owned ??
        findDuplicateQuestion(
          question,
          accepted.map((earlier) => earlier.question),
        )?.duplicateOf;
      if (duplicate) {
        if (!savedAt.has(index)) refused.push({ index, flaws: [duplicateNote(duplicate)] });
        continue;
      }
      accepted.push({ index, question, keys, ...(flaws && flaws.length > 0 ? { flaws } : {}) });
    }
    for (const { index, question, flaws, keys } of accepted) {
      const questionId = await ctx.db.insert("questions", {
        ...question,
        ...searchFields(question),
        userId: job.userId,
        topic: topic!,
        generationJobId: job._id,
        createdAt: now,
        card,
        ...(flaws ? { flaws, needsLook: true as const } : {}),
        signatureVersion: DUPLICATE_SIGNATURE_VERSION,
      });
      await addSignatures(ctx, job.userId, questionId, keys);
      savedAt.set(index, question.question);
    }
    const saved = accepted.length;
    const marked = accepted.filter((entry) => entry.flaws).length;
    // A topic joins the user's list with its first saved question (never for a job that saved none).
    if (job.questionsSaved === 0 && saved > 0) await touchTopic(ctx, job.userId, topic!);
    const questionsSaved = job.questionsSaved + saved;
    const qualityGate = nextQualityGate(job.qualityGate, args.gate, savedAt, marked);
    const progress = {
      questionsSaved,
      questionsGenerated: Math.max(job.questionsGenerated, args.questionsGenerated),
      questionsSkipped: Math.max(job.questionsSkipped ?? 0, args.questionsSkipped ?? 0),
      ...(args.plan && job.topic === undefined ? { topic: topic!, estimatedTotal: args.plan.estimatedTotal } : {}),
      ...(args.plan && isPlanningPhase(job.phase) ? { phase: "generating" as const } : {}),
      ...(qualityGate ? { qualityGate } : {}),
    };
    if (args.finish && !(args.finish.unlessRefused && refused.length > 0)) {
      const status = await finishStep(ctx, job, progress, args.finish.usage);
      return { accepted: true, status, saved, questionsSaved, refused };
    }
    if (await makeWayIfWaited(ctx, job, progress))
      return { accepted: true, status: "queued" as const, saved, questionsSaved, refused };
    await recordProgress(ctx, job, progress);
    return { accepted: true, status: job.status, saved, questionsSaved, refused };
  },
});

/** A question this job already holds word for word: a re-sent batch, not a duplicate to refuse. */
function isReplay(job: Doc<"generationJobs">, saved: Doc<"questions">, question: QuestionContent): boolean {
  return saved.generationJobId === job._id && questionKey(saved.question) === questionKey(question.question);
}

function duplicateNote(duplicateOf: Pick<QuestionContent, "question">): FlawNote {
  return { code: "DUPLICATE_QUESTION", reason: duplicateQuestionReason(duplicateOf) };
}

/** The job's gate record with this batch's report and marked questions added, or null if nothing happened. */
function nextQualityGate(
  current: QualityGateRecord | undefined,
  report: GateReport | undefined,
  savedAt: ReadonlyMap<number, string>,
  marked: number,
): QualityGateRecord | null {
  if ((!report || report.rejected.length === 0) && marked === 0) return null;
  const notes = (report?.rejected ?? []).map(({ question, flaws, replacement }): GateNote => {
    const saved = replacement === undefined ? undefined : savedAt.get(replacement);
    return saved === undefined
      ? { question, flaws, outcome: "dropped" }
      : { question, flaws, outcome: "rewritten", replacement: saved };
  });
  const base = current ?? { rewritten: 0, dropped: 0, marked: 0, notes: [] };
  const rewritten = notes.filter((note) => note.outcome === "rewritten").length;
  return {
    rewritten: base.rewritten + rewritten,
    dropped: base.dropped + notes.length - rewritten,
    marked: base.marked + marked,
    notes: [...base.notes, ...notes].slice(-JOB_CONFIG.MAX_GATE_NOTES),
  };
}
