/**
 * The statistics page: the caller's review totals per day (reviews, answered
 * right, new cards) and the due forecast. Tables: reads `reviewDays` and
 * `questions` (`by_user_state_due`); writes nothing.
 */
import { v } from "convex/values";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { addDays, dayStart, localDay } from "../lib/days";
import { vReviewDay } from "../lib/validators";
import { cardsByDue, STUDIED_STATES } from "./lib/cardIndex";
import { userQuery } from "./lib/functions";
import { utcOffset, vUtcOffset } from "./review";

/**
 * The caller's days with reviews among the last `STATS_HISTORY_DAYS` up to
 * the local day of `now` (oldest first; days without reviews are left out),
 * and that day. One indexed read of at most `STATS_HISTORY_DAYS` small rows,
 * whatever the number of reviews.
 */
export const getReviewHistory = userQuery({
  args: { now: v.number(), ...vUtcOffset },
  returns: v.object({ today: v.string(), days: v.array(vReviewDay) }),
  handler: async (ctx, { now, utcOffsetMinutes }) => {
    const today = localDay(now, utcOffset(utcOffsetMinutes));
    if (ctx.userId === null) return { today, days: [] };
    const userId = ctx.userId;
    const rows = await ctx.db
      .query("reviewDays")
      .withIndex("by_user_day", (q) =>
        q.eq("userId", userId).gt("day", addDays(today, -JOB_CONFIG.STATS_HISTORY_DAYS)).lte("day", today),
      )
      .take(JOB_CONFIG.STATS_HISTORY_DAYS);
    return { today, days: rows.map(({ day, reviews, correct, newCards }) => ({ day, reviews, correct, newCards })) };
  },
});

/**
 * How many studied questions fall due on each of the next `FORECAST_DAYS`
 * local days from the day of `now` (the first day also counts the overdue
 * ones). New questions are not forecast: the daily limit decides when they
 * come. Reads at most `FORECAST_MAX_CARDS` cards; `capped` says the counts are
 * then lower bounds.
 */
export const getDueForecast = userQuery({
  args: { now: v.number(), ...vUtcOffset },
  returns: v.object({ today: v.string(), counts: v.array(v.number()), capped: v.boolean() }),
  handler: async (ctx, { now, utcOffsetMinutes }) => {
    const offset = utcOffset(utcOffsetMinutes);
    const today = localDay(now, offset);
    const counts = new Array<number>(JOB_CONFIG.FORECAST_DAYS).fill(0);
    if (ctx.userId === null) return { today, counts, capped: false };
    const start = dayStart(today, offset);
    const end = start + JOB_CONFIG.FORECAST_DAYS * DAY_MS;
    let budget = JOB_CONFIG.FORECAST_MAX_CARDS;
    let capped = false;
    for (const state of STUDIED_STATES) {
      const cards = await cardsByDue(ctx, ctx.userId, state, { before: end }).take(budget + 1);
      capped = cards.length > budget;
      for (const { card } of cards.slice(0, budget)) counts[Math.max(0, Math.floor((card.due - start) / DAY_MS))]! += 1;
      if (capped) break;
      budget -= cards.length;
    }
    return { today, counts, capped };
  },
});
