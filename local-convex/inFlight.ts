/**
 * Requests in progress per client, with a cap: `enter(key)` admits one more
 * request of `key` unless it already has `limit` in progress. Lets the HTTP
 * API turn a flood from one client into quick refusals instead of a queue
 * that everybody else waits behind.
 */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Admits a request of `key`: returns its release, or null when `key` is at the limit. */
  enter(key: string): (() => void) | null {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) return null;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }
}
