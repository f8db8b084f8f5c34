/**
 * Recent mutation results by (client session, request id). On reconnect the
 * client re-sends every mutation it has no final answer for, including ones
 * that already ran; answering those from here (as the Convex backend does)
 * keeps a mutation from running twice. A result is given only to the identity
 * that made the request (`caller`: its tokenIdentifier, null signed out): the
 * same (session, request id) from anyone else is refused, neither run nor
 * answered.
 *
 * Bounded: results are kept for `MUTATION_LOG_TTL_MS`, at most
 * `MUTATION_LOG_MAX_PER_SESSION` per session and `MUTATION_LOG_MAX_ENTRIES`
 * in all (the oldest go first), error messages shortened. Requests refused
 * before running (unknown function, limits) never get here.
 *
 * Durable: a successful mutation's result is written to the journal with its
 * commit (`Commit.clientMutation`) and comes back through `record()` after a
 * restart; `export()` (for the snapshot) holds only successful results, since
 * a failed mutation changed nothing and may simply run again.
 */
import type { JSONValue } from "convex/values";
import {
  MUTATION_LOG_MAX_ENTRIES,
  MUTATION_LOG_MAX_ERROR_LENGTH,
  MUTATION_LOG_MAX_PER_SESSION,
  MUTATION_LOG_TTL_MS,
} from "../limits";

/** A mutation's answer, as stored (timestamps as decimal strings). */
export type StoredResult =
  | { success: true; value: JSONValue; ts: string; logLines: string[] }
  | { success: false; errorMessage: string; errorData?: JSONValue; logLines: string[] };

/** One stored result, as exported and imported. */
export type StoredRow = {
  sessionId: string;
  requestId: number;
  /** Who made the request: its identity's tokenIdentifier, null when signed out. */
  caller: string | null;
  at: number;
  result: StoredResult;
};

type Entry = { caller: string | null; at: number; result: Promise<StoredResult>; settled?: StoredResult };

export class MutationLog {
  private readonly sessions = new Map<string, Map<number, Entry>>();
  /** Every entry's (session, request), oldest first. */
  private readonly order = new Map<string, [string, number]>();
  private lastPrune = 0;

  constructor(private readonly ttlMs = MUTATION_LOG_TTL_MS) {}

  /** How many results are kept. */
  get size(): number {
    return this.order.size;
  }

  /**
   * The result of request `requestId` of session `sessionId` made by
   * `caller`: `execute()`'s the first time, the same one (even while still
   * running) every later time; a refusal (not stored) if another caller made it.
   */
  run(
    sessionId: string,
    requestId: number,
    caller: string | null,
    execute: () => Promise<StoredResult>,
  ): Promise<StoredResult> {
    this.prune();
    const existing = this.sessions.get(sessionId)?.get(requestId);
    if (existing && existing.caller !== caller) return Promise.resolve(madeByAnother(requestId));
    if (existing) return existing.settled ? Promise.resolve(existing.settled) : existing.result;
    const entry: Entry = { caller, at: Date.now(), result: execute() };
    void entry.result.then(
      (result) => void (entry.settled = shorten(result)),
      () => this.remove(sessionId, requestId), // nothing to answer a re-send with: it runs again
    );
    this.add(sessionId, requestId, entry);
    return entry.result;
  }

  /** Whether a result (or a run in progress) of `caller`'s is kept for this request (`run` answers it from here). */
  has(sessionId: string, requestId: number, caller: string | null): boolean {
    return this.sessions.get(sessionId)?.get(requestId)?.caller === caller;
  }

  /** Keeps a result written before (from the journal or the snapshot), unless one is kept already. */
  record({ sessionId, requestId, caller, at, result }: StoredRow): void {
    if (this.sessions.get(sessionId)?.has(requestId)) return;
    // Rows written before results had a caller cannot be given to anyone safely.
    if (caller === undefined) return;
    this.add(sessionId, requestId, { caller, at, result: Promise.resolve(result), settled: result });
  }

  /** Successful results younger than the TTL, for the snapshot. */
  export(): JSONValue {
    this.prune(true);
    const rows: StoredRow[] = [];
    for (const [sessionId, requests] of this.sessions) {
      for (const [requestId, entry] of requests) {
        if (entry.settled?.success)
          rows.push({ sessionId, requestId, caller: entry.caller, at: entry.at, result: entry.settled });
      }
    }
    return rows;
  }

  /** Keeps the rows of an earlier `export()`. */
  import(rows: JSONValue | undefined): void {
    if (!Array.isArray(rows)) return;
    for (const row of rows as unknown as StoredRow[]) this.record(row);
    this.prune(true);
  }

  private add(sessionId: string, requestId: number, entry: Entry): void {
    let requests = this.sessions.get(sessionId);
    if (!requests) this.sessions.set(sessionId, (requests = new Map<number, Entry>()));
    requests.set(requestId, entry);
    this.order.set(orderKey(sessionId, requestId), [sessionId, requestId]);
    if (requests.size > MUTATION_LOG_MAX_PER_SESSION) this.remove(sessionId, requests.keys().next().value!);
    while (this.order.size > MUTATION_LOG_MAX_ENTRIES) {
      const [oldestSession, oldestRequest] = this.order.values().next().value!;
      this.remove(oldestSession, oldestRequest);
    }
  }

  private remove(sessionId: string, requestId: number): void {
    const requests = this.sessions.get(sessionId);
    requests?.delete(requestId);
    if (requests?.size === 0) this.sessions.delete(sessionId);
    this.order.delete(orderKey(sessionId, requestId));
  }

  /** Forgets old results (at most once a second: it walks every entry). */
  private prune(force = false): void {
    if (!force && Date.now() - this.lastPrune < 1000) return;
    this.lastPrune = Date.now();
    const cutoff = Date.now() - this.ttlMs;
    for (const [sessionId, requests] of [...this.sessions]) {
      for (const [requestId, entry] of [...requests])
        if (entry.settled && entry.at < cutoff) this.remove(sessionId, requestId);
    }
  }
}

function orderKey(sessionId: string, requestId: number): string {
  return `${requestId}\u0000${sessionId}`;
}

/** The answer to a request id that another identity used in this session. */
function madeByAnother(requestId: number): StoredResult {
  return {
    success: false,
    errorMessage: `RequestMadeByAnotherIdentity: request ${requestId} of this session was made by another identity; it is neither run again nor answered.`,
    logLines: [],
  };
}

/** `result` with its error message cut to `MUTATION_LOG_MAX_ERROR_LENGTH`. */
function shorten(result: StoredResult): StoredResult {
  if (result.success || result.errorMessage.length <= MUTATION_LOG_MAX_ERROR_LENGTH) return result;
  return { ...result, errorMessage: `${result.errorMessage.slice(0, MUTATION_LOG_MAX_ERROR_LENGTH)}…` };
}
