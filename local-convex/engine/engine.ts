/**
 * The function runtime: the app's `convex/` modules, schema and components
 * in one convex-test instance, plus what a backend needs around it:
 *
 * - a registry of the functions (kind, public or internal), built by
 *   importing every function module at startup (so a broken module fails
 *   the start, as a failed push would);
 * - `call()`: runs one function for a client, a cron or a subscription, with
 *   an identity, and returns its value or error, its log lines, its commit
 *   timestamp (mutations) and what it read (queries);
 * - commit notifications (with what the journal needs to answer a client's
 *   re-sent mutation), snapshot-consistent groups of queries
 *   (`runExclusive`), and access to the stored documents for persistence
 *   and the scheduler;
 * - fair turns at the database: each call names whose turn it is (its
 *   client, `clients.ts`; `gate.ts` serves them round-robin), and what it
 *   starts (scheduled functions, an action's mutations) inherits it;
 * - where commits are saved: a recorder (the journal) hears of each commit
 *   first and may undo it (`setCommitRecorder`: while the disk is full);
 * - durability for actions: an action's `ctx.runMutation` (and scheduler
 *   calls) return only once the durability barrier (`setDurabilityBarrier`,
 *   the journal's fsync) says the commit is on disk;
 * - scheduled functions start only when one of `scheduledSlots` is free
 *   (`scheduledSlots.ts`: at most N at once, as on Convex).
 *
 * Requires the loader hook of `convexTestHook.ts` (see `cli.ts`).
 */
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { convexTest } from "convex-test";
import { makeFunctionReference, type GenericSchema, type SchemaDefinition, type UserIdentity } from "convex/server";
import { convexToJson, type JSONValue, type Value } from "convex/values";
import { MAX_FUNCTION_NAME_LENGTH } from "../limits";
import { formatLogLine, log } from "../log";
import { discoverComponents } from "./components";
import {
  convexTestInternals,
  type ConvexGlobal,
  type DatabaseFake,
  type Doc,
  type ScheduledFunctionStart,
} from "./convexTestInternals";
import { displayFunctionName, functionNameTooLong } from "./functionPath";
import { TransactionGate } from "./gate";
import { DEFAULT_MAX_SCHEDULED_CONCURRENCY, ScheduledSlots, type SlotRequest } from "./scheduledSlots";
import { StatsRecorder, type BackendStats } from "./backendStats";
import { convexTestModuleMap, findFunctionModules, importFile, type ModuleFile } from "./modules";
import {
  buildSortedIndexes,
  CommitNotSaved,
  documentsByTable,
  installPatches,
  ReadSet,
  resetDocumentsByTable,
  writeAffects,
  type JournalSlot,
  type TransactionUsage,
  type Write,
} from "./patches";

export type FunctionKind = "query" | "mutation" | "action";
export type FunctionInfo = { kind: FunctionKind; isPublic: boolean };

export type CallRequest = {
  /** Canonical path, `"module/path:export"`. */
  udfPath: string;
  args: Record<string, Value>;
  /** The kind the caller expects (`/api/query` etc.); undefined accepts any. */
  kind?: FunctionKind;
  identity: UserIdentity | null;
  /** Clients may only call public functions; the server (crons) may call any. */
  caller: "client" | "server";
  /** For logs: "ws", "http", "cron", "subscription"... */
  origin: string;
  request?: { ip: string | null; userAgent: string | null };
  /** Queries: record what they read (for re-running subscriptions). */
  trackReads?: boolean;
  /** Subscribed paginated queries: the page boundary of earlier runs. */
  journal?: JournalSlot;
  /** Whether to log the call (default: always). */
  shouldLog?: (outcome: CallOutcome) => boolean;
  /** A client's mutation: its (session, request id), recorded with its commit (see `Commit`). */
  requestKey?: RequestKey;
  /** Whose turn the call's transactions take (see `gate.ts`). Default: the key of the call that started it, or "server". */
  fairnessKey?: string;
};

/** Called after each commit with its timestamp and writes (and both, with more, as `commit`). */
export type CommitListener = (ts: bigint, writes: Write[], commit: Commit) => void;

