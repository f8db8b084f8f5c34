/**
 * Run by `internals.test.ts` in a fresh process (the loader hook must be
 * registered before convex-test loads): checks that the installed
 * convex-test still has the internals local-convex relies on, and that
 * convex-test with local-convex's patches still reads and writes correctly.
 * Prints two JSON lines with what it observed.
 */
import { register } from "node:module";
import type { DataModelFromSchemaDefinition, GenericDatabaseReader } from "convex/server";

if (process.argv[2] !== "--without-hook") register("../engine/convexTestHook.ts", import.meta.url);
const { convexTestInternals } = await import("../engine/convexTestInternals");
const internals = convexTestInternals();
const { installPatches, ReadSet } = await import("../engine/patches");
const { convexTest } = await import("convex-test");
const { defineSchema, defineTable } = await import("convex/server");
const { v } = await import("convex/values");

const commits: Array<{ ts: string; tables: string[] }> = [];
const transactions: Array<{ committed: boolean; read: number; written: number }> = [];
let reads: InstanceType<typeof ReadSet> | undefined;
installPatches(internals, {
  beforeCommit: () => {},
  committed: (ts, writes) => commits.push({ ts: String(ts), tables: [...new Set(writes.map((w) => w.table))] }),
  readSet: () => reads,
  journalSlot: () => undefined,
  beforeTransaction: () => undefined,
  afterTransaction: () => {},
  transactionEnded: ({ committed, usage }) =>
    transactions.push({ committed, read: usage?.documentsRead ?? -1, written: usage?.documentsWritten ?? -1 }),
});

// convex-test needs a `_generated` module to find the functions root; no function is called here.
const modules = { "/virtual/convex/_generated/api.js": () => Promise.resolve({}) };

// ── Reads, writes and commit reports ────────────────────────────────────────

const schema = defineSchema({
  notes: defineTable({ owner: v.string(), text: v.string() }).index("by_owner", ["owner"]),
  other: defineTable({ n: v.number() }),
});
const t = convexTest({ schema, modules });

const [a, b] = await t.run(async (ctx) => [
  await ctx.db.insert("notes", { owner: "ann", text: "one" }),
  await ctx.db.insert("notes", { owner: "bob", text: "two" }),
]);
await t.run(async (ctx) => {
  await ctx.db.insert("other", { n: 1 });
  await ctx.db.patch(a, { text: "one, edited" });
  await ctx.db.delete(b);
  // Inside the transaction, its own writes are visible.
  const seen = await ctx.db.query("notes").collect();
  if (seen.length !== 1 || seen[0]!.text !== "one, edited")
    throw new Error(`in-transaction read: ${JSON.stringify(seen)}`);
});
reads = new ReadSet();
const byOwner = await t.query((ctx) =>
  ctx.db
    .query("notes")
    .withIndex("by_owner", (q) => q.eq("owner", "ann"))
    .collect(),
);
const rangeReads = reads;
reads = new ReadSet();
const all = await t.query((ctx) => ctx.db.query("notes").collect());
const scanReads = reads;
reads = undefined;

console.log(
  JSON.stringify({
    byOwner: byOwner.map((n) => n.text),
    all: all.map((n) => n.text),
    rangeReads: { scanned: [...rangeReads.scannedTables], ranges: [...rangeReads.ranges.keys()] },
    scanReads: { scanned: [...scanReads.scannedTables] },
    commits: commits.map((c) => c.tables),
    transactions,
    increasing: commits.every((c, i) => i === 0 || BigInt(c.ts) > BigInt(commits[i - 1]!.ts)),
  }),
);

// ── Index ranges from the sorted indexes ────────────────────────────────────
// They must equal convex-test's own full scan, which is what it does inside a
// transaction that wrote to the table: each query also runs that way, as the oracle.

const itemsSchema = defineSchema({
  items: defineTable({ a: v.number(), b: v.string(), c: v.optional(v.number()) })
    .index("by_a_b", ["a", "b"])
    .index("by_c", ["c"]),
});
type Db = GenericDatabaseReader<DataModelFromSchemaDefinition<typeof itemsSchema>>;
const t2 = convexTest({ schema: itemsSchema, modules });

let seed = 7;
const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const letters = ["a", "b", "c", "d", "e"];
const randomItem = () => ({ a: random(10), b: letters[random(5)]!, ...(random(3) ? { c: random(4) } : {}) });

const queries: Array<(db: Db) => Promise<Array<{ _id: string }>>> = [
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.eq("a", 3))
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.eq("a", 3).gt("b", "b"))
      .order("desc")
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.eq("a", 3).gte("b", "b").lt("b", "e"))
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.gte("a", 2).lte("a", 5))
      .order("desc")
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.lt("a", 1))
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_a_b", (q) => q.eq("a", 42))
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_c", (q) => q.eq("c", undefined))
      .collect(),
  (db) =>
    db
      .query("items")
      .withIndex("by_c", (q) => q.gt("c", 1))
      .collect(),
  (db) => db.query("items").withIndex("by_creation_time").order("desc").collect(),
];

const itemIds = await t2.run(async (ctx) => {
  const ids = [];
  for (let i = 0; i < 300; i++) ids.push(await ctx.db.insert("items", randomItem()));
  return ids;
});
let mismatches = 0;
const compare = async () => {
  const fast = await t2.query((ctx) => Promise.all(queries.map((query) => query(ctx.db))));
  const oracle = await t2.run(async (ctx) => {
    const marker = await ctx.db.insert("items", { a: -1, b: "zz" }); // a pending write: the full-scan path
    const results = await Promise.all(queries.map((query) => query(ctx.db)));
    await ctx.db.delete(marker);
    return results.map((rows) => rows.filter((row) => row._id !== marker));
  });
  fast.forEach((rows, i) => {
    if (JSON.stringify(rows) !== JSON.stringify(oracle[i])) mismatches++;
  });
};
await compare(); // builds the sorted indexes
await t2.run(async (ctx) => {
  for (let i = 0; i < 60; i++) {
    const id = itemIds[random(itemIds.length)]!;
    if (!(await ctx.db.get(id))) continue;
    if (random(4) === 0) await ctx.db.delete(id);
    else await ctx.db.patch(id, { ...randomItem(), c: random(2) ? random(4) : undefined });
  }
  for (let i = 0; i < 30; i++) await ctx.db.insert("items", randomItem());
});
await compare(); // after the indexes were kept up to date through writes
console.log(JSON.stringify({ indexRangeMismatches: mismatches, queriesCompared: queries.length * 2 }));
