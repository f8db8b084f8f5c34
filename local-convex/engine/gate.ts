/**
 * Lets the engine run a group of queries as if at one instant: while
 * `runExclusive` runs, no other top-level transaction may start, and it
 * starts only once those already started have ended. convex-test already
 * runs transactions one at a time; this only keeps others from slipping in
 * between the queries of a group, so a Transition never mixes two snapshots.
 *
 * The patched `TransactionManager#begin` calls `admit()` before every
 * top-level transaction and `release()` when it ends.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export class TransactionGate {
  /** Top-level transactions admitted and not yet ended (the exclusive group's own are not counted). */
  private running = 0;
  /** Resolves when the exclusive group in progress is done; null when none is. */
  private exclusive: Promise<void> | null = null;
  private onIdle: (() => void) | null = null;
  private readonly insideExclusive = new AsyncLocalStorage<true>();

  /** Waits until the transaction may start; undefined when it may start at once. */
  admit(): Promise<void> | undefined {
    if (this.insideExclusive.getStore()) return undefined;
    if (this.exclusive === null) {
      this.running++;
      return undefined;
    }
    return (async () => {
      while (this.exclusive) await this.exclusive;
      this.running++;
    })();
  }

  release(): void {
    if (this.insideExclusive.getStore()) return;
    this.running--;
    if (this.running === 0 && this.onIdle) this.onIdle();
  }

  /** Runs `fn` with no other top-level transaction running or starting meanwhile. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let done!: () => void;
    this.exclusive = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.running > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      this.onIdle = null;
      return await this.insideExclusive.run(true, fn);
    } finally {
      this.exclusive = null;
      done();
    }
  }
}
