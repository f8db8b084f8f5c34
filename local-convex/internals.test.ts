/**
 * Guards local-convex's access to convex-test internals (see
 * `engine/convexTestHook.ts`): if a convex-test upgrade moves them, this
 * fails with the reason, before anything subtler breaks.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";

const script = fileURLToPath(new URL("./test/checkInternals.ts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const run = (...args: string[]) =>
  execFileSync(process.execPath, ["--import", tsx, script, ...args], { encoding: "utf8", stdio: "pipe" });

describe("convex-test internals", () => {
  test("are all there, and convex-test with local-convex's patches reads, writes and reports commits correctly", () => {
    const [basics, indexes] = run()
      .trim()
      .split("\n")
      .map((line): unknown => JSON.parse(line));
    expect(indexes).toEqual({ indexRangeMismatches: 0, queriesCompared: 18 });
    expect(basics).toEqual({
      byOwner: ["one, edited"],
      all: ["one, edited"],
      rangeReads: { scanned: [], ranges: ["|notes"] },
      scanReads: { scanned: ["|notes"] },
      commits: [["notes"], ["other", "notes"]],
      // What each transaction read and wrote (the benchmark's meter): two inserts;
      // an insert, a patch and a delete (each reading its document) and a one-row read; two queries.
      transactions: [
        { committed: true, read: 0, written: 2 },
        { committed: true, read: 3, written: 3 },
        { committed: false, read: 1, written: 0 },
        { committed: false, read: 1, written: 0 },
      ],
      increasing: true,
    });
  });

  test("without the loader hook, local-convex refuses to start and says why", () => {
    expect(() => run("--without-hook")).toThrow(/loaded without local-convex's loader hook/);
  });
});
