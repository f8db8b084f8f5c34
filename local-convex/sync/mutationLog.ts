/**
 * Recent mutation results by (client session, request id). On reconnect the
 * client re-sends every mutation it has no final answer for, including ones
 * that already ran; answering those from here (as the Convex backend does)
 * keeps a mutation from running twice. Kept for `ttlMs` and persisted with
 * the data, so a re-send after a restart is deduplicated too.
 */
import type { JSONValue } from "convex/values";

/** A mutation's answer, as stored (timestamps as decimal strings). */
export type StoredResult =
  | { success: true; value: JSONValue; ts: string; logLines: string[] }
  | { success: false; errorMessage: string; errorData?: JSONValue; logLines: string[] };

type Entry = { at: number; result: Promise<StoredResult>; settled?: StoredResult };

export class MutationLog {
  private readonly sessions = new Map<string, Map<number, Entry>>();
  private lastPrune = 0;

  constructor(private readonly ttlMs = 10 * 60_000) {}

  /**
   * The result of request `requestId` of session `sessionId`: `execute()`'s
   * the first time, the same one (even while still running) every later time.
   */
  run(sessionId: string, requestId: number, execute: () => Promise<StoredResult>): Promise<StoredResult> {
    this.prune();
    let requests = this.sessions.get(sessionId);
    if (!requests) this.sessions.set(sessionId, (requests = new Map<number, Entry>()));
    const existing = requests.get(requestId);
    if (existing) return existing.result;
    const entry: Entry = { at: Date.now(), result: execute() };
    void entry.result.then((result) => (entry.settled = result));
    requests.set(requestId, entry);
    return entry.result;
  }

  /** Settled results younger than the TTL, for the data file. */
  export(): JSONValue {
    this.prune(true);
    const rows: JSONValue[] = [];
    for (const [sessionId, requests] of this.sessions) {
      for (const [requestId, entry] of requests) {
        if (entry.settled) rows.push({ sessionId, requestId, at: entry.at, result: entry.settled });
      }
    }
    return rows;
  }

  import(rows: JSONValue | undefined): void {
    if (!Array.isArray(rows)) return;
    for (const row of rows as Array<{ sessionId: string; requestId: number; at: number; result: StoredResult }>) {
      let requests = this.sessions.get(row.sessionId);
      if (!requests) this.sessions.set(row.sessionId, (requests = new Map<number, Entry>()));
      requests.set(row.requestId, { at: row.at, result: Promise.resolve(row.result), settled: row.result });
    }
    this.prune(true);
  }

  /** Forgets old results (at most once a second: it walks every entry). */
  private prune(force = false): void {
    if (!force && Date.now() - this.lastPrune < 1000) return;
    this.lastPrune = Date.now();
    const cutoff = Date.now() - this.ttlMs;
    for (const [sessionId, requests] of this.sessions) {
      for (const [requestId, entry] of requests) if (entry.settled && entry.at < cutoff) requests.delete(requestId);
      if (requests.size === 0) this.sessions.delete(sessionId);
    }
  }
}
