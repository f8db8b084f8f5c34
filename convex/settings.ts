/**
 * A learner's study settings (new cards per day), with the defaults for
 * whatever they have not set. Tables: reads and writes `userSettings`.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { vStudySettings, type StudySettings } from "../lib/validators";
import type { QueryCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";

export const DEFAULT_STUDY_SETTINGS: StudySettings = { newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_DEFAULT };

/** `userId`'s settings, the defaults filled in. */
export async function studySettings(ctx: QueryCtx, userId: string): Promise<StudySettings> {
  const row = await ctx.db
    .query("userSettings")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
  return { ...DEFAULT_STUDY_SETTINGS, ...(row ? { newCardsPerDay: row.newCardsPerDay } : {}) };
}

/** The caller's settings (the defaults until they change one); null when signed out. */
export const getSettings = userQuery({
  args: {},
  returns: v.union(vStudySettings, v.null()),
  handler: async (ctx) => (ctx.userId === null ? null : await studySettings(ctx, ctx.userId)),
});

/** Sets the caller's new cards per day: a whole number from 0 (no new cards) to `NEW_CARDS_PER_DAY_MAX`. */
export const updateSettings = userMutation({
  args: vStudySettings.fields,
  returns: vStudySettings,
  handler: async (ctx, { newCardsPerDay }) => {
    if (!Number.isInteger(newCardsPerDay) || newCardsPerDay < 0 || newCardsPerDay > JOB_CONFIG.NEW_CARDS_PER_DAY_MAX)
      throw appError(
        "INVALID_ARGUMENT",
        `New cards per day must be a whole number from 0 to ${JOB_CONFIG.NEW_CARDS_PER_DAY_MAX}.`,
      );
    const row = await ctx.db
      .query("userSettings")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .unique();
    if (row) await ctx.db.patch("userSettings", row._id, { newCardsPerDay });
    else await ctx.db.insert("userSettings", { userId: ctx.userId, newCardsPerDay });
    return { newCardsPerDay };
  },
});
