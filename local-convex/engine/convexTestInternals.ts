/**
 * Typed access to the convex-test internals that `convexTestHook.ts` exposes,
 * and a startup check that they still look the way local-convex expects
 * (convex-test 0.0.60). Everything that touches convex-test's private state
 * goes through the types declared here, so this file is the complete list of
 * what local-convex assumes about convex-test's internals.
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import * as convexTestModule from "convex-test";
import type { Value } from "convex/values";
import { EXPOSED_INTERNALS } from "./convexTestHook";

/** The convex-test version these internals were written against. */
export const SUPPORTED_CONVEX_TEST_VERSION = "0.0.60";

/** A stored document. */
export type Doc = { _id: string; _creationTime: number } & { [field: string]: Value | undefined };

/** A pending write of one transaction level: the new document, or null for a delete. */
export type WriteLayer = Record<string, Doc | null>;

export type PaginateOptions = {
  query: unknown;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number;
  maximumBytesRead?: number;
};

export type PageResult = {
  page: Doc[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: string | null;
};

/**
 * convex-test's in-memory database of one component. Its methods are typed
 * as function properties with an explicit `this`: local-convex wraps them on
 * the prototype and calls the originals with `.call(this, ...)`.
 */
export interface DatabaseFake {
  _componentPath: string;
  /** Committed documents by id. */
  _documents: Record<string, Doc>;
  _nextDocId: number;
  _lastCreationTime: number;
  /** Pending writes, one layer per transaction nesting level (empty outside transactions). */
  _writes: WriteLayer[];
  /** The schema's tables with their indexes (null without a schema). */
  _schema: { tables: Map<string, { indexes: Array<{ indexDescriptor: string; fields: string[] }> }> } | null;
  get: (this: DatabaseFake, tableName: string | undefined, id: string) => Doc | null;
  commit: (this: DatabaseFake, commitTs?: bigint | null) => void;
  _iterateDocs: (this: DatabaseFake, tableName: string, callback: (doc: Doc) => void) => void;
  _resolveQuerySource: (this: DatabaseFake, query: { source: QuerySource; operators: unknown[] }) => unknown;
  paginate: (this: DatabaseFake, options: PaginateOptions) => PageResult;
  /** Throws if `doc` does not match the table's schema. */
  _validate: (this: DatabaseFake, tableName: string, doc: Doc) => void;
}

/** What one transaction used of a limit, as convex-test's metrics tracker reports it. */
export type MetricUsage = { used: number; remaining: number };

export interface TransactionManager {
  /** The last committed transaction's timestamp, in Unix nanoseconds. */
  _lastCommitTs: bigint;
  /** Per-transaction usage (reads, writes, bytes); null outside a top-level transaction. */
  _metricsTracker: {
    getTransactionMetrics: () => Record<
      "documentsRead" | "bytesRead" | "documentsWritten" | "bytesWritten",
      MetricUsage
    >;
  } | null;
  begin: (this: TransactionManager, isNested: boolean, transactionLimits?: unknown) => Promise<void>;
  /** Returns the commit timestamp, or null for a nested commit. */
  commit: (this: TransactionManager, isNested: boolean) => bigint | null;
  rollback: (this: TransactionManager, isNested: boolean) => void;
  _endTransaction: (this: TransactionManager, isNested: boolean) => void;
}

export interface Scheduler {
  timerScheduled: () => void;
  timerFired: () => void;
  add: (promise: Promise<unknown>) => void;
  finish: (promise: Promise<unknown>) => void;
}

/** The state behind one `convexTest()` instance. */
export interface ConvexGlobal {
  components: Record<string, { db: DatabaseFake; modules: (path: string) => Promise<Record<string, unknown>> }>;
  transactionManager: TransactionManager;
  scheduler: Scheduler;
}

/** What convex-test knows about the function currently running. */
export type ExecutionContext = {
  componentPath: string;
  udfPath: string;
  udfType: "query" | "mutation" | "action" | "http";
  /** 1 for a function called from outside, more for nested calls. */
  depth: number;
};

export type FunctionPath = { componentPath: string; udfPath: string };

/** One condition of an index range (`q.eq("userId", x)`), as in a query's source. */
export type RangeExpression = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: unknown };

/** What a query reads first: an index range, a full table scan or a search. */
export type QuerySource =
  | { type: "IndexRange"; indexName: string; range: RangeExpression[]; order?: string }
  | { type: "FullTableScan"; tableName: string; order?: string }
  | { type: "Search"; indexName: string; filters: unknown[] };

/** A scheduled function whose time has come, as convex-test starts it. */
export type ScheduledFunctionStart = {
  db: DatabaseFake;
  jobId: string;
  componentPath: string;
  functionPath: FunctionPath;
  args: Value;
  name: string;
};

/** Decides when a due scheduled function starts: calls `start` (convex-test's own) when it may. */
export type ScheduledFunctionRunner = (
  job: ScheduledFunctionStart,
  start: (job: ScheduledFunctionStart) => Promise<void>,
) => Promise<void>;

