/**
 * Owning questions: the caller edits, deletes (soft, undoable), restores,
 * suspends and unsuspends their questions, one, a selection, a job's, a
 * topic's or every one of a My Questions view, flags one as wrong while
 * reviewing, and clears the quality check's "Needs a look" mark of one they
 * keep as it is.
 *
 * Tables: reads and patches `questions` (never inserts; the purge of
 * soft-deleted ones is `maintenance.cleanup`), and keeps their
 * `questionSignatures` in step (an edit rewrites them, a delete removes them,
 * a restore writes them again). A topic's or a view's questions are changed
 * `BULK_BATCH_SIZE` per transaction (`SIGNATURE_BATCH_SIZE` for a delete or
 * restore), the rest in scheduled steps (`continueTopicAction`,
 * `continueFilterAction`), so a 10,000-question topic never exceeds a
 * transaction's limits.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { DUPLICATE_SIGNATURE_VERSION } from "../lib/questionDuplicates";
import { filterProblem } from "../lib/questionFilters";
import { textProblem, trimInvisible } from "../lib/text";
import {
  vBulkAction,
  vGeneratedQuestion,
  vQuestionFilter,
  vQuestionScope,
  type BulkAction,
  type QuestionFilter,
  type QuestionScope,
} from "../lib/validators";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation, type MutationCtx } from "./_generated/server";
import { userMutation } from "./lib/functions";
import { checkEditedQuestion } from "./lib/questionQuality";
import { jobQuestions, viewQuery } from "./lib/questionListing";
import { addSignatures, gateOwnQuestion, removeSignatures, restoreSignatures } from "./lib/questionSignatures";
import { searchFields } from "./lib/searchFields";

const vBulkResult = v.object({
  /** Questions changed in this transaction. */
  changed: v.number(),
  /** A topic larger than `BULK_BATCH_SIZE`: the rest is being changed in scheduled steps. */
  continuing: v.boolean(),
});

/**
 * Replaces a question's text, options, answer, explanation and difficulty, checked like a generated
 * question (the answer must be one of the options) and by the same quality gate: an edit with a
 * severe item-writing flaw, or that asks what another of the learner's questions asks, is refused
 * (`QUESTION_FLAWED`, each reason in `flaws`); mild flaws are saved as its "Needs a look" mark, and
 * a clean edit clears it. Clears a "wrong" flag; keeps its schedule.
 */
export const editQuestion = userMutation({
  args: { questionId: v.string(), question: vGeneratedQuestion },
  returns: v.null(),
  handler: async (ctx, { questionId, question: edit }) => {
    const question = await ownedQuestion(ctx, questionId);
    const checked = checkEditedQuestion(edit);
    if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
    const edited = checked.question;
    const { keys, advice } = await gateOwnQuestion(ctx, ctx.userId, edited, question._id);
    await removeSignatures(ctx, [question]);
    await addSignatures(ctx, ctx.userId, question._id, keys);
    const marked = advice.length > 0;
    await ctx.db.patch("questions", question._id, {
      ...edited,
      ...searchFields(edited),
      editedAt: Date.now(),
      flag: undefined,
      flaws: marked ? advice : undefined,
      needsLook: marked ? true : undefined,
      signatureVersion: DUPLICATE_SIGNATURE_VERSION,
    });
    return null;
  },
});

/** Clears a question's "Needs a look" mark: its owner has looked, and keeps it as it is. */
export const clearQuestionAdvice = userMutation({
  args: { questionId: v.string() },
  returns: v.null(),
  handler: async (ctx, { questionId }) => {
    const question = await ownedQuestion(ctx, questionId);
    if (question.needsLook) await ctx.db.patch("questions", question._id, { flaws: undefined, needsLook: undefined });
    return null;
  },
});

/**
 * Flags a question as wrong while reviewing, with an optional reason (at most
 * `MAX_FLAG_REASON_LENGTH`; one made only of invisible or control characters
 * is refused): it is suspended (never due) and keeps the flag until it is edited.
 */
export const flagQuestion = userMutation({
  args: { questionId: v.string(), reason: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, { questionId, reason: rawReason }) => {
    const question = await ownedQuestion(ctx, questionId);
    const problem = rawReason === undefined ? null : textProblem(rawReason, "The reason", { required: false });
    if (problem) throw appError("INVALID_ARGUMENT", problem);
    const reason = trimInvisible(rawReason ?? "");
    if (reason.length > JOB_CONFIG.MAX_FLAG_REASON_LENGTH)
      throw appError("INVALID_ARGUMENT", `The reason can be at most ${JOB_CONFIG.MAX_FLAG_REASON_LENGTH} characters.`);
    await ctx.db.patch("questions", question._id, {
      suspended: true,
      flag: { ...(reason ? { reason } : {}), flaggedAt: Date.now() },
    });
    return null;
  },
});

