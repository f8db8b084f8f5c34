/**
 * The few places where local-convex hooks into convex-test's engine, each a
 * wrapper around one prototype method that calls the original:
 *
 * - `TransactionManager#commit`: before a top-level commit, ask whether it
 *   may happen (`beforeCommit`: not while the data cannot be saved); after
 *   it, report its timestamp and document changes (persistence,
 *   subscriptions, logs). If the report throws `CommitNotSaved`, the commit
 *   is undone and the transaction fails with its error.
 * - `TransactionManager#begin` / `#_endTransaction`: let the engine hold new
 *   top-level transactions back while it re-runs subscriptions, so every
 *   Transition reflects one snapshot.
 * - `DatabaseFake#commit` / `#_resolveQuerySource` / `#_iterateDocs`: keep
 *   committed documents by table, and sorted by each index that queries use
 *   (`sortedIndex.ts`), so an index range query looks at the documents in
 *   its range rather than every document of every table (convex-test
 *   filtered all ids by regex, then every document by the range).
 * - The same two readers and `DatabaseFake#get`: note what a query read
 *   (index ranges, whole tables, single documents), so that a commit re-runs
 *   only the subscriptions it can affect.
 * - `DatabaseFake#paginate`: query journals, so a subscribed paginated query
 *   keeps its page boundary when documents are added (what Convex's journals do).
 *
 * Installed once per process by `Engine`.
 */
import type {
  ConvexTestInternals,
  DatabaseFake,
  Doc,
  PageResult,
  RangeExpression,
  TransactionManager,
  WriteLayer,
} from "./convexTestInternals";
import { log } from "../log";
import { SortedIndex, type FieldAccess } from "./sortedIndex";

/** One document change of a committed transaction: the new version (null: deleted) and the one before (null: inserted). */
export type Write = { componentPath: string; table: string; id: string; doc: Doc | null; previous: Doc | null };

/**
 * What one query run read, as precisely as convex-test lets us see it: the
 * index ranges it read, the tables it scanned in full (table scans, search),
 * and the documents it fetched by id. Keys are `tableKey`s.
 */
export class ReadSet {
  readonly scannedTables = new Set<string>();
  readonly ranges = new Map<string, RangeExpression[][]>();
  readonly ids = new Map<string, Set<string>>();

  /** Every table read in any way. */
  tables(): Set<string> {
    return new Set([...this.scannedTables, ...this.ranges.keys(), ...this.ids.keys()]);
  }

  addRange(table: string, range: RangeExpression[]): void {
    const ranges = this.ranges.get(table);
    if (ranges) ranges.push(range);
    else this.ranges.set(table, [range]);
  }

  addId(table: string, id: string): void {
    const ids = this.ids.get(table);
    if (ids) ids.add(id);
    else this.ids.set(table, new Set([id]));
  }
}

/**
 * Whether `write` can change the result of a query that read `reads`: it
 * touched a document the query fetched, a table it scanned, or an index range
 * it read held the document before or holds it after.
 */
export function writeAffects(
  reads: ReadSet,
  write: Write,
  matches: (doc: Doc, range: RangeExpression[]) => boolean,
): boolean {
  const table = tableKey(write.componentPath, write.table);
  if (reads.scannedTables.has(table) || reads.ids.get(table)?.has(write.id)) return true;
  const ranges = reads.ranges.get(table);
  if (!ranges) return false;
  return ranges.some(
    (range) =>
      (write.previous !== null && matches(write.previous, range)) || (write.doc !== null && matches(write.doc, range)),
  );
}

/** The journal of one run of a subscribed paginated query. */
export type JournalSlot = {
  /** The end cursor recorded by an earlier run, or null on the first run. */
  endCursor: string | null;
  /** The end cursor this run's page has (set by the run). */
  recorded?: string;
};

/** Thrown by `EngineHooks.committed` when a commit could not be saved: it is undone, and its transaction fails with `error`. */
export class CommitNotSaved extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