export interface ConvexTestInternals {
  DatabaseFake: { new (schema: null, componentPath: string): DatabaseFake; prototype: DatabaseFake };
  TransactionManager: { new (limits?: unknown): TransactionManager; prototype: TransactionManager };
  convexGlobalStorage: AsyncLocalStorage<ConvexGlobal>;
  getConvexGlobal: () => ConvexGlobal;
  executionContextStorage: AsyncLocalStorage<ExecutionContext>;
  /** Starts a scheduled function now (through the runner, if one is set). */
  runScheduledFunction: (job: ScheduledFunctionStart) => Promise<void>;
  /** Makes every start of a scheduled function go through `runner` (added by `convexTestHook.ts`). */
  setScheduledFunctionRunner: (runner: ScheduledFunctionRunner | null) => void;
  frameworkSetTimeout: (callback: () => void, ms: number) => unknown;
  tableNameFromId: (id: string) => string | null;
  /** Whether `doc` satisfies one condition of an index range (convex-test's own semantics). */
  evaluateRangeFilter: (doc: Doc, expression: RangeExpression) => boolean;
  /** A (dotted) field's value in `doc`, as convex-test's queries see it. */
  evaluateFieldPath: (fieldPath: string, doc: Doc) => Value | undefined;
}

let checked: ConvexTestInternals | null = null;

/**
 * The internals, after checking that they are all there and have the shape
 * local-convex relies on. Throws a message that says what to do otherwise.
 */
export function convexTestInternals(): ConvexTestInternals {
  if (checked) return checked;
  const exposed = convexTestModule as unknown as Partial<ConvexTestInternals> & {
    __localConvexMissingInternals?: string[];
  };
  if (exposed.__localConvexMissingInternals === undefined) {
    throw new Error(
      "local-convex: convex-test was loaded without local-convex's loader hook. Start the backend " +
        "through local-convex/cli.ts or startLocalConvex(), which register the hook before convex-test is imported.",
    );
  }
  const problems = exposed.__localConvexMissingInternals.map((name) => `${name} is no longer declared`);
  if (problems.length === 0) problems.push(...shapeProblems(exposed as ConvexTestInternals));
  if (problems.length > 0) {
    throw new Error(
      `local-convex: convex-test ${installedConvexTestVersion()} changed internals local-convex relies on ` +
        `(written for ${SUPPORTED_CONVEX_TEST_VERSION}): ${problems.join("; ")}. ` +
        "Pin convex-test to the supported version, or update local-convex/engine/convexTestInternals.ts and patches.ts.",
    );
  }
  checked = exposed as ConvexTestInternals;
  return checked;
}

/** What is missing or different from what local-convex expects (empty when all is well). */
function shapeProblems(internals: ConvexTestInternals): string[] {
  const problems: string[] = [];
  const expectFunction = (owner: string, value: unknown, name: string) => {
    if (typeof value !== "function") problems.push(`${owner}.${name} is not a function`);
  };
  for (const name of EXPOSED_INTERNALS) {
    if (internals[name] === undefined) problems.push(`${name} is not exported`);
  }
  if (problems.length > 0) return problems;

  const dbProto = internals.DatabaseFake.prototype;
  for (const method of [
    "get",
    "commit",
    "_iterateDocs",
    "_resolveQuerySource",
    "paginate",
    "_validate",
    "startTransaction",
    "rollbackWrites",
  ]) {
    expectFunction("DatabaseFake.prototype", (dbProto as unknown as Record<string, unknown>)[method], method);
  }
  const db = new internals.DatabaseFake(null, "probe");
  const fields: Array<[keyof DatabaseFake, string]> = [
    ["_documents", "object"],
    ["_writes", "object"],
    ["_nextDocId", "number"],
    ["_lastCreationTime", "number"],
    ["_componentPath", "string"],
    ["_schema", "object"],
  ];
  for (const [field, type] of fields) {
    if (typeof db[field] !== type) problems.push(`DatabaseFake#${field} is not a ${type}`);
  }
  const tmProto = internals.TransactionManager.prototype;
  for (const method of ["begin", "commit", "rollback", "_endTransaction"]) {
    expectFunction("TransactionManager.prototype", (tmProto as unknown as Record<string, unknown>)[method], method);
  }
  if (typeof new internals.TransactionManager(false)._lastCommitTs !== "bigint") {
    problems.push("TransactionManager#_lastCommitTs is not a bigint");
  }
  if (internals.tableNameFromId("10000generationJobs") !== "generationJobs") {
    problems.push("tableNameFromId no longer parses convex-test ids");
  }
  const probe = { _id: "1t", _creationTime: 0, a: 1 } as Doc;
  if (internals.evaluateRangeFilter(probe, { type: "Eq", fieldPath: "a", value: 1 }) !== true) {
    problems.push("evaluateRangeFilter no longer evaluates index range conditions");
  }
  if (internals.evaluateFieldPath("a", probe) !== 1) problems.push("evaluateFieldPath no longer reads fields");
  expectFunction("", internals.getConvexGlobal, "getConvexGlobal");
  expectFunction("", internals.runScheduledFunction, "runScheduledFunction");
  expectFunction("", internals.setScheduledFunctionRunner, "setScheduledFunctionRunner");
  expectFunction("", internals.frameworkSetTimeout, "frameworkSetTimeout");
  expectFunction("convexGlobalStorage", internals.convexGlobalStorage.run.bind(internals.convexGlobalStorage), "run");
  expectFunction(
    "executionContextStorage",
    internals.executionContextStorage.getStore.bind(internals.executionContextStorage),
    "getStore",
  );
  return problems;
}

function installedConvexTestVersion(): string {
  try {
    return (createRequire(import.meta.url)("convex-test/package.json") as { version: string }).version;
  } catch {
    return "(unknown version)";
  }
}
