/**
 * One WebSocket connection speaking the sync protocol of the official
 * `convex` client (see `protocol.ts`).
 *
 * Versions: the client's view is a StateVersion {querySet, identity, ts}.
 * `sent` is the last version this socket announced (the next Transition
 * must start exactly there); `received` counts the ModifyQuerySet and
 * Authenticate messages accepted so far; a Transition moves `sent` to
 * `received` at the timestamp of the hub's snapshot.
 *
 * Ordering:
 * - Messages are handled one at a time, in order (an Authenticate's token is
 *   verified before the next message is looked at).
 * - Mutations run one after another, in the order sent, with the identity
 *   current when they arrived; actions run at once, concurrently.
 * - After a successful MutationResponse with timestamp `ts`, a Transition
 *   with `endVersion.ts >= ts` always follows (the client resolves the
 *   mutation's promise only then): at the next hub flush, or at once when
 *   this socket is already past `ts`.
 * - Durability: every message waits, in order, for the durability barrier of
 *   the moment it is sent (`deps.durable`; a mutation's answer and a
 *   Transition, of their timestamp), so no answer or result reaches the
 *   client before the commits it reflects are on disk.
 *
 * Clients: the socket belongs to a client (`clients.ts`: its identity, or
 * its address signed out) once it authenticates, sends a query or a call, or
 * has been open `IDENTIFY_WITHIN_MS`; a socket that would take its client
 * past `MAX_SOCKETS_PER_CLIENT` is closed (1013, TooManySockets).
 *
 * Limits (`limits.ts`), each refusing only this client: a Transition is
 * built only when this socket has nothing unsent, or the output this socket
 * and its client have not read yet, plus its size, fits
 * `MAX_UNSENT_BYTES_PER_SOCKET` and the client's share (`Clients.mayQueue`);
 * until then its results coalesce to the newest. The
 * query results a socket holds add up to at most
 * `MAX_RESULT_BYTES_PER_SOCKET` (and its client's room): a query past it
 * gets QueryFailed (TooMuchData), which also bounds every Transition. At
 * most `MAX_QUERIES_PER_SOCKET` queries (more get QueryFailed), function names up
 * to `MAX_FUNCTION_NAME_LENGTH`, `MAX_PENDING_REQUESTS_PER_SESSION`
 * mutations and actions waiting for an answer (more are answered with an
 * error at once), frames read ahead only up to `inbound.ts`'s budget (then
 * reading pauses). Its frames are handled in turns (`turns.ts`) and its
 * transactions take turns with other clients' (`fairnessKey`: its client, see
 * `engine/gate.ts`). Refused requests are not kept in the mutation log.
 */
