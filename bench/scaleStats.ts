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

/** Where a job started and when its first question came, in a replay. */
export type Replayed = { id: string; user: string; arrivedAt: number; startedAt: number; firstQuestionAt: number };

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
      const round = order === "fifo" ? 0 : (active.get(job.user) ?? 0);
      active.set(job.user, (active.get(job.user) ?? 0) + 1);
      waiting.push({ ...job, round });
    }
    waiting.sort((a, b) => a.round - b.round || a.arrivedAt - b.arrivedAt || a.id.localeCompare(b.id));
    while (running.length < slots && waiting.length > 0) {
      const job = waiting.shift()!;
      running.push({ job, endsAt: now + job.holdMs });
      out.push({
        id: job.id,
        user: job.user,
        arrivedAt: job.arrivedAt,
        startedAt: now,
        firstQuestionAt: now + job.firstQuestionMs,
      });
    }
    const nextEnd = Math.min(...running.map((r) => r.endsAt));
    const nextArrival = next < arrivals.length ? arrivals[next]!.arrivedAt : Infinity;
    now = Math.min(nextEnd, nextArrival);
    if (!Number.isFinite(now)) break;
  }
  return out;
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