/** A request of a client session, and who made it (the tokenIdentifier, null signed out). */
export type RequestKey = { sessionId: string; requestId: number; caller: string | null };

/** A committed top-level transaction. */
export type Commit = {
  /** Its timestamp (Unix ns). */
  ts: bigint;
  writes: Write[];
  /** When it is the commit of a client's mutation (with a `requestKey`): the result the client gets. */
  clientMutation?: RequestKey & { value: JSONValue; logLines: string[] };
};

export type CallOutcome = (
  { ok: true; value: Value } | { ok: false; errorMessage: string; errorData?: Value; expected: boolean }
) & {
  logLines: string[];
  durationMs: number;
  /** Mutations: the commit timestamp. */
  ts?: bigint;
  /** Queries with `trackReads`: what they read. */
  reads?: ReadSet;
  /** Queries and mutations: what their transaction read and wrote. */
  usage?: TransactionUsage;
};

/** Transactions run since the engine started (or `resetUsage`), and what they read and wrote. */
export type UsageTotals = {
  /** Transactions that committed: mutations, and convex-test's own scheduler
   * bookkeeping (a scheduled function's state changes), which a meter of app
   * work should leave out (see `bench/run.ts`). */
  committed: number;
  /** Queries, and mutations that failed. */
  rolledBack: number;
  documentsRead: number;
  bytesRead: number;
  documentsWritten: number;
  bytesWritten: number;
  /** The most documents one transaction read, and wrote. */
  maxDocumentsRead: number;
  maxDocumentsWritten: number;
};

const NO_USAGE: UsageTotals = {
  committed: 0,
  rolledBack: 0,
  documentsRead: 0,
  bytesRead: 0,
  documentsWritten: 0,
  bytesWritten: 0,
  maxDocumentsRead: 0,
  maxDocumentsWritten: 0,
};

/** The stored state of one component (the root app is `""`). */
export type ComponentState = {
  path: string;
  nextDocId: number;
  lastCreationTime: number;
  /** `schemaFingerprint` when the documents were saved (null: unknown). */
  schemaFingerprint: string | null;
  documents: Doc[];
};

export type EngineOptions = {
  /** The app's root directory (with `convex/` and `node_modules/`). */
  projectDir: string;
  /** Enforce Convex's per-transaction limits (reads, writes, scheduled functions). Default true. */
  transactionLimits?: boolean;
  /** How many scheduled functions and cron runs may run at once (default `DEFAULT_MAX_SCHEDULED_CONCURRENCY`). */
  maxScheduledConcurrency?: number;
};

type CallContext = {
  udfPath: string;
  kind: FunctionKind;
  requestKey: RequestKey | undefined;
  fairnessKey: string;
  /** What the mutation's handler returned (set before its commit). */
  returned: { value: Value } | undefined;
  logLines: string[];
  /** False once the call returned: later output (e.g. of functions it scheduled) is not its own. */
  open: boolean;
  reads: ReadSet | undefined;
  journal: JournalSlot | undefined;
  commitTs: bigint | undefined;
  usage: TransactionUsage | undefined;
};

type ConvexTestInstance = ReturnType<typeof convexTest>;
type Accessor = Pick<ConvexTestInstance, "query" | "mutation" | "action">;

const CONSOLE_LEVELS = ["log", "info", "warn", "error", "debug"] as const;
/** Node's longest timer (~24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The turn of calls no client made (crons, startup work). */
const SERVER_KEY = "server";

/**
 * Whether a durable copy of every commit so far (with `ts`: up to that
 * timestamp) exists: undefined if yes, now; otherwise a promise that settles
 * once it does.
 */
export type DurabilityBarrier = (ts?: bigint) => Promise<void> | undefined;

/** The action context members that commit, as convex-test gives them to handlers. */
type ActionCtxLike = {
  runMutation: (reference: unknown, args: unknown) => Promise<unknown>;
  scheduler?: Record<"runAfter" | "runAt" | "cancel", (...args: unknown[]) => Promise<unknown>>;
};

