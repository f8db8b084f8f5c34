/**
 * Who uses the database next. convex-test runs one top-level transaction at
 * a time, first come first served; this gate decides the order instead, so
 * that one client's flood cannot make everybody else wait behind it:
 *
 * - every top-level transaction names a key (its client, `clients.ts`: a
 *   signed-in identity however many sessions it has, or an address signed
 *   out; "server" for crons) and waits in that key's queue;
 * - when the database is free, the next transaction comes from the next key
 *   that has one waiting, round-robin, first in first out within a key; so a
 *   client with 2,000 calls queued gets one turn per round, like anybody else;
 * - `runExclusive` holds the database for a group of queries (it waits for
 *   its turn like a transaction), so that they all see one snapshot: a
 *   Transition never mixes two.
 *
 * The patched `TransactionManager#begin` calls `admit()` before every
 * top-level transaction and `release()` when it ends.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The key of the subscription groups' turns. */
const EXCLUSIVE_KEY = "\u0000subscriptions";

export class TransactionGate {
  /** Whether a transaction or an exclusive group holds the database. */
  private held = false;
  /** Keys with transactions waiting, in turn order (a served key moves to the back). */
  private readonly queues = new Map<string, Array<() => void>>();
  /** The exclusive group the running code belongs to (timers it created may outlive it: `active` says). */
  private readonly insideExclusive = new AsyncLocalStorage<{ active: boolean }>();

  /** Waits for the transaction's turn; undefined when it may start at once. */
  admit(key: string): Promise<void> | undefined {
    if (this.inGroup()) return undefined;
    if (!this.held) {
      this.held = true;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      const queue = this.queues.get(key);
      if (queue) queue.push(resolve);
      else this.queues.set(key, [resolve]);
    });
  }

  /** The transaction admitted last has ended: the next key's turn. */
  release(): void {
    if (this.inGroup()) return;
    this.handOver();
  }

  private inGroup(): boolean {
    return this.insideExclusive.getStore()?.active === true;
  }

  /** How many transactions are waiting (for tests and diagnostics). */
  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  private handOver(): void {
    const next = this.queues.entries().next();
    if (next.done) {
      this.held = false;
      return;
    }
    const [key, queue] = next.value;
    const resolve = queue.shift()!;
    this.queues.delete(key);
    if (queue.length > 0) this.queues.set(key, queue); // to the back of the round
    resolve(); // the database stays held: it passes to that transaction
  }

  /** Runs `fn` (whose transactions pass) with no other top-level transaction running meanwhile. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inGroup()) return await fn(); // already inside one: part of it
    await this.admit(EXCLUSIVE_KEY);
    const group = { active: true };
    try {
      return await this.insideExclusive.run(group, fn);
    } finally {
      group.active = false;
      this.handOver();
    }
  }
}
