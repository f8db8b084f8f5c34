/**
 * Topics: a learner renames one or merges one into another; the helpers that find and upsert a topic row
 * when questions are saved or added (`resolveTopic`, `touchTopic`).
 *
 * Tables: reads and writes `topics`; patches the `topic` of `questions` and `generationJobs`,
 * `BULK_BATCH_SIZE` per transaction, the rest in scheduled steps (`continueTopicMove`).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { checkTopicName, topicKey } from "../lib/topics";
import { internal } from "./_generated/api";
import type { Doc } from "./_generated/dataModel";
import { internalMutation, type MutationCtx, type QueryCtx } from "./_generated/server";
import { userMutation } from "./lib/functions";

const vMoveResult = v.object({
  /** The topic's name now. */
  name: v.string(),
  /** A topic larger than `BULK_BATCH_SIZE`: the rest of its questions move in scheduled steps. */
  continuing: v.boolean(),
});

/**
 * Renames the caller's topic `topic` to `name` (spaces tidied; a name of another of their topics, case aside,
 * is refused: merge into it instead). Its questions and jobs follow; a new job on the old name starts a new topic.
 */
export const renameTopic = userMutation({
  args: { topic: v.string(), name: v.string() },
  returns: vMoveResult,
  handler: async (ctx, { topic, name: rawName }) => {
    const row = await ownedTopic(ctx, topic);
    const checked = checkTopicName(rawName);
    if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
    const { name } = checked;
    if (name === row.name) return { name, continuing: false };
    const key = topicKey(name);
    const other =
      (await ctx.db
        .query("topics")
        .withIndex("by_user_key", (q) => q.eq("userId", ctx.userId).eq("key", key))
        .first()) ?? (await topicNamed(ctx, ctx.userId, name));
    if (other !== null && other._id !== row._id)
      throw appError("INVALID_ARGUMENT", `You already have a topic called “${other.name}”: merge into it instead.`);
    await ctx.db.patch("topics", row._id, { name, key });
    return { name, continuing: await moveTopicBatch(ctx, ctx.userId, row.name, name) };
  },
});

/** Moves every question (and job) of the caller's topic `topic` into their topic `into`, and removes `topic`. */
export const mergeTopic = userMutation({
  args: { topic: v.string(), into: v.string() },
  returns: vMoveResult,
  handler: async (ctx, { topic, into }) => {
    const source = await ownedTopic(ctx, topic);
    const target = await ownedTopic(ctx, into);
    if (source._id === target._id) throw appError("INVALID_ARGUMENT", "Choose another topic to merge into.");
    await ctx.db.patch("topics", target._id, { lastUsedAt: Math.max(target.lastUsedAt, source.lastUsedAt) });
    await ctx.db.delete("topics", source._id);
    return { name: target.name, continuing: await moveTopicBatch(ctx, ctx.userId, source.name, target.name) };
  },
});

/** The next `BULK_BATCH_SIZE` of a rename or merge; schedules itself while batches are full. */
export const continueTopicMove = internalMutation({
  args: { userId: v.string(), from: v.string(), to: v.string() },
  returns: v.boolean(),
  handler: async (ctx, { userId, from, to }) => await moveTopicBatch(ctx, userId, from, to),
});

/**
 * Moves up to `BULK_BATCH_SIZE` of the user's jobs, then questions (deleted ones too, so an undo restores them
 * under the new name), from topic `from` to `to`, through index ranges the move empties; schedules the rest.
 * Jobs go first, so a running job's next questions are saved under the new name. True when more is left.
 */
async function moveTopicBatch(ctx: MutationCtx, userId: string, from: string, to: string): Promise<boolean> {
  const batch = JOB_CONFIG.BULK_BATCH_SIZE;
  const jobs = await ctx.db
    .query("generationJobs")
    .withIndex("by_user_topic", (q) => q.eq("userId", userId).eq("topic", from))
    .take(batch);
  for (const job of jobs) await ctx.db.patch("generationJobs", job._id, { topic: to });
  const questions =
    jobs.length < batch
      ? await ctx.db
          .query("questions")
          .withIndex("by_user_topic", (q) => q.eq("userId", userId).eq("topic", from))
          .take(batch - jobs.length)
      : [];
  for (const question of questions) await ctx.db.patch("questions", question._id, { topic: to });
  const continuing = jobs.length + questions.length === batch;
  if (continuing) await ctx.scheduler.runAfter(0, internal.topics.continueTopicMove, { userId, from, to });
  return continuing;
}

/** The caller's topic row named `name`, or NOT_FOUND. */
async function ownedTopic(ctx: QueryCtx & { userId: string }, name: string): Promise<Doc<"topics">> {
  const row = await topicNamed(ctx, ctx.userId, name);
  if (row === null) throw appError("NOT_FOUND", `You have no topic called “${name}”.`);
  return row;
}

function topicNamed(ctx: QueryCtx, userId: string, name: string) {
  return ctx.db
    .query("topics")
    .withIndex("by_user_name", (q) => q.eq("userId", userId).eq("name", name))
    .first();
}

/** The name of the user's topic with the same key as `name` (case and request words aside), or `name`. */
export async function resolveTopic(ctx: QueryCtx, userId: string, name: string): Promise<string> {
  const key = topicKey(name);
  const existing = await ctx.db
    .query("topics")
    .withIndex("by_user_key", (q) => q.eq("userId", userId).eq("key", key))
    .first();
  return existing?.name ?? name;
}

/** Marks the user's topic `name` as just used, creating its row if it has none. */
export async function touchTopic(ctx: MutationCtx, userId: string, name: string): Promise<void> {
  const key = topicKey(name);
  const existing =
    (await ctx.db
      .query("topics")
      .withIndex("by_user_key", (q) => q.eq("userId", userId).eq("key", key))
      .first()) ?? (await topicNamed(ctx, userId, name));
  const now = Date.now();
  if (existing) await ctx.db.patch("topics", existing._id, { lastUsedAt: now, key });
  else await ctx.db.insert("topics", { userId, name, lastUsedAt: now, key });
}
