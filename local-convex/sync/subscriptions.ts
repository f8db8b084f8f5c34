/**
 * Live queries. Every query a client subscribes to is a `Subscription`
 * (shared by all sockets that subscribe to the same function, arguments and
 * identity). After each commit, the subscriptions whose reads the commit's
 * writes touch (a document in an index range they read, a document they
 * fetched, a table they scanned) are run again, all together at one
 * snapshot (`Engine.runExclusive`), and every socket then gets one
 * Transition with the results that changed for it (unchanged results are
 * not re-sent).
 *
 * Paginated queries keep a journal, as on Convex: the page's end cursor from
 * the first run, so that re-runs keep the page boundary and documents added
 * to the page make it grow instead of pushing items off its end.
 *
 * Memory: a subscription keeps only its latest result, as text (a socket
 * that cannot take updates yet gets the newest when it can); a result over
 * `MAX_QUERY_RESULT_BYTES` becomes a QueryFailed. Rounds take the clients
 * in turn (`clients.ts`: one user's many sockets are one client), a socket's
 * queries in turn within its client.
 */
import type { UserIdentity } from "convex/server";
import { convexToJson, type JSONValue, type Value } from "convex/values";
import type { CallOutcome, Engine } from "../engine/engine";
import { ReadSet, tableKey, type JournalSlot, type Write } from "../engine/patches";
import { MAX_QUERY_RESULT_BYTES, SUBSCRIPTION_ROUND_BUDGET_MS } from "../limits";
import { log } from "../log";
import { yieldIfBusy } from "../turns";

/** A query result as sent to clients (without the query id). */
export type QueryResult =
  | { type: "QueryUpdated"; value: JSONValue; logLines: string[]; journal: string | null }
  | { type: "QueryFailed"; errorMessage: string; errorData?: JSONValue; logLines: string[]; journal: string | null };

export class Subscription {
  /** The latest result (a `QueryResult`) as JSON text, or null before the first run. */
  resultText: string | null = null;
  /** Its size in bytes, as sent. */
  resultBytes = 0;
  /** The error of the latest result, when it is a QueryFailed (for the logs). */
  errorMessage: string | null = null;
  /** What the last run read. */
  reads = new ReadSet();
  /** A commit since the last run may have changed the result. */
  stale = true;
  /** Sockets' queries using it. */
  users = 0;

  constructor(
    public key: string,
    readonly udfPath: string,
    readonly args: Record<string, Value>,
    readonly identity: UserIdentity | null,
    /** The journal (`encodeJournal`), once the query has paginated. */
    public journal: string | null,
  ) {}

  /** Keeps `result` (as text); one over `MAX_QUERY_RESULT_BYTES` is kept as a QueryFailed saying so. */
  setResult(result: QueryResult): void {
    let text = JSON.stringify(result);
    let bytes = Buffer.byteLength(text);
    if (bytes > MAX_QUERY_RESULT_BYTES) {
      const errorMessage = `QueryResultTooLarge: the result is ${formatBytes(bytes)}; a query's result may be at most ${formatBytes(MAX_QUERY_RESULT_BYTES)}. Return less (paginate).`;
      text = JSON.stringify({ type: "QueryFailed", errorMessage, logLines: [], journal: result.journal });
      bytes = Buffer.byteLength(text);
    }
    this.resultText = text;
    this.resultBytes = bytes;
    this.errorMessage = result.type === "QueryFailed" ? result.errorMessage : null;
  }

  /** The modification (as JSON text) that gives a client this result for its query `queryId`. */
  modificationText(queryId: number): string {
    return `{"queryId":${queryId},${this.resultText!.slice(1)}`;
  }
}

/** A query that gets no subscription (refused): its only result is this error. Never run, never shared. */
export function refusedSubscription(errorMessage: string): Subscription {
  const subscription = new Subscription("\u0000refused", "", {}, null, null);
  subscription.setResult({ type: "QueryFailed", errorMessage, logLines: [], journal: null });
  subscription.stale = false;
  return subscription;
}

/** `bytes` for messages: "23 kB", "8.0 MiB". */
export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What the hub needs from a socket. */
export interface SubscriptionUser {
  /** Its client (`clients.ts`), whose sockets take one turn together in a round; null: a turn of its own. */
  readonly clientKey: string | null;
  /** Sends what changed for this socket, if anything, as of commit `ts` (only when none of its subscriptions is stale). */
  sync(ts: bigint): void;
  /** The subscriptions its queries use. */
  subscriptions(): Iterable<Subscription>;
}

