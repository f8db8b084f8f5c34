/**
 * Whether a job may start now (a new one, or a retry, resume, continue or "10
 * more", which count the same), from the server's own figures: the
 * concurrency limit, the rate limit (counting down to the second) and the
 * daily AI budget, all from `admission.getStartAllowance`. Null while nothing
 * stands in the way, or while it is still loading.
 */
"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import { countdownMs, formatClock } from "@/lib/timing";
import { useNow } from "./use-now";

export type StartBlock = {
  reason: "concurrency" | "rate" | "budget";
  /** Why, in a sentence for next to the disabled button. */
  message: string;
  /** The rate limit's wait, to the second. */
  waitMs?: number;
};

export function useStartBlock(): StartBlock | null {
  const allowance = useQuery(api.admission.getStartAllowance);
  const usage = allowance?.tokensToday;
  // A second's tick only while a countdown runs.
  const now = useNow(allowance?.rateLimitedUntil ? 1000 : 60_000);
  if (usage && usage.usedTokens >= usage.budgetTokens)
    return { reason: "budget", message: "Today's AI budget is used up; it resets at midnight UTC." };
  if (allowance && allowance.running >= allowance.maxRunning)
    return {
      reason: "concurrency",
      message: `All ${allowance.maxRunning} generations are running; wait for one to finish.`,
    };
  const waitMs = allowance?.rateLimitedUntil && now > 0 ? countdownMs(allowance.rateLimitedUntil, now) : 0;
  if (waitMs > 0)
    return {
      reason: "rate",
      message: `You're starting generations quickly; the next can start in ${formatClock(waitMs)}.`,
      waitMs,
    };
  return null;
}