export interface EngineHooks {
  /** Before a top-level transaction commits: throws to refuse the commit (nothing changes, the transaction fails). */
  beforeCommit: () => void;
  /** A top-level transaction committed at `ts` (Unix ns) with these changes (throws `CommitNotSaved` to undo it). */
  committed: (ts: bigint, writes: Write[]) => void;
  /** Where to record what the running query reads, when reads are tracked. */
  readSet: () => ReadSet | undefined;
  /** The journal slot of the running function, if it is a subscription's top-level query. */
  journalSlot: () => JournalSlot | undefined;
  /** Awaited before each top-level transaction starts... */
  beforeTransaction: () => Promise<void> | undefined;
  /** ...and called when it ends (commit or rollback). */
  afterTransaction: () => void;
  /** A top-level transaction ended: whether it committed, and what it read and wrote. */
  transactionEnded: (ended: { committed: boolean; usage: TransactionUsage | null }) => void;
}

/** What one transaction read and wrote (convex-test's metrics tracker). */
export type TransactionUsage = {
  documentsRead: number;
  bytesRead: number;
  documentsWritten: number;
  bytesWritten: number;
};

/** The key of a table in read sets and dirty sets. */
export function tableKey(componentPath: string, table: string): string {
  return `${componentPath}|${table}`;
}

const tableIndexes = new WeakMap<DatabaseFake, Map<string, Map<string, Doc>>>();
/** Per database: table → index fields (joined) → sorted documents. */
const sortedIndexes = new WeakMap<DatabaseFake, Map<string, Map<string, SortedIndex>>>();

/** `db`'s committed documents by table and id (built on first use, then kept current). */
export function documentsByTable(db: DatabaseFake, tableNameFromId: (id: string) => string | null) {
  let index = tableIndexes.get(db);
  if (!index) {
    index = new Map<string, Map<string, Doc>>();
    for (const [id, doc] of Object.entries(db._documents)) {
      const table = tableNameFromId(id);
      if (table === null) continue;
      let docs = index.get(table);
      if (!docs) index.set(table, (docs = new Map<string, Doc>()));
      docs.set(id, doc);
    }
    tableIndexes.set(db, index);
  }
  return index;
}

/** Forgets the indexes of `db` (after its `_documents` were replaced). */
export function resetDocumentsByTable(db: DatabaseFake): void {
  tableIndexes.delete(db);
  sortedIndexes.delete(db);
}

let fieldAccess: FieldAccess | null = null;
let tableNameOf: (id: string) => string | null = () => null;

/** `db`'s committed documents of `table` sorted by `fields` (built on first use, then kept current). */
function sortedIndex(db: DatabaseFake, table: string, fields: string[]): SortedIndex {
  let byTable = sortedIndexes.get(db);
  if (!byTable) sortedIndexes.set(db, (byTable = new Map<string, Map<string, SortedIndex>>()));
  let byFields = byTable.get(table);
  if (!byFields) byTable.set(table, (byFields = new Map<string, SortedIndex>()));
  const key = fields.join("\u0000");
  let index = byFields.get(key);
  if (!index) {
    index = new SortedIndex(fields, documentsByTable(db, tableNameOf).get(table)?.values() ?? [], fieldAccess!);
    byFields.set(key, index);
  }
  return index;
}

/** Builds the sorted indexes of every index in `db`'s schema (for tables with documents). */
export function buildSortedIndexes(db: DatabaseFake): void {
  for (const [table, docs] of documentsByTable(db, tableNameOf)) {
    if (docs.size === 0 || table.startsWith("_")) continue;
    for (const { indexDescriptor } of db._schema?.tables.get(table)?.indexes ?? []) {
      sortedIndex(db, table, indexFields(db, table, indexDescriptor)!);
    }
  }
}

/** The fields convex-test sorts an index by (null if the index is unknown: convex-test then throws). */
function indexFields(db: DatabaseFake, table: string, indexName: string): string[] | null {
  if (indexName === "by_creation_time") return ["_creationTime", "_id"];
  if (indexName === "by_id") return ["_id"];
  const index = db._schema?.tables.get(table)?.indexes.find((i) => i.indexDescriptor === indexName);
  return index ? [...index.fields, "_creationTime", "_id"] : null;
}

let installed = false;