export type SubscribeSpec = {
  udfPath: string;
  args: Record<string, Value>;
  /** The arguments as the client encoded them (a stable key). */
  argsJson: string;
  identity: UserIdentity | null;
  /** The journal the client holds from an earlier connection, if any. */
  journal: string | null;
};

export class SubscriptionHub {
  private readonly subscriptions = new Map<string, Subscription>();
  /** Subscriptions by the tables their last run read (`tableKey`). */
  private readonly byTable = new Map<string, Set<Subscription>>();
  private readonly users = new Set<SubscriptionUser>();
  private flushRequested = false;
  private flushing = false;
  private uniqueKeys = 0;
  /** Which user goes first in the next round. */
  private firstUser = 0;

  constructor(
    private readonly engine: Engine,
    private readonly options: { verbose: boolean },
  ) {
    engine.onCommit((_ts, writes) => {
      for (const write of writes) this.invalidate(write);
      this.requestFlush(); // also when nothing is stale: mutations wait for a Transition
    });
  }

  addUser(user: SubscriptionUser): void {
    this.users.add(user);
  }

  removeUser(user: SubscriptionUser): void {
    this.users.delete(user);
  }

  /** The subscription for `spec`, shared when one exists. Its first result comes with the next flush. */
  acquire(spec: SubscribeSpec): Subscription {
    const journal = spec.journal !== null && decodeJournal(spec.journal) !== null ? spec.journal : null;
    const key = subscriptionKey(spec.udfPath, spec.argsJson, spec.identity, journal);
    let subscription = this.subscriptions.get(key);
    if (!subscription) {
      subscription = new Subscription(key, spec.udfPath, spec.args, spec.identity, journal);
      this.subscriptions.set(key, subscription);
      this.requestFlush();
    }
    subscription.users++;
    return subscription;
  }

  release(subscription: Subscription): void {
    if (--subscription.users > 0) return;
    this.subscriptions.delete(subscription.key);
    this.indexReads(subscription, new ReadSet());
  }

  private invalidate(write: Write): void {
    for (const subscription of this.byTable.get(tableKey(write.componentPath, write.table)) ?? []) {
      if (!subscription.stale && this.engine.writeAffects(subscription.reads, write)) subscription.stale = true;
    }
  }

  /** Replaces what `subscription` is known to read (and indexes it by table). */
  private indexReads(subscription: Subscription, reads: ReadSet): void {
    for (const table of subscription.reads.tables()) this.byTable.get(table)?.delete(subscription);
    subscription.reads = reads;
    for (const table of reads.tables()) {
      let subscriptions = this.byTable.get(table);
      if (!subscriptions) this.byTable.set(table, (subscriptions = new Set()));
      subscriptions.add(subscription);
    }
  }