export class Engine {
  readonly projectDir: string;
  readonly convexDir: string;
  private readonly internals = convexTestInternals();
  private readonly calls = new AsyncLocalStorage<CallContext>();
  private readonly gate = new TransactionGate();
  /** The slots scheduled functions and cron runs share (`scheduledSlots.ts`). */
  readonly scheduledSlots: ScheduledSlots;
  private readonly commitListeners = new Set<CommitListener>();
  /** Executions per function and the scheduler's start delays (`backendStats.ts`). */
  private readonly recorder = new StatsRecorder();
  private durabilityBarrier: DurabilityBarrier = () => undefined;
  private commitGuard: () => Error | null = () => null;
  private commitRecorder: (commit: Commit) => void = () => {};
  private totals: UsageTotals = { ...NO_USAGE };
  /** componentPath → udfPath → info. */
  private readonly functions = new Map<string, Map<string, FunctionInfo>>();
  private readonly fingerprints = new Map<string, string>();
  private t!: ConvexTestInstance;
  private convex!: ConvexGlobal;

  private constructor(options: EngineOptions) {
    this.projectDir = path.resolve(options.projectDir);
    this.convexDir = path.join(this.projectDir, "convex");
    this.scheduledSlots = new ScheduledSlots(
      options.maxScheduledConcurrency ?? DEFAULT_MAX_SCHEDULED_CONCURRENCY,
      undefined,
      undefined,
      (name, delayMs) => this.recorder.started(name, delayMs),
    );
  }

  /** Loads the app in `options.projectDir` and returns a ready engine. */
  static async load(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.init(options.transactionLimits ?? true);
    return engine;
  }

  private async init(transactionLimits: boolean): Promise<void> {
    if (!existsSync(this.convexDir)) throw new Error(`No convex/ directory in ${this.projectDir}`);
    const modules = findFunctionModules(this.convexDir);
    this.functions.set("", await registerFunctions(modules, this.convexDir));
    await this.wrapHandlers(modules);
    const schema = await importDefault(path.join(this.convexDir, "schema.ts"), path.join(this.convexDir, "schema.js"));
    this.t = convexTest({
      schema: schema as SchemaDefinition<GenericSchema, boolean> | undefined,
      modules: convexTestModuleMap(this.convexDir, modules),
      transactionLimits,
    });

    const appConfig = ["convex.config.ts", "convex.config.js"]
      .map((f) => path.join(this.convexDir, f))
      .find(existsSync);
    for (const component of appConfig ? discoverComponents(appConfig) : []) {
      const componentModules = findFunctionModules(component.dir);
      this.functions.set(component.path, await registerFunctions(componentModules, component.dir));
      const componentSchema = component.schemaFile ? await importDefault(component.schemaFile) : null;
      this.t.registerComponent(
        component.path,
        componentSchema as SchemaDefinition<GenericSchema, boolean>,
        convexTestModuleMap(component.dir, componentModules),
      );
    }

    const emitCommit = AsyncResource.bind((commit: Commit) => {
      for (const listener of this.commitListeners) listener(commit.ts, commit.writes, commit);
    });
    installPatches(this.internals, {
      beforeCommit: () => {
        const refusal = this.commitGuard();
        if (refusal) throw refusal;
      },
      committed: (ts, writes) => {
        const call = this.calls.getStore();
        let clientMutation: Commit["clientMutation"];
        if (call?.open && call.commitTs === undefined) {
          call.commitTs = ts;
          clientMutation = this.clientMutationResult(call);
        }
        const commit = { ts, writes, ...(clientMutation ? { clientMutation } : {}) };
        try {
          this.commitRecorder(commit);
        } catch (error) {
          throw new CommitNotSaved(error as Error);
        }
        emitCommit(commit);
      },
      readSet: () => this.calls.getStore()?.reads,
      journalSlot: () => {
        const call = this.calls.getStore();
        if (!call?.journal) return undefined;
        const running = this.internals.executionContextStorage.getStore();
        return running?.depth === 1 && running.udfPath === call.udfPath ? call.journal : undefined;
      },
      beforeTransaction: () => this.gate.admit(this.calls.getStore()?.fairnessKey ?? SERVER_KEY),
      afterTransaction: () => this.gate.release(),
      transactionEnded: ({ committed, usage }) => this.countTransaction(committed, usage),
    });
    this.internals.setScheduledFunctionRunner((job, start) =>
      this.scheduledSlots.run(slotRequest(job), () => start(job)),
    );
    // convex-test keeps its state in an AsyncLocalStorage; read it from inside a (read-only) call.
    await this.t.query(() => {
      this.convex = this.internals.getConvexGlobal();
      return Promise.resolve(null);
    });
    this.captureFunctionConsole();
  }