/**
 * Soft-deletes the caller's questions in `scope`: they leave My Questions and
 * review at once and can be restored with `restoreQuestions` and the returned
 * `deletedAt` until the daily cleanup purges them
 * (`DELETED_QUESTION_RETENTION_DAYS`).
 */
export const deleteQuestions = userMutation({
  args: { scope: vQuestionScope },
  returns: v.object({ ...vBulkResult.fields, deletedAt: v.number() }),
  handler: async (ctx, { scope }) => {
    const deletedAt = Date.now();
    return { ...(await applyToScope(ctx, ctx.userId, scope, "delete", deletedAt)), deletedAt };
  },
});

/** Undoes a `deleteQuestions`: restores the questions of `scope` deleted at `deletedAt`. */
export const restoreQuestions = userMutation({
  args: { scope: vQuestionScope, deletedAt: v.number() },
  returns: vBulkResult,
  handler: async (ctx, { scope, deletedAt }) => await applyToScope(ctx, ctx.userId, scope, "restore", deletedAt),
});

/** Suspends (never due) or unsuspends the caller's questions in `scope`. Deleted ones are left alone. */
export const setQuestionsSuspended = userMutation({
  args: { scope: vQuestionScope, suspended: v.boolean() },
  returns: vBulkResult,
  handler: async (ctx, { scope, suspended }) =>
    await applyToScope(ctx, ctx.userId, scope, suspended ? "suspend" : "unsuspend", Date.now()),
});

/** The next `BULK_BATCH_SIZE` of a topic's bulk action; schedules itself while batches are full. */
export const continueTopicAction = internalMutation({
  args: { userId: v.string(), topic: v.string(), action: vBulkAction, at: v.number() },
  returns: vBulkResult,
  handler: async (ctx, { userId, topic, action, at }) => await applyToTopic(ctx, userId, topic, action, at),
});

/** The next `BULK_BATCH_SIZE` of a view's bulk action, from `cursor`; schedules itself until the view is done. */
export const continueFilterAction = internalMutation({
  args: {
    userId: v.string(),
    filter: vQuestionFilter,
    action: vBulkAction,
    at: v.number(),
    cursor: v.union(v.string(), v.null()),
  },
  returns: vBulkResult,
  handler: async (ctx, { userId, filter, action, at, cursor }) =>
    await applyToFilter(ctx, userId, filter, action, at, cursor),
});

/** The caller's live question `rawId`, or NOT_FOUND (also for someone else's, or a deleted one). */
async function ownedQuestion(ctx: MutationCtx & { userId: string }, rawId: string): Promise<Doc<"questions">> {
  const id = ctx.db.normalizeId("questions", rawId);
  const question = id ? await ctx.db.get("questions", id) : null;
  if (!question || question.userId !== ctx.userId || question.deletedAt !== undefined)
    throw appError("NOT_FOUND", "That question doesn't exist.");
  return question;
}

async function applyToScope(
  ctx: MutationCtx,
  userId: string,
  scope: QuestionScope,
  action: BulkAction,
  at: number,
): Promise<{ changed: number; continuing: boolean }> {
  if (scope.kind === "topic") return await applyToTopic(ctx, userId, scope.topic, action, at);
  if (scope.kind === "filter") return await applyToFilter(ctx, userId, scope.filter, action, at, null);
  let questions: Doc<"questions">[];
  if (scope.kind === "job") {
    const jobId = ctx.db.normalizeId("generationJobs", scope.jobId);
    if (jobId === null) throw appError("NOT_FOUND", "That job doesn't exist.");
    // A job holds at most MAX_QUESTIONS, so one read covers it.
    questions = await ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
      .take(JOB_CONFIG.MAX_QUESTIONS);
  } else {
    if (scope.ids.length === 0) throw appError("INVALID_ARGUMENT", "Select at least one question.");
    if (scope.ids.length > JOB_CONFIG.MAX_SELECTION)
      throw appError("INVALID_ARGUMENT", `Select at most ${JOB_CONFIG.MAX_SELECTION} questions at once.`);
    questions = [];
    for (const rawId of new Set(scope.ids)) {
      const id = ctx.db.normalizeId("questions", rawId);
      const question = id ? await ctx.db.get("questions", id) : null;
      if (!question || question.userId !== userId) throw appError("NOT_FOUND", "That question doesn't exist.");
      questions.push(question);
    }
  }
  return { changed: await applyToQuestions(ctx, questions, action, at), continuing: false };
}

/** How many of `questions` the action changed. A delete removes their signatures first (all read, then deleted). */
async function applyToQuestions(ctx: MutationCtx, questions: Doc<"questions">[], action: BulkAction, at: number) {
  if (action === "delete") await removeSignatures(ctx, questions);
  let changed = 0;
  for (const question of questions) if (await applyToQuestion(ctx, question, action, at)) changed++;
  return changed;
}

/** Questions one transaction of a topic's or a view's bulk action changes: fewer for a delete or restore, which
 * also deletes or writes each question's signature rows. */