  /** Runs a flush soon: re-runs affected queries and syncs every socket. */
  requestFlush(): void {
    this.flushRequested = true;
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.flushRequested) {
        this.flushRequested = false;
        const ts = await this.engine.runExclusive(() => this.runRound());
        await this.syncUsers(ts);
        // Let I/O in between rounds: messages that arrived meanwhile queue their transactions at the gate first.
        if (this.flushRequested) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.flushing = false;
      if (this.flushRequested) this.requestFlush();
    }
  }

  /**
   * One round, inside `runExclusive`: nothing commits until it returns, so
   * all results are as of the timestamp it returns.
   */
  private async runRound(): Promise<bigint> {
    const ts = this.engine.lastCommitTs;
    const deadline = performance.now() + SUBSCRIPTION_ROUND_BUDGET_MS;
    for (const subscription of this.staleInTurn()) {
      if (performance.now() >= deadline) {
        this.flushRequested = true; // the rest in the next round
        break;
      }
      await this.run(subscription);
    }
    return ts;
  }

  /**
   * Sends each socket what changed, as of `ts`, after the round: a result
   * not marked stale since is still the result at `ts`, and a socket with a
   * stale one waits for a later round. Other I/O gets turns in between.
   */
  private async syncUsers(ts: bigint): Promise<void> {
    for (const user of [...this.users]) {
      await yieldIfBusy();
      try {
        user.sync(ts);
      } catch (error) {
        log.error("local-convex: could not sync a client", error);
      }
    }
  }

  /**
   * The stale subscriptions in use, one client's at a time in turn, and
   * within a client one socket's at a time (queries added meanwhile
   * included), each once.
   */
  private *staleInTurn(): Generator<Subscription> {
    const byClient = new Map<unknown, SubscriptionUser[]>();
    for (const user of this.users) {
      const key = user.clientKey ?? user;
      const group = byClient.get(key);
      if (group) group.push(user);
      else byClient.set(key, [user]);
    }
    const clients = [...byClient.values()];
    if (clients.length === 0) return;
    const first = this.firstUser++ % clients.length;
    yield* inTurn([...clients.slice(first), ...clients.slice(0, first)].map((group) => inTurn(group.map(staleOf))));
  }

  private async run(subscription: Subscription): Promise<void> {
    const firstRun = subscription.resultText === null;
    const previousError = subscription.errorMessage;
    const slot: JournalSlot = { endCursor: subscription.journal === null ? null : decodeJournal(subscription.journal) };
    subscription.stale = false;
    const outcome = await this.engine.call({
      udfPath: subscription.udfPath,
      args: subscription.args,
      kind: "query",
      identity: subscription.identity,
      caller: "client",
      origin: firstRun ? "subscribe" : "subscription",
      trackReads: true,
      journal: slot,
      shouldLog: (o) => this.options.verbose || firstRun || (!o.ok && o.errorMessage !== previousError),
    });
    if (subscription.users === 0) return; // released while it ran
    this.indexReads(subscription, outcome.reads ?? new ReadSet());
    if (subscription.journal === null && slot.recorded !== undefined)
      this.setJournal(subscription, encodeJournal(slot.recorded));
    subscription.setResult(toQueryResult(outcome, subscription.journal));
  }

  /**
   * A query paginated for the first time: from now on it is the query with
   * this journal, so a fresh subscription (without one) no longer shares it.
   */
  private setJournal(subscription: Subscription, journal: string): void {
    if (this.subscriptions.get(subscription.key) === subscription) this.subscriptions.delete(subscription.key);
    subscription.journal = journal;
    let key = replaceJournal(subscription.key, journal);
    if (this.subscriptions.has(key)) key = `${key}#${++this.uniqueKeys}`;
    subscription.key = key;
    this.subscriptions.set(key, subscription);
  }
}

/** The stale subscriptions a socket uses, as its queries come. */
function* staleOf(user: SubscriptionUser): Generator<Subscription> {
  for (const subscription of user.subscriptions()) if (subscription.stale && subscription.users > 0) yield subscription;
}

/** The items of `sources` taken in turn, one from each, until all are exhausted. */
function* inTurn<T>(sources: Iterable<Iterator<T>>): Generator<T> {
  const queues = [...sources];
  while (queues.length > 0) {
    for (let i = 0; i < queues.length; i++) {
      const next = queues[i]!.next();
      if (next.done) queues.splice(i--, 1);
      else yield next.value;
    }
  }
}

function toQueryResult(outcome: CallOutcome, journal: string | null): QueryResult {
  if (outcome.ok)
    return { type: "QueryUpdated", value: convexToJson(outcome.value), logLines: outcome.logLines, journal };
  return {
    type: "QueryFailed",
    errorMessage: outcome.errorMessage,
    ...(outcome.errorData !== undefined ? { errorData: convexToJson(outcome.errorData) } : {}),
    logLines: outcome.logLines,
    journal,
  };
}

const JOURNAL_SEPARATOR = "\u0000journal:";

function subscriptionKey(
  udfPath: string,
  argsJson: string,
  identity: UserIdentity | null,
  journal: string | null,
): string {
  return `${udfPath}\u0000${argsJson}\u0000${identity ? JSON.stringify(identity) : ""}${JOURNAL_SEPARATOR}${journal ?? ""}`;
}

function replaceJournal(key: string, journal: string): string {
  return key.slice(0, key.indexOf(JOURNAL_SEPARATOR)) + JOURNAL_SEPARATOR + journal;
}

/** A journal as sent to clients (opaque to them; they send it back when they reconnect). */
export function encodeJournal(endCursor: string): string {
  return JSON.stringify({ localConvex: 1, endCursor });
}

/** The end cursor in a journal, or null if it is not one of ours. */
export function decodeJournal(journal: string): string | null {
  try {
    const parsed = JSON.parse(journal) as { localConvex?: number; endCursor?: unknown };
    return parsed.localConvex === 1 && typeof parsed.endCursor === "string" ? parsed.endCursor : null;
  } catch {
    return null;
  }
}
