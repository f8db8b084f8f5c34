/**
 * Scheduled functions run a few at a time, as on a Convex deployment. Convex
 * runs at most so many scheduled functions at once ("Concurrent Function
 * Executions" on its Limits page: 10 scheduled jobs on the Free and Starter
 * plans, 300 on Professional; a self-hosted backend runs them 10 at a time),
 * and cron jobs take the same slots. local-convex does the same, so the app
 * meets its deployment's queue in development and in the tests:
 *
 * - at most `limit` scheduled functions (`ctx.scheduler.runAfter`/`runAt`,
 *   mutations and actions) and cron runs (`convex/crons.ts`) run at once;
 *   `DEFAULT_MAX_SCHEDULED_CONCURRENCY` unless `--max-scheduled-concurrency`
 *   or `LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY` says otherwise;
 * - one whose time has come while every slot is busy waits; a scheduled
 *   function's `_scheduled_functions` document stays `pending` meanwhile and
 *   becomes `inProgress` when it starts, as on Convex;
 * - waiting ones start in order of scheduled time (then of arrival); one
 *   canceled while it waits gives up its place;
 * - the log says when the scheduler becomes saturated (something waits for a
 *   slot), every `STILL_SATURATED_REPORT_MS` while it stays so, and when it no
 *   longer is, after how long.
 */
import { formatDuration, log } from "../log";

/** Scheduled functions at once on Convex's Free and Starter plans and a self-hosted backend. */
export const DEFAULT_MAX_SCHEDULED_CONCURRENCY = 10;
/** The command-line flag that sets the limit (wins over the environment). */
export const MAX_SCHEDULED_CONCURRENCY_FLAG = "--max-scheduled-concurrency";
/** The environment variable that sets the limit. */
export const MAX_SCHEDULED_CONCURRENCY_ENV = "LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY";
/** How often a long saturation is reported while it lasts. */
const STILL_SATURATED_REPORT_MS = 30_000;

/**
 * The limit: the flag's value if given, else the environment's, else
 * `DEFAULT_MAX_SCHEDULED_CONCURRENCY`. Anything but a positive integer is
 * refused with a message naming where it came from; there is no "unlimited".
 */
export function maxScheduledConcurrency(
  flag: string | number | undefined,
  env: Record<string, string | undefined> = process.env,
): number {
  if (flag !== undefined) return positiveInteger(String(flag), MAX_SCHEDULED_CONCURRENCY_FLAG);
  const fromEnv = env[MAX_SCHEDULED_CONCURRENCY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return positiveInteger(fromEnv, MAX_SCHEDULED_CONCURRENCY_ENV);
  return DEFAULT_MAX_SCHEDULED_CONCURRENCY;
}

function positiveInteger(text: string, source: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(
      `${source} must be a positive integer: how many scheduled functions and cron jobs may run at once ` +
        `(default ${DEFAULT_MAX_SCHEDULED_CONCURRENCY}, as on Convex's Starter plan; there is no "unlimited"), got "${text}".`,
    );
  }
  return n;
}

/** A scheduled function or cron run whose time has come. */
export type SlotRequest = {
  /** What it runs, for the log. */
  name: string;
  /**
   * When it was due (Unix ms). Read when a slot frees rather than on arrival:
   * a function may come due before the transaction that scheduled it commits.
   */
  scheduledTime: () => number;
  /** False once it need not run (canceled while waiting): it then starts without a slot, only to see that. */
  wanted?: () => boolean;
};

/** What the log is told about saturation. */
export type SaturationReport =
  | { event: "saturated"; limit: number; waiting: string }
  | { event: "still"; limit: number; saturatedForMs: number; waiting: number; longestWaitMs: number }
  | { event: "ended"; limit: number; saturatedForMs: number; waited: number; longestWaitMs: number };

type Waiter = { seq: number; request: SlotRequest; arrivedAt: number; resolve: (holdsSlot: boolean) => void };

type Saturation = { since: number; waited: number; longestWaitMs: number; timer: ReturnType<typeof setInterval> };

/** The slots scheduled functions and cron runs share (one per backend). */
export class ScheduledSlots {
  private runningCount = 0;
  private readonly waiters: Waiter[] = [];
  private arrivals = 0;
  private saturation: Saturation | null = null;

