/**
 * A queued job's wait, as the UI says it: its place in line and when it is
 * expected to start, from how many attempts the pool runs at once and how
 * long attempts have taken; and when a running job makes way for a waiting
 * learner's first job. Pure: the caller passes the clock.
 */
import { JOB_CONFIG } from "./constants/jobs";

export type PoolState = {
  /** Attempts holding a slot now. */
  running: number;
  /** Slots in all (`MAX_PARALLEL_GENERATIONS`). */
  maxParallel: number;
  /** How long attempts take (observed average, or `DEFAULT_ATTEMPT_MS`). */
  avgAttemptMs: number;
  /** Nothing is dispatched before this (a backoff after the provider's 429, or the model's quota); null if free. */
  waitUntil: number | null;
};

/**
 * When the job at `place` (1: next) is expected to start: once `place` slots
 * have freed, slots freeing at the pool's rate (`maxParallel` per average
 * attempt), and not before the pool may dispatch again.
 */
export function queueStartEstimate(place: number, pool: PoolState, now: number): number {
  const free = Math.max(0, pool.maxParallel - pool.running);
  const mustFree = Math.max(0, place - free);
  const perSlotMs = pool.avgAttemptMs / Math.max(1, pool.maxParallel);
  const earliest = Math.max(now, pool.waitUntil ?? now);
  return Math.round(earliest + mustFree * perSlotMs);
}

/** "next in line", "2nd in line", "100+ in line". */
export function formatQueuePlace(place: number, capped: boolean): string {
  if (capped) return `${place - 1}+ in line`;
  if (place <= 1) return "next in line";
  const tens = place % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as const)[place % 10] ?? "th");
  return `${place}${suffix} in line`;
}

/** "starts in about 2 min", "starts in about 40 s", "starting now". */
export function formatStartEstimate(startAt: number, now: number): string {
  const ms = startAt - now;
  if (ms < 3000) return "starting now";
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `starts in about ${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `starts in about ${minutes} min`;
  return `starts in about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A running job that has just saved a batch, as `makesWay` weighs it. */
export type RunningJob = {
  userId: string;
  /** Over a learner's source: it leaves the pool after each section anyway. */
  sourced: boolean;
  /** Times it has made way already. */
  yields: number;
  /** Questions it holds now, and the most its plan asks for (unknown before the plan). */
  questionsSaved: number;
  estimatedTotal: number | undefined;
};

/** The queue's head: its round (0: its learner had no other job queued or running) and learner. */
export type QueueHead = { round: number; userId: string };

/**
 * Whether `job`, running in `pool`, should give its slot to the queue's
 * `head` now, between two batches: only for another learner's first job
 * (round 0) that waits because every slot is taken (not for the model's quota
 * or a backoff, which a free slot would not end), and only if `job`'s learner
 * already has questions from it, it has not made way `MAX_YIELDS_PER_JOB`
 * times, and at least `MIN_QUESTIONS_LEFT_TO_YIELD` questions are left to
 * write. A job over a source never makes way: it leaves the pool after each
 * section already.
 */
export function makesWay(
  job: RunningJob,
  head: QueueHead | null,
  pool: Pick<PoolState, "running" | "maxParallel" | "waitUntil">,
  now: number,
): boolean {
  if (head === null || head.round !== 0 || head.userId === job.userId) return false;
  if (pool.running < pool.maxParallel || (pool.waitUntil !== null && pool.waitUntil > now)) return false;
  if (job.sourced || job.yields >= JOB_CONFIG.MAX_YIELDS_PER_JOB || job.questionsSaved === 0) return false;
  const left = (job.estimatedTotal ?? JOB_CONFIG.DEFAULT_QUESTIONS) - job.questionsSaved;
  return left >= JOB_CONFIG.MIN_QUESTIONS_LEFT_TO_YIELD;
}
