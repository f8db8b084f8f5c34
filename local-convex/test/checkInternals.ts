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