/** Wraps convex-test's methods to call `hooks`. Once per process. */
export function installPatches(internals: ConvexTestInternals, hooks: EngineHooks): void {
  if (installed) throw new Error("local-convex: only one engine can run per process");
  installed = true;
  const { tableNameFromId } = internals;
  fieldAccess = internals;
  tableNameOf = tableNameFromId;
  const db = internals.DatabaseFake.prototype;
  const tm = internals.TransactionManager.prototype;

  // Document changes of the top-level commit in progress, across all components, and their databases.
  let pendingWrites: Write[] = [];
  let pendingDatabases: DatabaseFake[] = [];
  // A commit was undone: the rollback convex-test then calls has nothing left to do.
  let undone = false;

  const dbCommit = db.commit;
  db.commit = function (this: DatabaseFake, commitTs) {
    // Only the outermost level's writes reach `_documents` (nested ones merge upwards).
    const topLevel: WriteLayer | undefined = this._writes.length === 1 ? this._writes[0] : undefined;
    const ids = topLevel ? Object.keys(topLevel) : [];
    const previous = ids.map((id) => this._documents[id] ?? null);
    dbCommit.call(this, commitTs);
    const index = documentsByTable(this, tableNameFromId);
    ids.forEach((id, i) => {
      const table = tableNameFromId(id)!;
      const doc = this._documents[id] ?? null;
      const before = previous[i]!;
      let docs = index.get(table);
      if (!docs) index.set(table, (docs = new Map<string, Doc>()));
      if (doc) docs.set(id, doc);
      else docs.delete(id);
      const sorted = sortedIndexes.get(this)?.get(table);
      for (const [key, sortedDocs] of sorted ?? []) {
        if (before && !sortedDocs.remove(before)) {
          sorted!.delete(key); // out of step (should not happen): rebuilt on next use
          continue;
        }
        if (doc) sortedDocs.insert(doc);
      }
      pendingWrites.push({ componentPath: this._componentPath, table, id, doc, previous: before });
      pendingDatabases.push(this);
    });
  };

  const dbGet = db.get;
  db.get = function (this: DatabaseFake, tableName, id) {
    const reads = hooks.readSet();
    if (reads && typeof id === "string") {
      const table = tableName ?? tableNameFromId(id);
      if (table) reads.addId(tableKey(this._componentPath, table), id);
    }
    return dbGet.call(this, tableName, id);
  };

  // An index range query reads its range, not its table: record the range,
  // and let `_iterateDocs` (which convex-test calls next, synchronously) hand
  // out only the documents of the range.
  let indexRange: { fields: string[] | null; range: RangeExpression[] } | null = null;
  const dbResolveQuerySource = db._resolveQuerySource;
  db._resolveQuerySource = function (this: DatabaseFake, query) {
    if (query.source.type !== "IndexRange") return dbResolveQuerySource.call(this, query);
    const [table, indexName] = query.source.indexName.split(".") as [string, string];
    hooks.readSet()?.addRange(tableKey(this._componentPath, table), query.source.range);
    indexRange = { fields: indexFields(this, table, indexName), range: query.source.range };
    try {
      return dbResolveQuerySource.call(this, query);
    } finally {
      indexRange = null;
    }
  };

  db._iterateDocs = function (this: DatabaseFake, tableName, callback) {
    const range = indexRange;
    indexRange = null; // only the query's own scan is narrowed
    if (!range) hooks.readSet()?.scannedTables.add(tableKey(this._componentPath, tableName));
    const committed = documentsByTable(this, tableNameFromId).get(tableName);
    const pending = idsWrittenIn(this._writes, tableName, tableNameFromId);
    if (pending.size === 0) {
      if (range?.fields) {
        for (const doc of sortedIndex(this, tableName, range.fields).candidates(range.range)) callback(doc);
      } else if (committed) {
        for (const doc of committed.values()) callback(doc);
      }
      return;
    }
    // Inside a transaction with writes to this table: committed ∪ pending, newest version of each.
    const ids = new Set(committed?.keys());
    for (const id of pending) ids.add(id);
    for (const id of ids) {
      const doc = dbGet.call(this, tableName, id);
      if (doc !== null) callback(doc);
    }
  };

  const dbPaginate = db.paginate;
  db.paginate = function (this: DatabaseFake, options) {
    const slot = hooks.journalSlot();
    const explicitEnd = options.endCursor !== undefined && options.endCursor !== null;
    if (!slot || explicitEnd) return dbPaginate.call(this, options);
    if (slot.endCursor === null) {
      const result = dbPaginate.call(this, options);
      slot.recorded = result.continueCursor;
      return result;
    }
    // A re-run: the page ends where it ended the first time, however many
    // documents were added since ("_end_cursor": the page was the last one).
    const result: PageResult = dbPaginate.call(this, { ...options, endCursor: slot.endCursor });
    slot.recorded = slot.endCursor;
    if (slot.endCursor === "_end_cursor") return result;
    // convex-test only reports the end cursor when the document it points at
    // still exists; the page's end is the journal's cursor either way.
    return { ...result, continueCursor: slot.endCursor, isDone: false };
  };

  const tmBegin = tm.begin;
  tm.begin = async function (this, isNested, transactionLimits) {
    if (!isNested) await hooks.beforeTransaction();
    try {
      return await tmBegin.call(this, isNested, transactionLimits);
    } catch (error) {
      if (!isNested) hooks.afterTransaction();
      throw error;
    }
  };

  // How the top-level transaction now ending ends (commit and rollback both end
  // it), and its usage, read on the way in: the tracker drops it before the end.
  let ending: { committed: boolean; usage: TransactionUsage | null } = { committed: false, usage: null };
  const tmEnd = tm._endTransaction;
  tm._endTransaction = function (this, isNested) {
    try {
      tmEnd.call(this, isNested);
    } finally {
      if (!isNested) {
        hooks.afterTransaction();
        hooks.transactionEnded(ending);
        ending = { committed: false, usage: null };
      }
    }
  };

  const tmRollback = tm.rollback;
  tm.rollback = function (this, isNested) {
    if (!isNested && undone) return void (undone = false); // the undone commit already ended the transaction
    if (!isNested) ending = { committed: false, usage: transactionUsage(this) };
    tmRollback.call(this, isNested);
  };

  const tmCommit = tm.commit;
  tm.commit = function (this, isNested) {
    if (!isNested) {
      hooks.beforeCommit(); // convex-test rolls the transaction back when this throws
      ending = { committed: true, usage: transactionUsage(this) };
    }
    const ts = tmCommit.call(this, isNested);
    if (ts !== null) {
      const writes = pendingWrites;
      const databases = pendingDatabases;
      pendingWrites = [];
      pendingDatabases = [];
      try {
        hooks.committed(ts, writes);
      } catch (error) {
        if (!(error instanceof CommitNotSaved)) {
          log.error("local-convex: error after a commit", error);
          return ts;
        }
        undo(writes, databases);
        undone = true;
        throw error.error;
      }
    }
    return ts;
  };
}

/** Puts back the documents a commit replaced (its id counters stay moved: an id is never given twice). */
function undo(writes: Write[], databases: DatabaseFake[]): void {
  for (let i = writes.length - 1; i >= 0; i--) {
    const { id, previous } = writes[i]!;
    const db = databases[i]!;
    if (previous === null) delete db._documents[id];
    else db._documents[id] = previous;
  }
  for (const db of new Set(databases)) resetDocumentsByTable(db);
}

function transactionUsage(tm: TransactionManager): TransactionUsage | null {
  const metrics = tm._metricsTracker?.getTransactionMetrics();
  if (!metrics) return null;
  return {
    documentsRead: metrics.documentsRead.used,
    bytesRead: metrics.bytesRead.used,
    documentsWritten: metrics.documentsWritten.used,
    bytesWritten: metrics.bytesWritten.used,
  };
}

function idsWrittenIn(
  layers: WriteLayer[],
  table: string,
  tableNameFromId: (id: string) => string | null,
): Set<string> {
  const ids = new Set<string>();
  for (const layer of layers) {
    for (const id of Object.keys(layer)) if (tableNameFromId(id) === table) ids.add(id);
  }
  return ids;
}