  constructor(
    readonly limit: number,
    private readonly report: (report: SaturationReport) => void = logSaturation,
    private readonly now: () => number = () => performance.now(),
    /** Told of each start: what started and how long after its scheduled time (ms, wall clock). */
    private readonly onStart: (name: string, delayMs: number) => void = () => {},
  ) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new Error(`The scheduler's limit must be a positive integer, got ${limit}`);
  }

  /** How many hold a slot now. */
  get running(): number {
    return this.runningCount;
  }

  /** How many wait for one. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Runs `fn` once `request` has a slot (at once if one is free), and frees the slot when it settles. */
  async run<T>(request: SlotRequest, fn: () => Promise<T>): Promise<T> {
    const holdsSlot = await this.acquire(request);
    if (holdsSlot) this.onStart(request.name, Date.now() - request.scheduledTime());
    try {
      return await fn();
    } finally {
      if (holdsSlot) this.release();
    }
  }

  private acquire(request: SlotRequest): boolean | Promise<boolean> {
    // Anyone waiting means every slot is busy: a free slot is handed over at once.
    if (this.runningCount < this.limit) {
      this.runningCount++;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      this.waiters.push({ seq: this.arrivals++, request, arrivedAt: this.now(), resolve });
      if (!this.saturation) this.startSaturation(request.name);
    });
  }

  private release(): void {
    this.runningCount--;
    while (this.runningCount < this.limit && this.waiters.length > 0) {
      const next = this.takeEarliest();
      if (next.request.wanted?.() === false) {
        next.resolve(false);
        continue;
      }
      this.runningCount++;
      if (this.saturation) {
        this.saturation.waited++;
        this.saturation.longestWaitMs = Math.max(this.saturation.longestWaitMs, this.now() - next.arrivedAt);
      }
      next.resolve(true);
    }
    if (this.waiters.length === 0 && this.saturation) this.endSaturation(this.saturation);
  }

  /** Removes and returns the waiter due first (ties: the first to arrive). */
  private takeEarliest(): Waiter {
    let best = 0;
    let bestTime = this.waiters[0]!.request.scheduledTime();
    for (let i = 1; i < this.waiters.length; i++) {
      const time = this.waiters[i]!.request.scheduledTime();
      if (time < bestTime || (time === bestTime && this.waiters[i]!.seq < this.waiters[best]!.seq)) {
        best = i;
        bestTime = time;
      }
    }
    return this.waiters.splice(best, 1)[0]!;
  }

  private startSaturation(firstWaiting: string): void {
    const timer = setInterval(() => {
      const since = this.saturation?.since ?? this.now();
      const oldest = Math.min(...this.waiters.map((w) => w.arrivedAt));
      this.report({
        event: "still",
        limit: this.limit,
        saturatedForMs: this.now() - since,
        waiting: this.waiters.length,
        longestWaitMs: this.now() - oldest,
      });
    }, STILL_SATURATED_REPORT_MS);
    timer.unref();
    this.saturation = { since: this.now(), waited: 0, longestWaitMs: 0, timer };
    this.report({ event: "saturated", limit: this.limit, waiting: firstWaiting });
  }

  private endSaturation(saturation: Saturation): void {
    clearInterval(saturation.timer);
    this.saturation = null;
    this.report({
      event: "ended",
      limit: this.limit,
      saturatedForMs: this.now() - saturation.since,
      waited: saturation.waited,
      longestWaitMs: saturation.longestWaitMs,
    });
  }
}

const allSlots = (limit: number) => (limit === 1 ? "the only slot" : `all ${limit} slots`);
const functions = (n: number) => `${n} ${n === 1 ? "function" : "functions"}`;

/** The log lines of saturation (the tests look for "Scheduler saturated" and "no longer saturated after"). */
export function describeSaturation(report: SaturationReport): string {
  switch (report.event) {
    case "saturated":
      return (
        `Scheduler saturated: ${allSlots(report.limit)} busy, ${report.waiting} waits for one; scheduled functions ` +
        `and cron jobs now start as slots free, in order of scheduled time (${MAX_SCHEDULED_CONCURRENCY_FLAG}).`
      );
    case "still":
      return (
        `Scheduler still saturated after ${formatDuration(report.saturatedForMs)}: ${allSlots(report.limit)} busy, ` +
        `${functions(report.waiting)} waiting, the longest for ${formatDuration(report.longestWaitMs)}.`
      );
    case "ended":
      return (
        `Scheduler no longer saturated after ${formatDuration(report.saturatedForMs)}: ` +
        `${functions(report.waited)} waited for a slot, the longest ${formatDuration(report.longestWaitMs)}.`
      );
  }
}

function logSaturation(report: SaturationReport): void {
  if (report.event === "ended") log.info(describeSaturation(report));
  else log.warn(describeSaturation(report));
}
