/**
 * May this user start a job now, may an attempt be sent to the model now, and
 * what have the jobs cost: the per-user concurrency limit, the start rate limit,
 * the daily token budget with its reservations and ledger, and the model's quota
 * shared by all users.
 *
 * Tables: reads `generationJobs` (the caller's active jobs); reads and writes
 * `dailyUsage` and the rate limiter's component tables.
 */
import { MINUTE, RateLimiter } from "@convex-dev/rate-limiter";
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
import type { PoolSettings } from "./lib/queue";

/** Every start of an attempt (create, retry, resume, continue, more) takes a token, keyed by user.
 * The model's quota (`modelRequests`, `modelTokens`) is configured per call from the deployment's env. */
const rateLimiter = new RateLimiter(components.rateLimiter, { startJob: JOB_CONFIG.RATE_LIMIT });

const vTokensToday = v.object({
  usedTokens: v.number(),
  /** Held by the user's attempts running now (each at most `MAX_ATTEMPT_TOKENS`). */
  reservedTokens: v.number(),
  budgetTokens: v.number(),
  resetsAt: v.number(),
});

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
 * concurrency limit (queued, pending and processing), the daily token budget
 * (what is used and held by running attempts, and room for this one's
 * `estimate`), then the rate limit, whose token it takes. A refused call rolls
 * back and consumes nothing.
 */
export async function assertCanStartJob(ctx: MutationCtx, userId: string, estimate: number): Promise<void> {
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
  const left = tokens.budgetTokens - tokens.usedTokens - tokens.reservedTokens;
  if (left < estimate) {
    const held = tokens.reservedTokens > 0 ? " (some of it is held by your generations running now)" : "";
    throw appError(
      "BUDGET_EXCEEDED",
      `Not enough of today's AI budget is left for this generation: ${Math.max(0, left).toLocaleString("en-US")} tokens${held}, and it needs about ${estimate.toLocaleString("en-US")}. Try a smaller one, or after midnight UTC.`,
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

/** The user's queued, pending and processing jobs, newest first: at most `MAX_CONCURRENT_PER_USER` per status. */
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
  await changeDay(ctx, userId, utcDay(Date.now()), (today) => ({
    inputTokens: (today?.inputTokens ?? 0) + usage.inputTokens,
    outputTokens: (today?.outputTokens ?? 0) + usage.outputTokens,
  }));
}

// ── Reservations: what a running attempt may still spend ───────────────────

/**
 * What an attempt of `userId` may spend if it starts now: `MAX_ATTEMPT_TOKENS`,
 * or what is left of the day (used and reserved by the user's other running
 * attempts aside), whichever is less; 0 when nothing is left.
 */
export async function attemptAllowance(ctx: QueryCtx, userId: string): Promise<number> {
  const { usedTokens, reservedTokens, budgetTokens } = await tokensToday(ctx, userId);
  return Math.max(0, Math.min(JOB_CONFIG.MAX_ATTEMPT_TOKENS, budgetTokens - usedTokens - reservedTokens));
}

/** Holds `tokens` of the user's day for an attempt that starts; returns the reservation to release later. */
export async function reserveTokens(ctx: MutationCtx, userId: string, tokens: number) {
  const day = utcDay(Date.now());
  await changeDay(ctx, userId, day, (today) => ({ reservedTokens: (today?.reservedTokens ?? 0) + tokens }));
  return { day, tokens };
}

/** Gives back an attempt's reservation (its real use is counted by the ledger instead). */
export async function releaseTokens(ctx: MutationCtx, userId: string, reservation: { day: string; tokens: number }) {
  await changeDay(ctx, userId, reservation.day, (today) => ({
    reservedTokens: Math.max(0, (today?.reservedTokens ?? 0) - reservation.tokens),
  }));
}

// ── The model's quota, shared by every user ─────────────────────────────────

/**
 * Takes one request and `tokens` (an attempt's estimate) from the model's
 * quota if both are there now (`MODEL_REQUESTS_PER_MINUTE`,
 * `MODEL_TOKENS_PER_MINUTE`); otherwise takes nothing and says how long to wait.
 */
export async function takeModelQuota(
  ctx: MutationCtx,
  tokens: number,
  settings: PoolSettings,
): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
  const limits = modelQuota(settings);
  const count = Math.min(tokens, settings.tokensPerMinute);
  const [requests, tokenBucket] = await Promise.all([
    rateLimiter.check(ctx, "modelRequests", { config: limits.requests }),
    rateLimiter.check(ctx, "modelTokens", { config: limits.tokens, count }),
  ]);
  if (!requests.ok || !tokenBucket.ok) {
    return { ok: false, retryAfterMs: Math.ceil(Math.max(requests.retryAfter ?? 0, tokenBucket.retryAfter ?? 0)) };
  }
  await rateLimiter.limit(ctx, "modelRequests", { config: limits.requests });
  await rateLimiter.limit(ctx, "modelTokens", { config: limits.tokens, count });
  return { ok: true };
}

/** An attempt used more tokens than it was charged: the rest is taken from the quota too (it may go
 * below zero, which holds back the next dispatches until it has refilled). */
export async function settleModelQuota(ctx: MutationCtx, charged: number, used: number, settings: PoolSettings) {
  const excess = Math.min(used - charged, settings.tokensPerMinute);
  if (excess <= 0) return;
  await rateLimiter.limit(ctx, "modelTokens", { config: modelQuota(settings).tokens, count: excess, reserve: true });
}

function modelQuota({ requestsPerMinute, tokensPerMinute }: PoolSettings) {
  return {
    requests: { kind: "token bucket", rate: requestsPerMinute, period: MINUTE, capacity: requestsPerMinute },
    tokens: { kind: "token bucket", rate: tokensPerMinute, period: MINUTE, capacity: tokensPerMinute },
  } as const;
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
  const today = await dayRow(ctx, userId, utcDay(now));
  return {
    usedTokens: today ? today.inputTokens + today.outputTokens : 0,
    reservedTokens: today?.reservedTokens ?? 0,
    budgetTokens: JOB_CONFIG.DAILY_TOKEN_BUDGET,
    resetsAt: nextUtcMidnight(now),
  };
}

async function dayRow(ctx: QueryCtx, userId: string, day: string) {
  return await ctx.db
    .query("dailyUsage")
    .withIndex("by_user_day", (q) => q.eq("userId", userId).eq("day", day))
    .unique();
}

/** Writes the user's row of `day` with what `change` makes of it (created when there is none). */
async function changeDay(
  ctx: MutationCtx,
  userId: string,
  day: string,
  change: (today: Doc<"dailyUsage"> | null) => Partial<Doc<"dailyUsage">>,
): Promise<void> {
  const today = await dayRow(ctx, userId, day);
  if (today) await ctx.db.patch("dailyUsage", today._id, change(today));
  else await ctx.db.insert("dailyUsage", { userId, day, inputTokens: 0, outputTokens: 0, ...change(null) });
}
