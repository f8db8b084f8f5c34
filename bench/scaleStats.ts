/**
 * The arithmetic of `npm run bench:scale` (pure): percentiles, Jain's
 * fairness index, and a replay of recorded arrivals through a pool of slots
 * in a chosen order, so the app's round robin and a FIFO queue (what
 * `@convex-dev/workpool` gives: one queue in enqueue order, no notion of
 * users) can be compared on the same arrivals and job durations.
 */

/** The `p`th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Jain's fairness index of `values`, (Σx)² / (n·Σx²): 1 when all are equal,
 * 1/n when one takes everything. 1 for no values or all zeros.
 */
export function jainIndex(values: readonly number[]): number {
  const sum = values.reduce((s, x) => s + x, 0);
  const squares = values.reduce((s, x) => s + x * x, 0);
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

/** A job as it arrived and ran: who asked, when, how long its attempt held a slot and when its first question came. */
export type ReplayJob = {
  id: string;
  user: string;
  arrivedAt: number;
  /** From dispatch to the end of its attempt (the slot is held that long). */
  holdMs: number;
  /** From dispatch to its first saved question. */
  firstQuestionMs: number;
};

/** Where a job started and when its first question came, in a replay; `round`: how many other jobs its user had waiting or running when it arrived. */
export type Replayed = {
  id: string;
  user: string;
  arrivedAt: number;
  startedAt: number;
  firstQuestionAt: number;
  endedAt: number;
  round: number;
};

/**
 * The order of a queue: "fifo", one line in order of arrival; "round robin",
 * the app's (`convex/lib/queue.ts`): a job's round is how many other jobs its
 * user has waiting or running when it arrives, and jobs start by round, then
 * by arrival.
 */
export type QueueOrder = "fifo" | "round robin";

/**
 * Replays `jobs` through `slots` slots in `order`: at each moment, finished
 * jobs free their slots, arrivals join the queue, and free slots take the
 * queue's head. Returns each job's start and first question.
 */
export function replayQueue(jobs: readonly ReplayJob[], slots: number, order: QueueOrder): Replayed[] {
  type Waiting = ReplayJob & { round: number };
  const arrivals = [...jobs].sort((a, b) => a.arrivedAt - b.arrivedAt || a.id.localeCompare(b.id));
  const waiting: Waiting[] = [];
  const running: Array<{ job: ReplayJob; endsAt: number }> = [];
  const active = new Map<string, number>();
  const out: Replayed[] = [];
  let next = 0;
  let now = arrivals[0]?.arrivedAt ?? 0;
  while (out.length < arrivals.length) {
    // Everything that ends by now frees its slot; everything that arrived by now queues.
    for (let i = running.length - 1; i >= 0; i--) {
      if (running[i]!.endsAt <= now) {
        const { job } = running.splice(i, 1)[0]!;
        active.set(job.user, active.get(job.user)! - 1);
      }
    }
    while (next < arrivals.length && arrivals[next]!.arrivedAt <= now) {
      const job = arrivals[next++]!;
      const round = active.get(job.user) ?? 0;
      active.set(job.user, round + 1);
      waiting.push({ ...job, round });
    }
    const byRound = (a: Waiting, b: Waiting) => (order === "fifo" ? 0 : a.round - b.round);
    waiting.sort((a, b) => byRound(a, b) || a.arrivedAt - b.arrivedAt || a.id.localeCompare(b.id));
    while (running.length < slots && waiting.length > 0) {
      const job = waiting.shift()!;
      running.push({ job, endsAt: now + job.holdMs });
      out.push({
        id: job.id,
        user: job.user,
        arrivedAt: job.arrivedAt,
        startedAt: now,
        firstQuestionAt: now + job.firstQuestionMs,
        endedAt: now + job.holdMs,
        round: job.round,
      });
    }
    const nextEnd = Math.min(...running.map((r) => r.endsAt));
    const nextArrival = next < arrivals.length ? arrivals[next]!.arrivedAt : Infinity;
    now = Math.min(nextEnd, nextArrival);
    if (!Number.isFinite(now)) break;
  }
  return out;
}

/** A job as measured: its attempt's run (start to end) and its first question, after the start. */
export type MeasuredJob = Omit<ReplayJob, "holdMs" | "firstQuestionMs"> & {
  runMs: number;
  firstQuestionAfterStartMs: number;
};

/** `jobs` as replay jobs, each also holding its slot `overheadMs` before its attempt starts (dispatch and start-up). */
export function withOverhead(jobs: readonly MeasuredJob[], overheadMs: number): ReplayJob[] {
  return jobs.map(({ runMs, firstQuestionAfterStartMs, ...job }) => ({
    ...job,
    holdMs: overheadMs + runMs,
    firstQuestionMs: overheadMs + firstQuestionAfterStartMs,
  }));
}

/**
 * The overhead per job (ms; see `withOverhead`) for which replaying `jobs` in `order` through `slots` ends
 * at `endedAt`, as the measured run did: what the run spent per job beyond the attempts themselves (starting
 * an action, a busy backend), found by bisection. 0 if even no overhead ends later.
 */
export function fittedOverheadMs(
  jobs: readonly MeasuredJob[],
  slots: number,
  order: QueueOrder,
  endedAt: number,
): number {
  const end = (overheadMs: number) =>
    Math.max(...replayQueue(withOverhead(jobs, overheadMs), slots, order).map((r) => r.endedAt));
  let low = 0;
  let high = 10_000;
  if (end(low) >= endedAt) return 0;
  for (let i = 0; i < 20; i++) {
    const mid = (low + high) / 2;
    if (end(mid) < endedAt) low = mid;
    else high = mid;
  }
  return Math.round((low + high) / 2);
}

/** Each user's wait from their first arrival to their first question, in the order users first arrived. */
export function firstQuestionWaits(
  jobs: ReadonlyArray<{ user: string; arrivedAt: number; firstQuestionAt: number | null }>,
): Map<string, number> {
  const arrived = new Map<string, number>();
  const first = new Map<string, number>();
  for (const job of [...jobs].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    if (!arrived.has(job.user)) arrived.set(job.user, job.arrivedAt);
    if (job.firstQuestionAt !== null)
      first.set(job.user, Math.min(first.get(job.user) ?? Infinity, job.firstQuestionAt));
  }
  const waits = new Map<string, number>();
  for (const [user, at] of arrived) if (first.has(user)) waits.set(user, first.get(user)! - at);
  return waits;
}

/**
 * How many first jobs (round 0: their user had no other job waiting or running) were overtaken by another
 * user's later job (round > 0) that started while they waited: what "one user's queued jobs never delay
 * another user's first job" forbids.
 */
export function overtakenFirstJobs(
  jobs: ReadonlyArray<{ user: string; arrivedAt: number; startedAt: number; round: number }>,
): number {
  const later = jobs.filter((job) => job.round > 0);
  return jobs.filter(
    (first) =>
      first.round === 0 &&
      later.some(
        (job) => job.user !== first.user && job.startedAt > first.arrivedAt && job.startedAt < first.startedAt,
      ),
  ).length;
}

/** Each job's round from the record: how many of its user's jobs arrived before it and had not ended by then. */
export function roundsAtArrival<T extends { id: string; user: string; arrivedAt: number; endedAt: number }>(
  jobs: readonly T[],
): Array<T & { round: number }> {
  return jobs.map((job) => ({
    ...job,
    round: jobs.filter(
      (other) =>
        other.user === job.user &&
        other.id !== job.id &&
        other.arrivedAt <= job.arrivedAt &&
        other.endedAt > job.arrivedAt &&
        (other.arrivedAt < job.arrivedAt || other.id < job.id),
    ).length,
  }));
}
