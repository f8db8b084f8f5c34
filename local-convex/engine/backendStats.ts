/**
 * What a backend has run, for the benchmark and the tests that measure the
 * app under load: how many times each of the app's functions ran (client
 * calls, scheduled runs, cron runs, and the queries and mutations an action
 * runs, each one execution, as Convex counts function calls), how late each
 * scheduled function and cron run started after its scheduled time (it waits
 * for one of the scheduler's slots), and the process's peak memory.
 *
 * Counting costs a map increment per execution; start delays keep the most
 * recent `MAX_DELAYS_KEPT` per name, so a long-running backend stays bounded.
 */

/** Start delays kept per scheduled function or cron job (the most recent). */
export const MAX_DELAYS_KEPT = 10_000;

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
};

/** The counters of one backend. */
export class StatsRecorder {
  private readonly calls = new Map<string, number>();
  private readonly delays = new Map<string, number[]>();

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

  /** A copy of everything counted so far. */
  read(): BackendStats {
    return {
      calls: Object.fromEntries(this.calls),
      startDelaysMs: Object.fromEntries([...this.delays].map(([name, delays]) => [name, [...delays]])),
      // resourceUsage's maxRSS is in kilobytes.
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  }
}
