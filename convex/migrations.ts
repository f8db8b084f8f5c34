/**
 * Data migrations: each is idempotent and works in bounded, self-scheduling
 * steps. A cron starts `mergeTopics` by itself while topics from before topic
 * keys are left (`mergeLegacyTopics`), so every deployment, the offline one
 * included, merges them without anyone running anything;
 * `npx convex run migrations:mergeTopics` does it at once on a deployment.
 *
 * Tables: `mergeTopics` reads and writes `topics` (sets `key`, renames to the
 * normalised name, deletes duplicates) and patches the `topic` of `questions`;
 * `mergeLegacyTopics` reads `topics` (one indexed read); `backfillSearchFields`
 * reads and patches `questions` (their search fields).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { normalizeTopic, topicKey } from "../lib/topics";
import { internal } from "./_generated/api";
import { internalMutation } from "./_generated/server";
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

/**
 * Starts `mergeTopics` when a topic without a `key` (from before keys) is
 * left; returns whether it did. One indexed read, so the hourly cron costs
 * nothing once every topic is merged.
 */
export const mergeLegacyTopics = internalMutation({
  args: {},
  returns: v.boolean(),
  handler: async (ctx) => {
    const legacy = await ctx.db
      .query("topics")
      .withIndex("by_key", (q) => q.eq("key", undefined))
      .first();
    if (legacy === null) return false;
    await ctx.scheduler.runAfter(0, internal.migrations.mergeTopics, {});
    return true;
  },
});

/**
 * Writes the search fields (`searchFields`) of questions that lack them or have an older
 * `SEARCH_FIELDS_VERSION`, `BULK_BATCH_SIZE` per transaction, rescheduling itself while a batch is full. Each
 * patched question leaves the index range read, so a step never reads one twice. An hourly cron runs it (one
 * indexed read once every question is up to date); `npx convex run migrations:backfillSearchFields` at once.
 */
export const backfillSearchFields = internalMutation({
  args: {},
  returns: v.object({ updated: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    // An absent version sorts before every number, so this range holds the questions from before search too.
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
