/**
 * May this user start a job now, and what have their jobs cost: the per-user
 * concurrency limit, the start rate limit, the daily token budget and its ledger.
 *
 * Tables: reads `generationJobs` (the caller's active jobs); reads and writes
 * `dailyUsage` and the rate limiter's component tables.
 */
import { RateLimiter } from "@convex-dev/rate-limiter";
import { formatDistanceStrict } from "date-fns";
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { nextUtcMidnight, utcDay } from "../lib/jobs";
import { ACTIVE_JOB_STATUSES, vTokenUsage, type TokenUsage } from "../lib/validators";
import { components } from "./_generated/api";
import type { Doc } from "./_generated/dataModel";
import { internalMutation, type MutationCtx, type QueryCtx } from "./_generated/server";
import { userQuery } from "./lib/functions";

/** Every start of an attempt (create, retry, resume, continue, more) takes a token, keyed by user. */
const rateLimiter = new RateLimiter(components.rateLimiter, { startJob: JOB_CONFIG.RATE_LIMIT });

const vTokensToday = v.object({ usedTokens: v.number(), budgetTokens: v.number(), resetsAt: v.number() });

/**
 * Whether the caller may start a job now, so the form can say so before a
 * refusal: how many of their jobs run against `MAX_CONCURRENT_PER_USER`; when
 * the rate limit's bucket is empty, when the next start is allowed
 * (`rateLimitedUntil`, ms since the epoch); and their model tokens today (UTC)
 * against `DAILY_TOKEN_BUDGET`, with when it resets. Null when signed out.
 * The mutations still enforce every limit themselves (`assertCanStartJob`).
 */
export const getStartAllowance = userQuery({
  args: {},
  returns: v.union(
    v.object({
      running: v.number(),
      maxRunning: v.number(),
      rateLimitedUntil: v.union(v.number(), v.null()),
      tokensToday: vTokensToday,
    }),
    v.null(),
  ),
  handler: async (ctx) => {
    if (ctx.userId === null) return null;
    const running = (await activeJobDocs(ctx, ctx.userId)).length;
    const { ok, retryAfter } = await rateLimiter.check(ctx, "startJob", { key: ctx.userId });
    return {
      running,
      maxRunning: JOB_CONFIG.MAX_CONCURRENT_PER_USER,
      rateLimitedUntil: ok ? null : Date.now() + Math.ceil(retryAfter ?? 0),
      tokensToday: await tokensToday(ctx, ctx.userId),
    };
  },
});

/**
 * Throws the error the UI shows if `userId` may not start an attempt now: the
 * concurrency limit (pending + processing), the daily token budget, then the
 * rate limit, whose token it takes. A refused call rolls back and consumes nothing.
 */
export async function assertCanStartJob(ctx: MutationCtx, userId: string): Promise<void> {
  const active = await activeJobDocs(ctx, userId);
  if (active.length >= JOB_CONFIG.MAX_CONCURRENT_PER_USER) {
    throw appError(
      "CONCURRENCY_LIMIT",
      `You already have ${JOB_CONFIG.MAX_CONCURRENT_PER_USER} generations running. Wait for one to finish or cancel one, then try again.`,
    );
  }
  const tokens = await tokensToday(ctx, userId);
  if (tokens.usedTokens >= tokens.budgetTokens) {
    const wait = formatDistanceStrict(Date.now(), tokens.resetsAt, { roundingMethod: "ceil" });
    throw appError(
      "BUDGET_EXCEEDED",
      `You've used today's AI budget (${tokens.usedTokens.toLocaleString("en-US")} of ${tokens.budgetTokens.toLocaleString("en-US")} tokens). It resets in ${wait}, at midnight UTC.`,
      { retryAfterMs: tokens.resetsAt - Date.now() },
    );
  }
  const { ok, retryAfter } = await rateLimiter.limit(ctx, "startJob", { key: userId });
  if (!ok) {
    const wait = formatDistanceStrict(0, Math.max(1000, retryAfter), { roundingMethod: "ceil" });
    throw appError("RATE_LIMITED", `You're starting generations too quickly. Try again in ${wait}.`, {
      retryAfterMs: Math.ceil(retryAfter),
    });
  }
}

/** The user's pending and processing jobs, newest first: at most `MAX_CONCURRENT_PER_USER` per status. */
export async function activeJobDocs(ctx: QueryCtx, userId: string): Promise<Doc<"generationJobs">[]> {
  const byStatus = await Promise.all(
    ACTIVE_JOB_STATUSES.map((status) =>
      ctx.db
        .query("generationJobs")
        .withIndex("by_user_status", (q) => q.eq("userId", userId).eq("status", status))
        .order("desc")
        .take(JOB_CONFIG.MAX_CONCURRENT_PER_USER),
    ),
  );
  return byStatus.flat().sort((a, b) => b.createdAt - a.createdAt);
}

// ── The ledger ──────────────────────────────────────────────────────────────

/**
 * Counts the tokens of an attempt that stopped without a transition of its
 * own (the job was cancelled or paused under it) toward the user's day. The
 * job itself is not written: nothing is, once a job has moved on.
 */
export const recordUsage = internalMutation({
  args: { jobId: v.id("generationJobs"), usage: vTokenUsage },
  returns: v.null(),
  handler: async (ctx, { jobId, usage }) => {
    const job = await ctx.db.get("generationJobs", jobId);
    if (job) await addDailyUsage(ctx, job.userId, usage);
    return null;
  },
});

/** Adds `usage` to the user's tokens of today (what the daily budget is checked against). */
export async function addDailyUsage(ctx: MutationCtx, userId: string, usage: TokenUsage): Promise<void> {
  const day = utcDay(Date.now());
  const today = await ctx.db
    .query("dailyUsage")
    .withIndex("by_user_day", (q) => q.eq("userId", userId).eq("day", day))
    .unique();
  if (today) {
    await ctx.db.patch("dailyUsage", today._id, {
      inputTokens: today.inputTokens + usage.inputTokens,
      outputTokens: today.outputTokens + usage.outputTokens,
    });
  } else {
    await ctx.db.insert("dailyUsage", {
      userId,
      day,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    });
  }
}

/** The job fields that carry `usage` (totals, its latest attempt), after adding it to the user's day. */
export async function usageFields(ctx: MutationCtx, job: Doc<"generationJobs">, usage: TokenUsage) {
  await addDailyUsage(ctx, job.userId, usage);
  const history = job.attemptHistory ?? [];
  const last = history.at(-1);
  return {
    inputTokens: (job.inputTokens ?? 0) + usage.inputTokens,
    outputTokens: (job.outputTokens ?? 0) + usage.outputTokens,
    ...(usage.estimated || job.usageEstimated ? { usageEstimated: true } : {}),
    ...(last
      ? {
          attemptHistory: [
            ...history.slice(0, -1),
            {
              ...last,
              inputTokens: (last.inputTokens ?? 0) + usage.inputTokens,
              outputTokens: (last.outputTokens ?? 0) + usage.outputTokens,
            },
          ],
        }
      : {}),
  };
}

async function tokensToday(ctx: QueryCtx, userId: string) {
  const now = Date.now();
  const today = await ctx.db
    .query("dailyUsage")
    .withIndex("by_user_day", (q) => q.eq("userId", userId).eq("day", utcDay(now)))
    .unique();
  return {
    usedTokens: today ? today.inputTokens + today.outputTokens : 0,
    budgetTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET,
    resetsAt: nextUtcMidnight(now),
  };
}