import type { UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import type { RawData, WebSocket } from "ws";
import { AuthFailure, type TokenVerifier } from "../auth";
import { clientKey, TRY_AGAIN_LATER, type Clients, type ClientSocket } from "../clients";
import type { CallOutcome, DurabilityBarrier, Engine } from "../engine/engine";
import { canonicalizeUdfPath, displayFunctionName } from "../engine/functionPath";
import {
  IDENTIFY_WITHIN_MS,
  MAX_PENDING_REQUESTS_PER_SESSION,
  MAX_QUERIES_PER_SOCKET,
  MAX_RESULT_BYTES_PER_SOCKET,
  MAX_UNSENT_BYTES_PER_SOCKET,
} from "../limits";
import { log } from "../log";
import { yieldIfBusy } from "../turns";
import { decodeInTurn, InboundQueue } from "./inbound";
import type { MutationLog, StoredResult } from "./mutationLog";
import {
  decodeU64,
  parseClientMessage,
  UnknownMessageType,
  serializeServerMessage,
  serializeTransition,
  type ClientMessage,
  type ServerMessage,
  type StateVersion,
} from "./protocol";
import {
  formatBytes,
  refusedSubscription,
  type SubscribeSpec,
  type Subscription,
  type SubscriptionHub,
  type SubscriptionUser,
} from "./subscriptions";

/** How often a slow reader's output is looked at again (it gets its Transition once under `MAX_UNSENT_BYTES_PER_SOCKET`). */
const SLOW_READER_RETRY_MS = 50;
/** A Transition's size besides its modifications' results (versions, framing), and each modification's besides its result: upper bounds. */
const TRANSITION_OVERHEAD_BYTES = 256;
const MODIFICATION_OVERHEAD_BYTES = 32;
/** A client may claim to have seen timestamps at most this far past our clock (ns). */
const MAX_CLOCK_SKEW_NS = 5n * 60n * 1_000_000_000n;

export type SessionDeps = {
  engine: Engine;
  hub: SubscriptionHub;
  verifier: TokenVerifier;
  mutations: MutationLog;
  request: { ip: string | null; userAgent: string | null };
  /** Whose this socket is, and what each client holds (sockets, unsent output, results). */
  clients: Clients;
  /** Resolves once every commit so far is durable. */
  durable: DurabilityBarrier;
};

/**
 * One of the client's queries: what it asked for, the subscription answering
 * it (or, when `refused`, a fixed error), the result it has.
 */
type Query = {
  spec: Omit<SubscribeSpec, "identity">;
  subscription: Subscription;
  sentText: string | null;
  refused: boolean;
};

export class SyncSession implements SubscriptionUser, ClientSocket {
  /** When it opened. */
  readonly openedAt = Date.now();
  /** When this socket last sent or received anything (for Pings and dead-peer checks). */
  lastSentAt = Date.now();
  lastReceivedAt = Date.now();

  private sessionId: string | null = null;
  private sent: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  private readonly received = { querySet: 0, identity: 0 };
  private identity: UserIdentity | null = null;
  private identityExpiry: ReturnType<typeof setTimeout> | null = null;
  private readonly queries = new Map<number, Query>();
  private removed: number[] = [];
  /** A mutation timestamp the client was told and no Transition has reached yet. */
  private owedTs: bigint | null = null;
  private inbox: Promise<void> = Promise.resolve();
  /** Frames received and not yet handled. */
  private readonly inbound: InboundQueue;
  /** A sync was skipped because frames were waiting: flush once they are handled. */
  private syncDeferred = false;
  private mutationChain: Promise<void> = Promise.resolve();
  /** Mutations and actions waiting for their answer. */
  private pendingRequests = 0;
  /** Queries with a subscription (refused ones do not count). */
  private subscribedQueries = 0;
  /** A planned look at a slow reader's output (`retrySyncLater`). */
  private syncRetry: ReturnType<typeof setTimeout> | null = null;
  /** Messages waiting for the durability barrier, in order; null when none is. */
  private outbox: Promise<void> | null = null;
  /** Output handed to the socket (or waiting in `outbox`) and not yet written out. */
  private unsentBytes = 0;
  /** When, unless it has by then, the socket is identified as its address's (`IDENTIFY_WITHIN_MS`). */
  private identifyTimer: ReturnType<typeof setTimeout> | null;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.inbound = new InboundQueue(ws);
    deps.hub.addUser(this);
    deps.clients.opened(this);
    this.identifyTimer = setTimeout(() => {
      this.identifyTimer = null;
      if (!this.closed && this.clientKey === null) this.identifyAs(null);
    }, IDENTIFY_WITHIN_MS);
    this.identifyTimer.unref();
    ws.on("message", (data, isBinary) => {
      this.lastReceivedAt = Date.now();
      if (isBinary) return this.fatal("Binary frames are not part of the protocol");
      const size = frameSize(data);
      this.inbound.add(size); // may stop reading the socket until it catches up
      this.inbox = this.inbox
        .then(() => yieldIfBusy())
        .then(() => (this.closed ? undefined : decodeInTurn(size, () => frameText(data))))
        .then((text) => (this.closed || text === undefined ? undefined : this.handle(text)))
        .catch((error: unknown) => this.fatal(`InternalError: ${(error as Error).message}`))
        .finally(() => {
          this.inbound.remove(size);
          if (this.syncDeferred && !this.inbound.waiting) {
            this.syncDeferred = false;
            this.deps.hub.requestFlush(); // the sync skipped while frames were waiting
          }
        });
    });
    ws.on("pong", () => (this.lastReceivedAt = Date.now()));
    ws.on("close", () => this.dispose());
    ws.on("error", () => this.dispose());
  }

  /** The peer's address. */
  get address(): string | null {
    return this.deps.request.ip;
  }

  /** The client this socket belongs to (null until identified). */
  get clientKey(): string | null {
    return this.deps.clients.keyOf(this);
  }

  /** Counts the socket as the client of `identity` (or its address's); false, and the socket closed, if that client is at its cap. */
  private identifyAs(identity: UserIdentity | null): boolean {
    const refusal = this.deps.clients.identify(this, clientKey(identity, this.address));
    if (refusal === null) return true;
    log.warn(`Closing a client connection: ${refusal}`);
    this.end(TRY_AGAIN_LATER, refusal);
    return false;
  }

  /** Ends the connection at once, with a close code and reason (a limit: the client may try again later). */
  end(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.dispose();
  }

  // ── Incoming ──────────────────────────────────────────────────────────────

  private async handle(text: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = parseClientMessage(text);
    } catch (error) {
      if (error instanceof UnknownMessageType) return log.warn(error.message);
      return this.fatal((error as Error).message);
    }
    if (message.type !== "Connect" && this.sessionId === null) return this.fatal("The first message must be Connect");
    // Using the backend signed out makes the socket its address's (signing in moves it to its user).
    const uses =
      message.type === "Mutation" ||
      message.type === "Action" ||
      (message.type === "ModifyQuerySet" && message.modifications.some((m) => m?.type === "Add"));
    if (uses && this.clientKey === null && !this.identifyAs(null)) return;
    try {
      switch (message.type) {
        case "Connect":
          return this.connect(message);
        case "Authenticate":
          return await this.authenticate(message);
        case "ModifyQuerySet":
          return this.modifyQuerySet(message);
        case "Mutation":
          return this.mutation(message);
        case "Action":
          return this.action(message);
        case "Event":
          return; // debug events: nothing to do
      }
    } catch (error) {
      this.fatal(`Malformed ${message.type}: ${(error as Error).message}`);
    }
  }

  private connect(message: Extract<ClientMessage, { type: "Connect" }>): void {
    this.sessionId = message.sessionId;
    if (message.maxObservedTimestamp === undefined) return;
    // Keep every timestamp we send at or past what the client saw (e.g. from
    // before a restart with an older data file), unless its clock is absurd.
    const observed = decodeU64(message.maxObservedTimestamp);
    const now = BigInt(Date.now()) * 1_000_000n;
    if (observed <= now + MAX_CLOCK_SKEW_NS) this.deps.engine.advanceTsTo(observed);
  }

  private async authenticate(message: Extract<ClientMessage, { type: "Authenticate" }>): Promise<void> {
    if (message.baseVersion !== this.received.identity) {
      return this.fatal(
        `BaseVersionMismatch: Authenticate baseVersion ${message.baseVersion}, expected ${this.received.identity}`,
      );
    }
    let identity: UserIdentity | null = null;
    let expiresAt: number | null = null;
    if (message.tokenType === "Admin") {
      return this.authError("InvalidAuthHeader: local-convex does not accept admin keys.", message.baseVersion, true);
    }
    if (message.tokenType === "User") {
      try {
        ({ identity, expiresAt } = await this.deps.verifier.verify(message.value ?? ""));
      } catch (error) {
        const text = error instanceof AuthFailure ? error.message : `InternalError: ${(error as Error).message}`;
        return this.authError(text, message.baseVersion, true);
      }
    }
    if (this.closed || !this.identifyAs(identity)) return;
    this.received.identity = message.baseVersion + 1;
    this.setIdentity(identity, expiresAt);
    this.deps.hub.requestFlush();
  }

  /** Switches the identity: every query is subscribed again under the new one. */
  private setIdentity(identity: UserIdentity | null, expiresAt: number | null): void {
    this.identity = identity;
    if (this.identityExpiry) clearTimeout(this.identityExpiry);
    this.identityExpiry = null;
    if (expiresAt !== null) {
      const expiry = setTimeout(
        () => {
          if (this.identity === identity) this.authError("InvalidAuthHeader: Token expired", this.sent.identity, false);
        },
        Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1),
      );
      expiry.unref();
      this.identityExpiry = expiry;
    }
    for (const query of this.queries.values()) {
      if (query.refused) continue;
      const next = this.deps.hub.acquire({ ...query.spec, identity });
      this.deps.hub.release(query.subscription);
      query.subscription = next;
      query.sentText = null;
    }
  }

  private modifyQuerySet(message: Extract<ClientMessage, { type: "ModifyQuerySet" }>): void {
    if (message.baseVersion !== this.received.querySet || message.newVersion <= message.baseVersion) {
      return this.fatal(
        `BaseVersionMismatch: ModifyQuerySet ${message.baseVersion}→${message.newVersion}, expected base ${this.received.querySet}`,
      );
    }
    for (const modification of message.modifications) {
      if (modification.type === "Add") {
        if (this.queries.has(modification.queryId)) return this.fatal(`Query ${modification.queryId} was added twice`);
        const udfPath = functionPathOf(modification);
        const refusal =
          this.deps.engine.refusal(udfPath, "query", "client") ??
          (this.subscribedQueries >= MAX_QUERIES_PER_SOCKET
            ? `TooManyQueries: this client already has ${MAX_QUERIES_PER_SOCKET} queries subscribed; remove some before adding more.`
            : null);
        if (refusal !== null) {
          const spec = { udfPath: displayFunctionName(udfPath), args: {}, argsJson: "{}", journal: null };
          this.queries.set(modification.queryId, {
            spec,
            subscription: refusedSubscription(refusal),
            sentText: null,
            refused: true,
          });
        } else {
          const spec = {
            udfPath,
            args: decodeArgs(modification.args),
            argsJson: JSON.stringify(modification.args[0] ?? {}),
            journal: modification.journal ?? null,
          };
          const subscription = this.deps.hub.acquire({ ...spec, identity: this.identity });
          this.queries.set(modification.queryId, { spec, subscription, sentText: null, refused: false });
          this.subscribedQueries++;
        }
        this.removed = this.removed.filter((id) => id !== modification.queryId);
      } else if (modification.type === "Remove") {
        const query = this.queries.get(modification.queryId);
        if (!query) continue;
        this.forget(query);
        this.queries.delete(modification.queryId);
        this.removed.push(modification.queryId);
      } else {
        return this.fatal(`Unknown query set modification`);
      }
    }
    this.received.querySet = message.newVersion;
    this.deps.hub.requestFlush();
  }

  /** Releases a query's subscription (refused queries have none). */
  private forget(query: Query): void {
    if (query.refused) return;
    this.deps.hub.release(query.subscription);
    this.subscribedQueries--;
  }

  /** Why a Mutation or Action is not run at all (null: it is), without touching the mutation log. */
  private requestRefusal(
    message: Extract<ClientMessage, { type: "Mutation" | "Action" }>,
    kind: "mutation" | "action",
  ): string | null {
    if (this.pendingRequests >= MAX_PENDING_REQUESTS_PER_SESSION) {
      return `TooManyPendingRequests: this client already has ${MAX_PENDING_REQUESTS_PER_SESSION} mutations and actions waiting for an answer.`;
    }
    return this.deps.engine.refusal(functionPathOf(message), kind, "client");
  }

  private mutation(message: Extract<ClientMessage, { type: "Mutation" }>): void {
    const identity = this.identity;
    const caller = identity?.tokenIdentifier ?? null;
    const sessionId = this.sessionId!;
    // A re-sent request is answered from the log (only to its caller), whatever has changed since.
    const refusal = this.deps.mutations.has(sessionId, message.requestId, caller)
      ? null
      : this.requestRefusal(message, "mutation");
    if (refusal !== null) {
      return this.send({
        type: "MutationResponse",
        requestId: message.requestId,
        success: false,
        result: refusal,
        logLines: [],
      });
    }
    this.pendingRequests++;
    const run = async () => {
      const result = await this.deps.mutations
        .run(sessionId, message.requestId, caller, async () =>
          toStored(await this.callFunction(message, "mutation", identity)),
        )
        .finally(() => this.pendingRequests--);
      if (this.closed) return; // the client re-sends it on its next connection
      this.send(
        result.success
          ? {
              type: "MutationResponse",
              requestId: message.requestId,
              success: true,
              result: result.value,
              ts: BigInt(result.ts),
              logLines: result.logLines,
            }
          : {
              type: "MutationResponse",
              requestId: message.requestId,
              success: false,
              result: result.errorMessage,
              logLines: result.logLines,
              ...(result.errorData !== undefined ? { errorData: result.errorData } : {}),
            },
      );
      if (result.success) this.owe(BigInt(result.ts));
    };
    this.mutationChain = this.mutationChain.then(run).catch((error) => log.error("Could not answer a mutation", error));
  }

  private action(message: Extract<ClientMessage, { type: "Action" }>): void {
    const refusal = this.requestRefusal(message, "action");
    if (refusal !== null) {
      return this.send({
        type: "ActionResponse",
        requestId: message.requestId,
        success: false,
        result: refusal,
        logLines: [],
      });
    }
    this.pendingRequests++;
    void this.callFunction(message, "action", this.identity).then((outcome) => {
      this.pendingRequests--;
      // A client whose socket closed meanwhile has failed the action itself.
      if (this.closed) return;
      const logLines = outcome.logLines;
      this.send(
        outcome.ok
          ? {
              type: "ActionResponse",
              requestId: message.requestId,
              success: true,
              result: convexToJson(outcome.value),
              logLines,
            }
          : {
              type: "ActionResponse",
              requestId: message.requestId,
              success: false,
              result: outcome.errorMessage,
              logLines,
              ...(outcome.errorData !== undefined ? { errorData: convexToJson(outcome.errorData) } : {}),
            },
      );
    });
  }

  private async callFunction(
    message: Extract<ClientMessage, { type: "Mutation" | "Action" }>,
    kind: "mutation" | "action",
    identity: UserIdentity | null,
  ): Promise<CallOutcome> {
    let args: Record<string, Value>;
    try {
      args = decodeArgs(message.args);
    } catch (error) {
      return {
        ok: false,
        errorMessage: `Invalid arguments: ${(error as Error).message}`,
        expected: false,
        logLines: [],
        durationMs: 0,
      };
    }
    return await this.deps.engine.call({
      udfPath: functionPathOf(message),
      args,
      kind,
      identity,
      caller: "client",
      origin: "ws",
      request: this.deps.request,
      fairnessKey: this.clientKey ?? clientKey(null, this.address),
      ...(kind === "mutation"
        ? {
            requestKey: {
              sessionId: this.sessionId!,
              requestId: message.requestId,
              caller: identity?.tokenIdentifier ?? null,
            },
          }
        : {}),
    });
  }

  // ── Outgoing ──────────────────────────────────────────────────────────────

  /** Called by the hub after each flush: one Transition with whatever changed for this socket. */
  sync(ts: bigint): void {
    if (this.closed || this.sessionId === null) return;
    this.holdResults(); // also mid-way, so results too big for this socket are let go at once
    // Frames still to handle change what this socket should get: sync once they are handled.
    if (this.inbound.waiting) return void (this.syncDeferred = true);
    // Wait until every query has an up-to-date result, so the Transition is complete and at one snapshot.
    for (const query of this.queries.values())
      if (query.subscription.resultText === null || query.subscription.stale) return;
    const changed = [...this.queries].filter(([, query]) => query.sentText !== query.subscription.resultText);
    const versionChanged =
      this.received.querySet !== this.sent.querySet || this.received.identity !== this.sent.identity;
    const owed = this.owedTs !== null && this.owedTs <= ts;
    if (changed.length === 0 && this.removed.length === 0 && !versionChanged && !owed) return;
    // Its size, before building it: sent only if it fits what this socket and its client may have unread.
    const size =
      TRANSITION_OVERHEAD_BYTES +
      MODIFICATION_OVERHEAD_BYTES * (changed.length + this.removed.length) +
      changed.reduce((sum, [, query]) => sum + query.subscription.resultBytes, 0);
    // (Nothing unsent: one Transition, which the results it holds bound, so a socket that reads is never held back.)
    const fits =
      this.unsentBytes === 0 ||
      (this.unsentBytes + size <= MAX_UNSENT_BYTES_PER_SOCKET && this.deps.clients.mayQueue(this.accountKey(), size));
    if (!fits) return this.retrySyncLater();
    const modifications = this.removed.map((queryId) => JSON.stringify({ type: "QueryRemoved", queryId }));
    for (const [queryId, query] of changed) {
      modifications.push(query.subscription.modificationText(queryId));
      query.sentText = query.subscription.resultText;
    }
    this.removed = [];
    this.transition({ ...this.received, ts: ts > this.sent.ts ? ts : this.sent.ts }, modifications);
  }

  /**
   * Keeps the query results this socket holds within its share
   * (`MAX_RESULT_BYTES_PER_SOCKET`, and what its client has room for),
   * queries first added first: a query whose result would take it past gets
   * a QueryFailed instead (on this socket only; subscribing it again tries again).
   */
  private holdResults(): void {
    const clientRoom = this.deps.clients.resultRoom(this);
    const room = Math.min(MAX_RESULT_BYTES_PER_SOCKET, clientRoom);
    let held = 0;
    for (const [queryId, query] of this.queries) {
      const bytes = query.subscription.resultBytes;
      if (query.refused || held + bytes <= room) {
        held += bytes;
        continue;
      }
      const whose =
        clientRoom < MAX_RESULT_BYTES_PER_SOCKET
          ? `this client's connections hold past ${formatBytes(clientRoom + held)}`
          : `this connection holds past ${formatBytes(MAX_RESULT_BYTES_PER_SOCKET)}`;
      this.forget(query);
      const refusal = refusedSubscription(
        `TooMuchData: this query's result (${formatBytes(bytes)}) would take the results ${whose}. Unsubscribe some queries.`,
      );
      this.queries.set(queryId, { spec: query.spec, subscription: refusal, sentText: null, refused: true });
      held += refusal.resultBytes;
    }
    this.deps.clients.setResultBytes(this, held);
  }

  /** The client whose output this socket's is (its address's until it is identified). */
  private accountKey(): string {
    return this.clientKey ?? clientKey(null, this.address);
  }

  /** A client that reads slowly: look again once it may have caught up. */
  private retrySyncLater(): void {
    if (this.syncRetry) return;
    this.syncRetry = setTimeout(() => {
      this.syncRetry = null;
      if (!this.closed) this.deps.hub.requestFlush();
    }, SLOW_READER_RETRY_MS);
  }

  /** The subscriptions its queries use (for the hub's rounds). */
  *subscriptions(): Generator<Subscription> {
    for (const query of this.queries.values()) if (!query.refused) yield query.subscription;
  }

  /** After a MutationResponse at `ts`: make sure a Transition reaching `ts` follows it. */
  private owe(ts: bigint): void {
    if (this.sent.ts >= ts) {
      this.transition(this.sent, []); // the client already has a later state; confirm it
    } else {
      this.owedTs = this.owedTs !== null && this.owedTs > ts ? this.owedTs : ts;
      this.deps.hub.requestFlush();
    }
  }

  /** A Transition from the last version sent to `endVersion`, with these modifications (JSON texts, as of `endVersion.ts`). */
  private transition(endVersion: StateVersion, modifications: string[]): void {
    this.sendText(serializeTransition(this.sent, endVersion, modifications), endVersion.ts);
    this.sent = endVersion;
    if (this.owedTs !== null && this.owedTs <= endVersion.ts) this.owedTs = null;
  }

  /** Sends a Ping if nothing was sent for `idleMs` (the client reconnects after 60 s of silence). */
  keepAlive(idleMs: number): void {
    if (!this.closed && Date.now() - this.lastSentAt >= idleMs) this.send({ type: "Ping" });
  }

  private send(message: ServerMessage): void {
    // A successful mutation's answer reflects the database as of its commit; anything else, as of now.
    const asOf = message.type === "MutationResponse" && message.success ? message.ts : undefined;
    this.sendText(serializeServerMessage(message), asOf);
  }

  /**
   * Sends a message's text, after the messages sent before it, once every
   * commit it can reflect is durable: up to `asOf` (a timestamp), or all so far.
   */
  private sendText(text: string, asOf?: bigint): void {
    if (this.closed) return;
    this.lastSentAt = Date.now();
    // Counted as unsent from now until written out (also while it waits for durability).
    const data = Buffer.from(text, "utf8");
    const key = this.accountKey();
    this.unsentBytes += data.length;
    this.deps.clients.addUnsent(key, data.length);
    const send = () =>
      this.ws.send(data, { binary: false }, () => {
        this.unsentBytes -= data.length;
        this.deps.clients.addUnsent(key, -data.length);
      });
    const durable = this.deps.durable(asOf);
    if (!durable && !this.outbox) return send();
    this.afterOutbox(async () => {
      await durable;
      send();
    });
  }

  /** Runs `step` once the messages queued so far are sent; a durability failure ends the connection instead. */
  private afterOutbox(step: () => void | Promise<void>): void {
    const next = (this.outbox ?? Promise.resolve()).then(step).catch((error: unknown) => {
      log.error(`Closing a client connection: ${(error as Error).message}`);
      this.ws.terminate();
      this.dispose();
    });
    this.outbox = next;
    void next.finally(() => {
      if (this.outbox === next) this.outbox = null;
    });
  }

  /** Refuses a token: AuthError, then close (the client fetches a new token and reconnects). */
  private authError(error: string, baseVersion: number, authUpdateAttempted: boolean): void {
    log.warn(`Auth refused for a client: ${error}`);
    this.send({ type: "AuthError", error, baseVersion, authUpdateAttempted });
    this.close();
  }

  /** A protocol violation: FatalError, then close (the client does not reconnect). */
  private fatal(error: string): void {
    log.warn(`Closing a client connection: ${error}`);
    this.send({ type: "FatalError", error });
    this.close();
  }

  /** Closes the connection (`code` for shutdown; none, as the backend does, after errors). */
  close(code?: number, reason?: string): void {
    if (this.closed) return;
    if (this.outbox) this.afterOutbox(() => this.ws.close(code, reason));
    else this.ws.close(code, reason);
    this.dispose();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.clients.closed(this);
    if (this.identifyTimer) clearTimeout(this.identifyTimer);
    this.inbound.close();
    if (this.syncRetry) clearTimeout(this.syncRetry);
    if (this.identityExpiry) clearTimeout(this.identityExpiry);
    for (const query of this.queries.values()) this.forget(query);
    this.queries.clear();
    this.deps.hub.removeUser(this);
  }

  /** Ends a connection that has been silent (no message, no pong) for too long. */
  terminateIfSilent(maxSilenceMs: number): void {
    if (!this.closed && Date.now() - this.lastReceivedAt > maxSilenceMs) {
      this.ws.terminate();
      this.dispose();
    } else if (!this.closed) {
      this.ws.ping();
    }
  }
}

