/**
 * Time for a running job and for a refused start, as the UI shows it: how long
 * a job has been running, an estimate of what is left from the rate it has
 * shown so far, and the countdown of a rate-limit refusal. Pure: the caller
 * passes the clock.
 */
import { JOB_CONFIG } from "./constants/jobs";
import type { PublicJob } from "./validators";

type TimedJob = Pick<
  PublicJob,
  "status" | "phase" | "createdAt" | "startedAt" | "lastProgressAt" | "questionsSaved" | "estimatedTotal" | "attempts"
> & { attemptHistory?: PublicJob["attemptHistory"]; queuedAt?: number };

export type JobTiming = {
  /** Time spent generating in this run (a pause and resume keeps counting on), or since the
   * job was queued; null when it is not active. */
  elapsedMs: number | null;
  /** Estimated time until the last question is saved; null until it can be told, or while stalled. */
  leftMs: number | null;
  /** How long nothing has been heard from a running job, once that is longer than
   * `STALLED_PROGRESS_AFTER_MS` (its heartbeat is late: the server may be away or the job dead); else null. */
  stalledMs: number | null;
};

/**
 * Elapsed time and an estimate of the time left for a queued, pending or processing
 * job at `now`. The estimate comes from the job's observed rate in this
 * attempt: the questions it saved since it started, over the time to its
 * latest save (its heartbeat). Until this attempt has saved one question
 * there is no rate, so no estimate; it counts down between saves and never
 * goes below zero. A running job silent for longer than
 * `STALLED_PROGRESS_AFTER_MS` has no estimate: it is stalled (`stalledMs`),
 * not "almost done". The elapsed time of a resumed job includes the time it
 * ran before its pauses.
 */
export function jobTiming(job: TimedJob, now: number): JobTiming {
  const none = { elapsedMs: null, leftMs: null, stalledMs: null };
  if (job.status === "queued" || job.status === "pending") {
    return { ...none, elapsedMs: Math.max(0, now - (job.queuedAt ?? job.createdAt)) };
  }
  if (job.status !== "processing") return none;
  const startedAt = job.startedAt ?? job.createdAt;
  const elapsedMs = Math.max(0, now - startedAt) + runningBeforePauses(job);
  const silentMs = now - job.lastProgressAt;
  if (silentMs > JOB_CONFIG.STALLED_PROGRESS_AFTER_MS) return { elapsedMs, leftMs: null, stalledMs: silentMs };
  if (job.estimatedTotal === undefined) return { ...none, elapsedMs };
  const remaining = Math.max(0, job.estimatedTotal - job.questionsSaved);
  if (remaining === 0) return { ...none, elapsedMs, leftMs: 0 };
  const savedThisAttempt = job.questionsSaved - savedBeforeAttempt(job);
  const measuredMs = job.lastProgressAt - startedAt;
  if (savedThisAttempt <= 0 || measuredMs <= 0) return { ...none, elapsedMs };
  const finishAt = job.lastProgressAt + (remaining * measuredMs) / savedThisAttempt;
  return { ...none, elapsedMs, leftMs: Math.max(0, finishAt - now) };
}

/** How long the attempts just before this one ran, back to the last one that did not end in a pause. */
function runningBeforePauses(job: TimedJob): number {
  let total = 0;
  for (let attempt = job.attempts - 1; attempt >= 1; attempt--) {
    const record = job.attemptHistory?.find((a) => a.attempt === attempt);
    if (record?.outcome !== "paused" || record.endedAt === undefined) break;
    total += Math.max(0, record.endedAt - record.startedAt);
  }
  return total;
}

/**
 * Which try of the job this is, counting only the runs after a failure (a
 * pause and resume, a cancel and continue, "10 more" are the same try): 1 for
 * a job that never failed.
 */
export function tryNumber(job: Pick<PublicJob, "attemptHistory" | "attempts">): number {
  // A job from before attempts were recorded: every attempt counts.
  if (job.attemptHistory === undefined) return job.attempts;
  return 1 + (job.attemptHistory ?? []).filter((a) => a.attempt < job.attempts && a.outcome === "failed").length;
}

/** Questions the job had when its current attempt started: what the previous attempt ended with. */
function savedBeforeAttempt(job: TimedJob): number {
  const previous = job.attemptHistory?.find((a) => a.attempt === job.attempts - 1);
  return previous?.questionsSaved ?? 0;
}

/** "no progress for 40 s", "no progress for 3 min". */
export function formatStalled(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `no progress for ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `no progress for ${minutes} min`;
  return `no progress for ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "about 8 s left", "about 2 min left", "almost done". */
export function formatTimeLeft(ms: number): string {
  if (ms < 1500) return "almost done";
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `about ${seconds} s left`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} h ${minutes % 60} min left`;
}

/** A running clock: "0:07", "2:05", "1:02:03". Negative times show as 0:00. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * What is left of a wait that ends at `until` (a refusal's `retryAfterMs`
 * added to when it came), rounded up to whole seconds so "0:00" is shown only
 * once the wait is over; 0 when it is over.
 */
export function countdownMs(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000) * 1000);
}