  // ── Functions ─────────────────────────────────────────────────────────────

  /** The function at `udfPath` of component `componentPath`, if there is one. */
  functionInfo(udfPath: string, componentPath = ""): FunctionInfo | undefined {
    return this.functions.get(componentPath)?.get(udfPath);
  }

  /** The public functions of the app, by path (for the startup summary). */
  publicFunctions(): string[] {
    return [...(this.functions.get("")?.entries() ?? [])].filter(([, info]) => info.isPublic).map(([p]) => p);
  }

  /**
   * Why `caller` may not call `udfPath` as `kind` (undefined: any kind), or
   * null if it may. Cheap (no transaction): checked before a call is queued.
   * The messages quote the name shortened (`displayFunctionName`).
   */
  refusal(udfPath: string, kind: FunctionKind | undefined, caller: CallRequest["caller"]): string | null {
    if (udfPath.length > MAX_FUNCTION_NAME_LENGTH) return functionNameTooLong(udfPath);
    const info = this.functionInfo(udfPath);
    // Internal functions are invisible to clients, as on Convex.
    if (!info || (caller === "client" && !info.isPublic)) {
      return `Could not find public function for '${displayFunctionName(udfPath)}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`;
    }
    if (kind && info.kind !== kind)
      return `Trying to execute ${displayFunctionName(udfPath)} as ${title(kind)}, but it is defined as ${title(info.kind)}.`;
    return null;
  }