/** The size of a WebSocket frame's data. */
function frameSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** The text of a WebSocket frame. */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString("utf8");
}

/** The function a query, mutation or action names, canonical when it can be. */
function functionPathOf(request: { udfPath: string; componentPath?: string }): string {
  let udfPath = request.udfPath;
  try {
    udfPath = canonicalizeUdfPath(udfPath);
  } catch {
    // reported by the engine's refusal ("Could not find public function", "Function name too long")
  }
  // componentPath is for admin clients only: such a path names no function.
  return request.componentPath ? `${request.componentPath}/${udfPath}` : udfPath;
}

function decodeArgs(args: JSONValue[]): Record<string, Value> {
  const decoded = jsonToConvex(args[0] ?? {});
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded) || decoded instanceof ArrayBuffer) {
    throw new Error("arguments must be an object");
  }
  return decoded as Record<string, Value>;
}

function toStored(outcome: CallOutcome): StoredResult {
  if (outcome.ok) {
    return {
      success: true,
      value: convexToJson(outcome.value),
      ts: String(outcome.ts ?? 0n),
      logLines: outcome.logLines,
    };
  }
  return {
    success: false,
    errorMessage: outcome.errorMessage,
    ...(outcome.errorData !== undefined ? { errorData: convexToJson(outcome.errorData) } : {}),
    logLines: outcome.logLines,
  };
}
