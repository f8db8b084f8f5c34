/**
 * What a backend has run, for the benchmark and the tests that measure the
 * app under load: how many times each of the app's functions ran (client
 * calls, scheduled runs, cron runs, and the queries and mutations an action
 * runs, each one execution, as Convex counts function calls), how late each
 * scheduled function and cron run started after its scheduled time (it waits
 * for one of the scheduler's slots, or for a busy process), and the process's
 * peak memory, CPU time and event-loop delay (how busy the one thread was).
 *
 * Counting costs a map increment per execution; start delays keep the most
 * recent `MAX_DELAYS_KEPT` per name, so a long-running backend stays bounded.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/** Start delays kept per scheduled function or cron job (the most recent). */
export const MAX_DELAYS_KEPT = 10_000;

/** How often the event loop's delay is sampled (ms); a sample is the time between two, so this is taken off. */
const LOOP_SAMPLE_MS = 10;

export type BackendStats = {
  /** Executions of each of the app's functions since the backend started, by path (`module:function`); component functions aside. */
  calls: Record<string, number>;
  /**
   * How late each run started after its scheduled time (ms; the most recent `MAX_DELAYS_KEPT`), by
   * scheduled function path, or `cron "<name>"` for a cron job.
   */
  startDelaysMs: Record<string, number[]>;
  /** The backend process's peak resident memory since it started (bytes). */
  maxRssBytes: number;
  /** CPU time the process has used (user + system, ms). */
  cpuMs: number;
  /**
   * How late the event loop ran its callbacks since the previous `stats()` (or the start), in ms: a busy
   * process delays every timer, crons included.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
};

/** The counters of one backend. */
export class StatsRecorder {
  private readonly calls = new Map<string, number>();
  private readonly delays = new Map<string, number[]>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });

  constructor() {
    this.loopDelay.enable();
  }

  /** One execution of the app's function `udfPath`. */
  called(udfPath: string): void {
    this.calls.set(udfPath, (this.calls.get(udfPath) ?? 0) + 1);
  }

  /** A scheduled function or cron run named `name` started `delayMs` after its scheduled time. */
  started(name: string, delayMs: number): void {
    let kept = this.delays.get(name);
    if (!kept) this.delays.set(name, (kept = []));
    kept.push(Math.max(0, delayMs));
    if (kept.length > MAX_DELAYS_KEPT) kept.splice(0, kept.length - MAX_DELAYS_KEPT);
  }

  /** A copy of everything counted so far (the event-loop delay: since the previous read, which restarts it). */
  read(): BackendStats {
    const stats: BackendStats = {
      calls: Object.fromEntries(this.calls),
      startDelaysMs: Object.fromEntries([...this.delays].map(([name, delays]) => [name, [...delays]])),
      // resourceUsage's maxRSS is in kilobytes.
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      eventLoopDelayMs: {
        p50: lateness(this.loopDelay.percentile(50)),
        p99: lateness(this.loopDelay.percentile(99)),
        max: lateness(this.loopDelay.max),
      },
    };
    this.loopDelay.reset();
    return stats;
  }
}

/** A sample of the event-loop histogram (ns between two samples) as the delay beyond the sampling interval, in ms. */
function lateness(nanoseconds: number): number {
  return Math.max(0, Math.round(nanoseconds / 1e6 - LOOP_SAMPLE_MS));
}