  /** Runs one function of the app. Never throws: failures are outcomes. */
  async call(request: CallRequest): Promise<CallOutcome> {
    const started = performance.now();
    const { udfPath } = request;
    const refusal = this.refusal(udfPath, request.kind, request.caller);
    if (refusal !== null) return this.refuse(request, refusal);
    const info = this.functionInfo(udfPath)!;

    const context: CallContext = {
      udfPath,
      kind: info.kind,
      requestKey: info.kind === "mutation" ? request.requestKey : undefined,
      fairnessKey: request.fairnessKey ?? this.calls.getStore()?.fairnessKey ?? SERVER_KEY,
      returned: undefined,
      logLines: [],
      open: true,
      reads: request.trackReads ? new ReadSet() : undefined,
      journal: request.journal,
      commitTs: undefined,
      usage: undefined,
    };
    let result: { ok: true; value: Value } | { ok: false; errorMessage: string; errorData?: Value; expected: boolean };
    try {
      const run = this.accessor(request)[info.kind] as (fn: unknown, args: unknown) => Promise<Value>;
      const value = await this.calls.run(context, () => run(makeFunctionReference(udfPath), request.args));
      result = { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      result = { ok: false, ...this.describeError(error) };
    } finally {
      context.open = false;
    }
    const outcome: CallOutcome = {
      ...result,
      logLines: context.logLines,
      durationMs: performance.now() - started,
      ...(info.kind === "mutation" && result.ok && context.commitTs !== undefined ? { ts: context.commitTs } : {}),
      ...(context.reads ? { reads: context.reads } : {}),
      ...(context.usage ? { usage: context.usage } : {}),
    };
    this.logCall(request, info.kind, outcome);
    return outcome;
  }

  private refuse(request: CallRequest, errorMessage: string): CallOutcome {
    const outcome: CallOutcome = { ok: false, errorMessage, expected: false, logLines: [], durationMs: 0 };
    this.logCall(request, request.kind ?? "query", outcome);
    return outcome;
  }

  private accessor(request: CallRequest): Accessor {
    const base = request.identity ? this.t.withIdentity(request.identity) : this.t;
    const meta = request.request;
    return meta ? base.withRequestMetadata({ ip: meta.ip ?? undefined, userAgent: meta.userAgent ?? undefined }) : base;
  }

  private logCall(request: CallRequest, kind: FunctionKind, outcome: CallOutcome): void {
    if (request.shouldLog && !request.shouldLog(outcome)) return;
    log.call({
      kind,
      udfPath: displayFunctionName(request.udfPath),
      origin: request.origin,
      durationMs: outcome.durationMs,
      ...(outcome.ok ? {} : { error: outcome.errorMessage, expected: outcome.expected }),
    });
  }

  /** Message and ConvexError data as a Convex backend reports them to clients. */
  private describeError(error: unknown): { errorMessage: string; errorData?: Value; expected: boolean } {
    if (typeof error === "object" && error !== null && Symbol.for("ConvexError") in error) {
      const convexError = error as Error & { data: Value };
      return {
        errorMessage: `Uncaught ConvexError: ${convexError.message}${this.userFrames(convexError.stack)}`,
        errorData: convexError.data,
        expected: true,
      };
    }
    if (error instanceof Error) {
      return {
        errorMessage: `Uncaught ${error.name}: ${error.message}${this.userFrames(error.stack)}`,
        expected: false,
      };
    }
    return { errorMessage: `Uncaught ${inspect(error)}`, expected: false };
  }

  /** The stack frames inside the app's functions directory, written as the backend writes them. */
  private userFrames(stack: string | undefined): string {
    if (!stack) return "";
    const frames = stack
      .split("\n")
      .filter((line) => /^\s+at /.test(line) && line.includes(this.convexDir + path.sep))
      .slice(0, 10)
      .map(
        (line) =>
          `    ${line
            .trim()
            .replace(pathToFileURL(this.convexDir).href + "/", "../convex/")
            .replace(this.convexDir + path.sep, "../convex/")}`,
      );
    return frames.length > 0 ? `\n${frames.join("\n")}` : "";
  }

  /** Sends the functions' `console.*` to their call's log lines and to the terminal. */
  private captureFunctionConsole(): void {
    const realConsole = globalThis.console;
    const wrapped = Object.create(realConsole) as Console;
    for (const level of CONSOLE_LEVELS) {
      wrapped[level] = (...args: unknown[]) => {
        const running = this.internals.executionContextStorage.getStore();
        // convex-test reports a failed scheduled function from outside the function.
        const fromScheduler =
          typeof args[0] === "string" && args[0].startsWith("Error when running scheduled function");
        if (!running || fromScheduler) return void realConsole[level](...args);
        const call = this.calls.getStore();
        if (call?.open && running.depth === 1 && running.componentPath === "" && running.udfPath === call.udfPath) {
          call.logLines.push(formatLogLine(level, args));
        }
        const where = running.componentPath ? `${running.componentPath}/${running.udfPath}` : running.udfPath;
        log.functionConsole(level, where, args);
      };
    }
    globalThis.console = wrapped;
  }

  // ── Transactions and commits ──────────────────────────────────────────────

  /** How many times each of the app's functions ran, how late scheduled ones started, and peak memory. */
  stats(): BackendStats {
    return this.recorder.read();
  }

  /** What every transaction since the start (or the last `resetUsage`) read and wrote: the benchmark's meter. */
  usage(): UsageTotals {
    return { ...this.totals };
  }

  resetUsage(): void {
    this.totals = { ...NO_USAGE };
  }

  private countTransaction(committed: boolean, usage: TransactionUsage | null): void {
    const totals = this.totals;
    if (committed) totals.committed++;
    else totals.rolledBack++;
    if (!usage) return;
    totals.documentsRead += usage.documentsRead;
    totals.bytesRead += usage.bytesRead;
    totals.documentsWritten += usage.documentsWritten;
    totals.bytesWritten += usage.bytesWritten;
    totals.maxDocumentsRead = Math.max(totals.maxDocumentsRead, usage.documentsRead);
    totals.maxDocumentsWritten = Math.max(totals.maxDocumentsWritten, usage.documentsWritten);
    // A call's own transaction is the first one to end while it runs at the top level.
    const call = this.calls.getStore();
    const running = this.internals.executionContextStorage.getStore();
    if (call?.open && call.usage === undefined && (running === undefined || running.depth <= 1)) call.usage = usage;
  }

  /**
   * Calls `listener` synchronously after every committed top-level
   * transaction, before anything else can run. Returns an unsubscribe.
   */
  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Sets where commits are saved (the journal): `record` is called with each
   * top-level commit before anybody else hears of it (`onCommit`); when it
   * throws, the commit is undone and its transaction fails with that error.
   * `refusal`, asked before each commit, is an error to fail it with
   * beforehand (e.g. while nothing can be saved), or null.
   */
  setCommitRecorder(record: (commit: Commit) => void, refusal: () => Error | null): void {
    this.commitRecorder = record;
    this.commitGuard = refusal;
  }

  /**
   * Sets what an action's `ctx.runMutation` and scheduler calls wait for
   * after committing (the journal's fsync): from then on, what they return
   * is durable. Default: nothing to wait for (data in memory only).
   */
  setDurabilityBarrier(barrier: DurabilityBarrier): void {
    this.durabilityBarrier = barrier;
  }

  /** The result a client's mutation commits with (undefined for any other commit). */
  private clientMutationResult(call: CallContext): Commit["clientMutation"] {
    if (call.kind !== "mutation" || !call.requestKey || !call.returned) return undefined;
    try {
      return { ...call.requestKey, value: convexToJson(call.returned.value), logLines: [...call.logLines] };
    } catch {
      return undefined; // a value convex-test resolves at commit ($commitTs): the re-send runs again
    }
  }

  /**
   * Wraps the app's function handlers: a mutation's return value is noted in
   * its call (for `clientMutationResult`, before the commit); an action gets
   * a context whose committing calls return only once durable.
   */
  private async wrapHandlers(modules: ModuleFile[]): Promise<void> {
    for (const { file } of modules) {
      for (const value of Object.values(await importFile(file))) {
        const fn = value as { isMutation?: boolean; isAction?: boolean; _handler?: unknown } | null;
        if ((typeof fn !== "function" && typeof fn !== "object") || fn === null || typeof fn._handler !== "function")
          continue;
        const own = fn._handler as (ctx: unknown, args: unknown) => unknown;
        const handler = (ctx: unknown, args: unknown) => {
          const running = this.internals.executionContextStorage.getStore();
          if (running?.componentPath === "") this.recorder.called(running.udfPath);
          return own(ctx, args);
        };
        fn._handler = handler;
        if (fn.isMutation) {
          fn._handler = async (ctx: unknown, args: unknown) => {
            const value = await handler(ctx, args);
            const call = this.calls.getStore();
            const running = this.internals.executionContextStorage.getStore();
            if (call?.open && running?.depth === 1 && running.componentPath === "" && running.udfPath === call.udfPath)
              call.returned = { value: value as Value };
            return value;
          };
        } else if (fn.isAction) {
          fn._handler = (ctx: ActionCtxLike, args: unknown) => handler(this.durableActionCtx(ctx), args);
        }
      }
    }
  }

  /** `ctx` whose calls that commit return only after the durability barrier. */
  private durableActionCtx(ctx: ActionCtxLike): ActionCtxLike {
    const durable = async <T>(committing: Promise<T>): Promise<T> => {
      const result = await committing;
      await this.durabilityBarrier();
      return result;
    };
    const scheduler = ctx.scheduler;
    return {
      ...ctx,
      runMutation: (reference, args) => durable(ctx.runMutation(reference, args)),
      ...(scheduler
        ? {
            scheduler: {
              ...scheduler,
              runAfter: (...args: unknown[]) => durable(scheduler.runAfter(...args)),
              runAt: (...args: unknown[]) => durable(scheduler.runAt(...args)),
              cancel: (...args: unknown[]) => durable(scheduler.cancel(...args)),
            },
          }
        : {}),
    };
  }

  /** The timestamp of the last commit (Unix ns); every query result reflects it. */
  get lastCommitTs(): bigint {
    return this.convex.transactionManager._lastCommitTs;
  }

  /** Makes every later timestamp greater than `ts` (restored data, or a client that saw a later one). */
  advanceTsTo(ts: bigint): void {
    const tm = this.convex.transactionManager;
    if (ts > tm._lastCommitTs) tm._lastCommitTs = ts;
  }

  /** Whether `write` can change the result of a query that read `reads`. */
  writeAffects(reads: ReadSet, write: Write): boolean {
    const { evaluateRangeFilter } = this.internals;
    return writeAffects(reads, write, (doc, range) =>
      range.every((expression) => evaluateRangeFilter(doc, expression)),
    );
  }

  /** Runs `fn` (which calls queries) with no transaction committing meanwhile. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.runExclusive(fn);
  }

  // ── Stored state ──────────────────────────────────────────────────────────

  /** Paths of the root app (`""`) and its components. */
  componentPaths(): string[] {
    return Object.keys(this.convex.components);
  }

  /** The committed documents of a component by table (live: do not modify). */
  tables(componentPath: string): ReadonlyMap<string, ReadonlyMap<string, Doc>> {
    return documentsByTable(this.db(componentPath), this.internals.tableNameFromId);
  }

  /** A digest of a component's schema (tables, fields, indexes); changes when the schema does. */
  schemaFingerprint(componentPath: string): string {
    let fingerprint = this.fingerprints.get(componentPath);
    if (fingerprint === undefined) {
      const schema = this.db(componentPath)._schema;
      const text = JSON.stringify(schema ? [...schema.tables].sort(([a], [b]) => a.localeCompare(b)) : null);
      fingerprint = createHash("sha256").update(text).digest("base64url").slice(0, 22);
      this.fingerprints.set(componentPath, fingerprint);
    }
    return fingerprint;
  }

  /** Sorts every component's documents by every index of its schema now (instead of on first use). */
  buildIndexes(): void {
    for (const componentPath of this.componentPaths()) buildSortedIndexes(this.db(componentPath));
  }

  /** The id counter and creation-time clock of a component. */
  counters(componentPath: string): { nextDocId: number; lastCreationTime: number } {
    const db = this.db(componentPath);
    return { nextDocId: db._nextDocId, lastCreationTime: db._lastCreationTime };
  }

  /**
   * Replaces the stored documents with `state` (at startup, before serving).
   * Returns warnings: documents that no longer match the schema, components
   * that no longer exist.
   */
  restore(lastCommitTs: bigint, components: ComponentState[]): string[] {
    const warnings: string[] = [];
    for (const component of components) {
      const db = this.convex.components[component.path]?.db;
      if (!db) {
        warnings.push(
          `Component "${component.path}" is no longer used: its ${component.documents.length} stored documents are not loaded.`,
        );
        continue;
      }
      db._documents = Object.fromEntries(component.documents.map((doc) => [doc._id, doc]));
      db._nextDocId = Math.max(db._nextDocId, component.nextDocId);
      db._lastCreationTime = Math.max(db._lastCreationTime, component.lastCreationTime);
      resetDocumentsByTable(db);
      // Documents saved under this very schema were validated when written.
      if (component.schemaFingerprint !== this.schemaFingerprint(component.path))
        warnings.push(...this.schemaMismatches(db));
    }
    this.advanceTsTo(lastCommitTs);
    return warnings;
  }

  private schemaMismatches(db: DatabaseFake): string[] {
    const warnings: string[] = [];
    for (const [table, docs] of this.tables(db._componentPath)) {
      if (table.startsWith("_")) continue;
      let bad = 0;
      let example = "";
      for (const doc of docs.values()) {
        const { _id, _creationTime, ...fields } = doc;
        try {
          db._validate(table, fields as Doc);
        } catch (error) {
          bad++;
          example ||= `${_id}: ${(error as Error).message}`;
        }
      }
      if (bad > 0) {
        const where = db._componentPath ? `${db._componentPath}/${table}` : table;
        warnings.push(`${bad} document(s) in ${where} do not match the schema (e.g. ${example})`);
      }
    }
    return warnings;
  }

  /** Replaces one stored document outside any transaction (startup repairs only). */
  replaceDocument(componentPath: string, doc: Doc): void {
    const db = this.db(componentPath);
    db._documents[doc._id] = doc;
    resetDocumentsByTable(db);
  }

  /** Deletes one stored document outside any transaction (startup clean-up only). */
  deleteDocument(componentPath: string, id: string): void {
    const db = this.db(componentPath);
    delete db._documents[id];
    resetDocumentsByTable(db);
  }

  /**
   * Runs the pending scheduled function `job` (a `_scheduled_functions`
   * document) at its time, as convex-test does for functions it schedules.
   * Used after a restart, when the timers of the previous process are gone.
   */
  armScheduledFunction(componentPath: string, job: Doc): void {
    const { convexGlobalStorage, runScheduledFunction, frameworkSetTimeout } = this.internals;
    const convex = this.convex;
    const db = this.db(componentPath);
    const name = job.name as string;
    const args = (job.args as Value[])[0] ?? {};
    const delay = Math.max(0, (job.scheduledTime as number) - Date.now());
    if (delay > MAX_TIMER_MS) {
      setTimeout(() => this.armScheduledFunction(componentPath, job), MAX_TIMER_MS);
      return;
    }
    convexGlobalStorage.run(convex, () => {
      convex.scheduler.timerScheduled();
      frameworkSetTimeout(() => {
        convex.scheduler.timerFired();
        const running = convexGlobalStorage.run(convex, () =>
          runScheduledFunction({
            db,
            jobId: job._id,
            componentPath,
            functionPath: { componentPath, udfPath: name },
            args,
            name,
          }),
        );
        convex.scheduler.add(running);
        void running.finally(() => convex.scheduler.finish(running));
      }, delay);
    });
  }

  private db(componentPath: string): DatabaseFake {
    const component = this.convex.components[componentPath];
    if (!component) throw new Error(`Unknown component "${componentPath}"`);
    return component.db;
  }

  /** Imports a module of the functions directory (e.g. `crons`, `auth.config`), if it exists. */
  async importConvexModule(name: string): Promise<Record<string, unknown> | null> {
    const file = [".ts", ".js"].map((ext) => path.join(this.convexDir, name + ext)).find(existsSync);
    return file ? await importFile(file) : null;
  }
}

/** Imports every module and records its exported Convex functions. */
async function registerFunctions(modules: ModuleFile[], dir: string): Promise<Map<string, FunctionInfo>> {
  const functions = new Map<string, FunctionInfo>();
  for (const { file, modulePath } of modules) {
    let exports: Record<string, unknown>;
    try {
      exports = await importFile(file);
    } catch (error) {
      throw new Error(`Failed to load ${path.relative(path.dirname(dir), file)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    for (const [name, value] of Object.entries(exports)) {
      const fn = value as { isQuery?: boolean; isMutation?: boolean; isAction?: boolean; isPublic?: boolean } | null;
      if (typeof fn !== "function" && (typeof fn !== "object" || fn === null)) continue;
      const kind: FunctionKind | null = fn.isQuery
        ? "query"
        : fn.isMutation
          ? "mutation"
          : fn.isAction
            ? "action"
            : null;
      if (kind) functions.set(`${modulePath}:${name}`, { kind, isPublic: fn.isPublic === true });
    }
  }
  return functions;
}

/** A due scheduled function as it waits for a slot: due at its document's `scheduledTime`; not wanted once canceled. */
function slotRequest(job: ScheduledFunctionStart): SlotRequest {
  const arrivedAt = Date.now();
  // The committed document (the transaction that scheduled it may not have committed yet: then it is due now).
  const stored = () => job.db._documents[job.jobId];
  return {
    name: job.componentPath ? `${job.componentPath}/${job.name}` : job.name,
    scheduledTime: () => (stored()?.scheduledTime as number | undefined) ?? arrivedAt,
    wanted: () => (stored()?.state as { kind: string } | undefined)?.kind !== "canceled",
  };
}

async function importDefault(...candidates: string[]): Promise<unknown> {
  const file = candidates.find(existsSync);
  return file ? (await importFile(file)).default : undefined;
}

function title(kind: FunctionKind): string {
  return kind[0]!.toUpperCase() + kind.slice(1);
}
