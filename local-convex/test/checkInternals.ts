/**
 * Run by `internals.test.ts` in a fresh process (the loader hook must be
 * registered before convex-test loads): checks that the installed
 * convex-test still has the internals local-convex relies on, and that
 * convex-test with local-convex's patches still reads and writes correctly.
 * Prints one JSON line with what it observed.
 */
import { register } from "node:module";

if (process.argv[2] !== "--without-hook") register("../engine/convexTestHook.ts", import.meta.url);
const { convexTestInternals } = await import("../engine/convexTestInternals");
const internals = convexTestInternals();
const { installPatches, ReadSet } = await import("../engine/patches");
const { convexTest } = await import("convex-test");
const { defineSchema, defineTable } = await import("convex/server");
const { v } = await import("convex/values");

const commits: Array<{ ts: string; tables: string[] }> = [];
let reads: InstanceType<typeof ReadSet> | undefined;
installPatches(internals, {
  committed: (ts, writes) => commits.push({ ts: String(ts), tables: [...new Set(writes.map((w) => w.table))] }),
  readSet: () => reads,
  journalSlot: () => undefined,
  beforeTransaction: () => undefined,
  afterTransaction: () => {},
});

const schema = defineSchema({
  notes: defineTable({ owner: v.string(), text: v.string() }).index("by_owner", ["owner"]),
  other: defineTable({ n: v.number() }),
});
// convex-test needs a `_generated` module to find the functions root; none are called here.
const t = convexTest({ schema, modules: { "/virtual/convex/_generated/api.js": async () => ({}) } });

const [a, b] = await t.run(async (ctx) => [
  await ctx.db.insert("notes", { owner: "ann", text: "one" }),
  await ctx.db.insert("notes", { owner: "bob", text: "two" }),
]);
await t.run(async (ctx) => {
  await ctx.db.insert("other", { n: 1 });
  await ctx.db.patch(a!, { text: "one, edited" });
  await ctx.db.delete(b!);
  // Inside the transaction, its own writes are visible.
  const seen = await ctx.db.query("notes").collect();
  if (seen.length !== 1 || seen[0]!.text !== "one, edited") throw new Error(`in-transaction read: ${JSON.stringify(seen)}`);
});
reads = new ReadSet();
const byOwner = await t.query(async (ctx) => ctx.db.query("notes").withIndex("by_owner", (q) => q.eq("owner", "ann")).collect());
const rangeReads = reads;
reads = new ReadSet();
const all = await t.query(async (ctx) => ctx.db.query("notes").collect());
const scanReads = reads;
reads = undefined;

console.log(
  JSON.stringify({
    byOwner: byOwner.map((n) => n.text),
    all: all.map((n) => n.text),
    rangeReads: { scanned: [...rangeReads.scannedTables], ranges: [...rangeReads.ranges.keys()] },
    scanReads: { scanned: [...scanReads.scannedTables] },
    commits: commits.map((c) => c.tables),
    increasing: commits.every((c, i) => i === 0 || BigInt(c.ts) > BigInt(commits[i - 1]!.ts)),
  }),
);

// Index range queries answered from the sorted indexes must equal convex-test's
// own full scan. The scan is what convex-test does inside a transaction that
// wrote to the table, so each query is also run that way, as the oracle.
const itemsSchema = defineSchema({
  items: defineTable({ a: v.number(), b: v.string(), c: v.optional(v.number()) })
    .index("by_a_b", ["a", "b"])
    .index("by_c", ["c"]),
});
const t2 = convexTest({ schema: itemsSchema, modules: { "/virtual/convex/_generated/api.js": async () => ({}) } });
let seed = 7;
const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const letters = ["a", "b", "c", "d", "e"];
const itemIds = await t2.run(async (ctx) => {
  const ids = [];
  for (let i = 0; i < 300; i++) {
    ids.push(await ctx.db.insert("items", { a: random(10), b: letters[random(5)]!, ...(random(3) ? { c: random(4) } : {}) }));
  }
  return ids;
});
type Range = (q: any) => any;
const queries: Array<[string, Range, "asc" | "desc"]> = [
  ["by_a_b", (q) => q.eq("a", 3), "asc"],
  ["by_a_b", (q) => q.eq("a", 3).gt("b", "b"), "desc"],
  ["by_a_b", (q) => q.eq("a", 3).gte("b", "b").lt("b", "e"), "asc"],
  ["by_a_b", (q) => q.gte("a", 2).lte("a", 5), "desc"],
  ["by_a_b", (q) => q.lt("a", 1), "asc"],
  ["by_a_b", (q) => q.eq("a", 42), "asc"],
  ["by_c", (q) => q.eq("c", undefined), "asc"],
  ["by_c", (q) => q.gt("c", 1), "asc"],
  ["by_creation_time", (q) => q, "desc"],
];
const ask = (ctx: any, [index, range, order]: (typeof queries)[number]) =>
  ctx.db.query("items").withIndex(index, range).order(order).collect();
let mismatches = 0;
const compare = async () => {
  const fast = await t2.query(async (ctx) => Promise.all(queries.map((query) => ask(ctx, query))));
  const oracle = await t2.run(async (ctx) => {
    const marker = await ctx.db.insert("items", { a: -1, b: "zz" }); // a pending write: the full-scan path
    const results = await Promise.all(queries.map((query) => ask(ctx, query)));
    await ctx.db.delete(marker);
    return results.map((rows: any[]) => rows.filter((row) => row._id !== marker));
  });
  fast.forEach((rows: any[], i) => {
    if (JSON.stringify(rows) !== JSON.stringify(oracle[i])) mismatches++;
  });
};
await compare(); // builds the sorted indexes
await t2.run(async (ctx) => {
  for (let i = 0; i < 60; i++) {
    const id = itemIds[random(itemIds.length)]!;
    if (!(await ctx.db.get(id))) continue;
    if (random(4) === 0) await ctx.db.delete(id);
    else await ctx.db.patch(id, { a: random(10), b: letters[random(5)]!, c: random(2) ? random(4) : undefined });
  }
  for (let i = 0; i < 30; i++) await ctx.db.insert("items", { a: random(10), b: letters[random(5)]! });
});
await compare(); // after the indexes were maintained through writes
console.log(JSON.stringify({ indexRangeMismatches: mismatches, queriesCompared: queries.length * 2 }));
