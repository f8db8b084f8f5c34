/**
 * Data migrations, each idempotent, in bounded self-scheduling steps, started by
 * an hourly cron while it has work left (`startPendingMigrations`), so every
 * deployment, the offline one included, migrates without anyone running anything.
 *
 * Tables: `mergeTopics` reads and writes `topics` and patches the `topic` of
 * `questions`; `renamePlanningPhase` reads and patches `generationJobs`;
 * `backfillQuestionSignatures` reads `questions`, patches their
 * `signatureVersion` and writes `questionSignatures`; `backfillSearchFields`
 * reads and patches `questions` (their search fields).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { DUPLICATE_SIGNATURE_VERSION } from "../lib/questionDuplicates";
import { normalizeTopic, topicKey } from "../lib/topics";
import { LEGACY_PLANNING_PHASE } from "../lib/validators";
import { internal } from "./_generated/api";
import { internalMutation, type QueryCtx } from "./_generated/server";
import { resignQuestion } from "./lib/questionSignatures";
import { SEARCH_FIELDS_VERSION, searchFields } from "./lib/searchFields";

/** Topic rows looked at per step (each may rename up to the step's question budget). */
const TOPICS_PER_STEP = 50;

/**
 * Merges each user's topics that name the same thing ("40 questions on the
 * NATO alphabet", "The NATO alphabet", "NATO alphabet"): the first of a
 * `topicKey` becomes the topic, under its normalised name; the others' questions
 * move to it and their rows are deleted. At most `BULK_BATCH_SIZE` questions
 * are renamed per transaction; the migration reschedules itself until every
 * topic row has its `key`. Safe to run again.
 */
export const mergeTopics = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ renamedQuestions: v.number(), mergedTopics: v.number(), done: v.boolean() }),
  handler: async (ctx, { cursor = null }) => {
    const page = await ctx.db.query("topics").paginate({ cursor, numItems: TOPICS_PER_STEP });
    let budget: number = JOB_CONFIG.BULK_BATCH_SIZE;
    let mergedTopics = 0;
    for (const topic of page.page) {
      const key = topicKey(topic.name);
      const existing = await ctx.db
        .query("topics")
        .withIndex("by_user_key", (q) => q.eq("userId", topic.userId).eq("key", key))
        .first();
      const target = existing && existing._id !== topic._id ? existing : null;
      const targetName = target?.name ?? normalizeTopic(topic.name);
      if (targetName !== topic.name) {
        const questions = await ctx.db
          .query("questions")
          .withIndex("by_user_topic_live", (q) => q.eq("userId", topic.userId).eq("topic", topic.name))
          .take(budget);
        for (const question of questions) await ctx.db.patch("questions", question._id, { topic: targetName });
        budget -= questions.length;
        if (budget === 0) {
          // More may be left under the old name: this page again, in the next step.
          await ctx.scheduler.runAfter(0, internal.migrations.mergeTopics, { cursor });
          return { renamedQuestions: JOB_CONFIG.BULK_BATCH_SIZE, mergedTopics, done: false };
        }
      }
      if (target) {
        await ctx.db.patch("topics", target._id, { lastUsedAt: Math.max(target.lastUsedAt, topic.lastUsedAt) });
        await ctx.db.delete("topics", topic._id);
        mergedTopics++;
      } else if (topic.key !== key || topic.name !== targetName) {
        await ctx.db.patch("topics", topic._id, { key, name: targetName });
      }
    }
    const renamedQuestions = JOB_CONFIG.BULK_BATCH_SIZE - budget;
    if (!page.isDone) await ctx.scheduler.runAfter(0, internal.migrations.mergeTopics, { cursor: page.continueCursor });
    return { renamedQuestions, mergedTopics, done: page.isDone };
  },
});

/** Jobs renamed per step of `renamePlanningPhase`. */
const JOBS_PER_STEP = 200;

/**
 * Gives jobs stored with the planning phase's old name (`LEGACY_PLANNING_PHASE`)
 * its name, `planning`, and drops the fields no longer kept (`questionIds`,
 * `ipAddress`) from them; `JOBS_PER_STEP` per transaction, rescheduling itself
 * while any is left. Started by the hourly cron while one is left (one indexed
 * read); safe to run again. Returns how many jobs this step renamed.
 */