function bulkBatchSize(action: BulkAction): number {
  return action === "delete" || action === "restore" ? JOB_CONFIG.SIGNATURE_BATCH_SIZE : JOB_CONFIG.BULK_BATCH_SIZE;
}

/** One question: true if the action changed it. */
async function applyToQuestion(ctx: MutationCtx, question: Doc<"questions">, action: BulkAction, at: number) {
  const id: Id<"questions"> = question._id;
  const live = question.deletedAt === undefined;
  switch (action) {
    case "delete":
      if (!live) return false;
      await ctx.db.patch("questions", id, { deletedAt: at });
      return true;
    case "restore":
      if (question.deletedAt !== at) return false;
      await ctx.db.patch("questions", id, { deletedAt: undefined });
      await restoreSignatures(ctx, question);
      return true;
    case "suspend":
      if (!live || question.suspended) return false;
      await ctx.db.patch("questions", id, { suspended: true });
      return true;
    case "unsuspend":
      if (!live || !question.suspended) return false;
      await ctx.db.patch("questions", id, { suspended: undefined });
      return true;
  }
}

/**
 * One batch of a topic's questions that `action` still applies to, read
 * through an index range the action moves them out of (so the next batch
 * starts where this one ended); the rest is scheduled.
 */
async function applyToTopic(ctx: MutationCtx, userId: string, topic: string, action: BulkAction, at: number) {
  const batch = bulkBatchSize(action);
  const questions =
    action === "delete" || action === "restore"
      ? await ctx.db
          .query("questions")
          .withIndex("by_user_topic_live", (q) =>
            q
              .eq("userId", userId)
              .eq("topic", topic)
              .eq("deletedAt", action === "delete" ? undefined : at),
          )
          .take(batch)
      : await ctx.db
          .query("questions")
          .withIndex("by_user_topic_review", (q) =>
            q
              .eq("userId", userId)
              .eq("topic", topic)
              .eq("deletedAt", undefined)
              .eq("suspended", action === "suspend" ? undefined : true),
          )
          .take(batch);
  const changed = await applyToQuestions(ctx, questions, action, at);
  const continuing = questions.length === batch;
  if (continuing)
    await ctx.scheduler.runAfter(0, internal.manageQuestions.continueTopicAction, { userId, topic, action, at });
  return { changed, continuing };
}

/**
 * Every question of a My Questions view (as it is at `at`: "due" means due by then), a batch at a time: a job's
 * at once (at most `MAX_QUESTIONS`); otherwise a batch (`bulkBatchSize`) of the view's index range from `cursor`, the
 * rest in scheduled steps. An undo (`restore`) brings back what that delete took, in the view's topic, job or source.
 */
async function applyToFilter(
  ctx: MutationCtx,
  userId: string,
  filter: QuestionFilter,
  action: BulkAction,
  at: number,
  cursor: string | null,
): Promise<{ changed: number; continuing: boolean }> {
  const problem = filterProblem(filter);
  if (problem) throw appError("INVALID_ARGUMENT", problem);
  const batch = bulkBatchSize(action);
  let questions: Doc<"questions">[];
  let next: string | null = null;
  if (filter.jobId !== undefined) {
    const jobId = ctx.db.normalizeId("generationJobs", filter.jobId);
    if (jobId === null) throw appError("NOT_FOUND", "That job doesn't exist.");
    questions =
      action === "restore"
        ? await ctx.db
            .query("questions")
            .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
            .take(JOB_CONFIG.MAX_QUESTIONS)
        : await jobQuestions(ctx.db, userId, jobId, filter, undefined, at);
  } else if (action === "restore") {
    // Restoring moves them out of the range read, so the next batch starts where this one ended.
    const { topic } = filter;
    const sourceId = filter.sourceId === undefined ? undefined : ctx.db.normalizeId("sources", filter.sourceId);
    if (sourceId === null) throw appError("NOT_FOUND", "That source doesn't exist.");
    questions = await (
      sourceId !== undefined
        ? ctx.db
            .query("questions")
            .withIndex("by_user_source_live", (q) =>
              q.eq("userId", userId).eq("source.sourceId", sourceId).eq("deletedAt", at),
            )
        : topic === undefined
          ? ctx.db.query("questions").withIndex("by_user_live", (q) => q.eq("userId", userId).eq("deletedAt", at))
          : ctx.db
              .query("questions")
              .withIndex("by_user_topic_live", (q) => q.eq("userId", userId).eq("topic", topic).eq("deletedAt", at))
    ).take(batch);
    if (questions.length === batch) next = "";
  } else {
    const page = await viewQuery(ctx.db, userId, filter, undefined, at).paginate({ cursor, numItems: batch });
    questions = page.page;
    if (!page.isDone) next = page.continueCursor;
  }
  const changed = await applyToQuestions(ctx, questions, action, at);
  if (next !== null)
    await ctx.scheduler.runAfter(0, internal.manageQuestions.continueFilterAction, {
      userId,
      filter,
      action,
      at,
      cursor: next === "" ? null : next,
    });
  return { changed, continuing: next !== null };
}