export const renamePlanningPhase = internalMutation({
  args: {},
  returns: v.object({ renamed: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    const jobs = await ctx.db
      .query("generationJobs")
      .withIndex("by_phase", (q) => q.eq("phase", LEGACY_PLANNING_PHASE))
      .take(JOBS_PER_STEP);
    for (const job of jobs) {
      await ctx.db.patch("generationJobs", job._id, {
        phase: "planning",
        questionIds: undefined,
        ipAddress: undefined,
      });
    }
    const done = jobs.length < JOBS_PER_STEP;
    if (!done) await ctx.scheduler.runAfter(0, internal.migrations.renamePlanningPhase, {});
    return { renamed: jobs.length, done };
  },
});

/**
 * Gives questions saved before the duplicate finder's index (no `signatureVersion`), or under an
 * older `DUPLICATE_SIGNATURE_VERSION`, their `questionSignatures` rows, so duplicates of them are
 * found: `SIGNATURE_BATCH_SIZE` questions per transaction, rescheduling itself while any is left.
 * A deleted question is only stamped (a restore writes its rows). Started by the hourly cron while
 * one is left (one indexed read); safe to run again. Returns how many questions this step visited.
 */
export const backfillQuestionSignatures = internalMutation({
  args: {},
  returns: v.object({ visited: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    const questions = await unsignedQuestions(ctx).take(JOB_CONFIG.SIGNATURE_BATCH_SIZE);
    for (const question of questions) await resignQuestion(ctx, question);
    const done = questions.length < JOB_CONFIG.SIGNATURE_BATCH_SIZE;
    if (!done) await ctx.scheduler.runAfter(0, internal.migrations.backfillQuestionSignatures, {});
    return { visited: questions.length, done };
  },
});

/** Questions whose signatures are missing (no version: absent sorts first) or of an older version. */
function unsignedQuestions(ctx: QueryCtx) {
  return ctx.db
    .query("questions")
    .withIndex("by_signature_version", (q) => q.lt("signatureVersion", DUPLICATE_SIGNATURE_VERSION));
}

/**
 * Starts each migration that has work left: `mergeTopics` while a topic without
 * a `key` (from before keys) is left, `renamePlanningPhase` while a job with the
 * phase's old name is, `backfillQuestionSignatures` while a question without its
 * current signatures is, `backfillSearchFields` while a question's search fields
 * are missing or older than `SEARCH_FIELDS_VERSION`. One indexed read each, so
 * the hourly cron costs nothing once all is migrated. Returns which it started.
 */
export const startPendingMigrations = internalMutation({
  args: {},
  returns: v.object({
    mergeTopics: v.boolean(),
    renamePlanningPhase: v.boolean(),
    backfillQuestionSignatures: v.boolean(),
    backfillSearchFields: v.boolean(),
  }),
  handler: async (ctx) => {
    const legacyTopic = await ctx.db
      .query("topics")
      .withIndex("by_key", (q) => q.eq("key", undefined))
      .first();
    if (legacyTopic) await ctx.scheduler.runAfter(0, internal.migrations.mergeTopics, {});
    const legacyJob = await ctx.db
      .query("generationJobs")
      .withIndex("by_phase", (q) => q.eq("phase", LEGACY_PLANNING_PHASE))
      .first();
    if (legacyJob) await ctx.scheduler.runAfter(0, internal.migrations.renamePlanningPhase, {});
    const unsigned = await unsignedQuestions(ctx).first();
    if (unsigned) await ctx.scheduler.runAfter(0, internal.migrations.backfillQuestionSignatures, {});
    // An absent version sorts before every number, so this range holds the questions from before search too.
    const unsearchable = await ctx.db
      .query("questions")
      .withIndex("by_search_version", (q) => q.lt("searchVersion", SEARCH_FIELDS_VERSION))
      .first();
    if (unsearchable) await ctx.scheduler.runAfter(0, internal.migrations.backfillSearchFields, {});
    return {
      mergeTopics: legacyTopic !== null,
      renamePlanningPhase: legacyJob !== null,
      backfillQuestionSignatures: unsigned !== null,
      backfillSearchFields: unsearchable !== null,
    };
  },
});

/**
 * Writes the search fields (`searchFields`) of questions that lack them or have an older
 * `SEARCH_FIELDS_VERSION`, `BULK_BATCH_SIZE` per transaction, rescheduling itself while a batch is full. Each
 * patched question leaves the index range read, so a step never reads one twice.
 */
export const backfillSearchFields = internalMutation({
  args: {},
  returns: v.object({ updated: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    const questions = await ctx.db
      .query("questions")
      .withIndex("by_search_version", (q) => q.lt("searchVersion", SEARCH_FIELDS_VERSION))
      .take(JOB_CONFIG.BULK_BATCH_SIZE);
    for (const question of questions) await ctx.db.patch("questions", question._id, searchFields(question));
    const done = questions.length < JOB_CONFIG.BULK_BATCH_SIZE;
    if (!done) await ctx.scheduler.runAfter(0, internal.migrations.backfillSearchFields, {});
    return { updated: questions.length, done };
  },
});
