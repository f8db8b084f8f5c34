/**
 * The storage layer in process, without an engine: the journal (records in
 * order, the barrier, segments, a torn tail, preallocated space, owner-only
 * files) and recovery (snapshot + journal replayed, counters never going
 * back, stray temporary snapshots).
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Doc } from "./engine/convexTestInternals";
import { encodeCommit } from "./storage/commitRecord";
import { DocJson } from "./storage/docJson";
import { journalSegmentPath, removeStrayTemporaryFiles } from "./storage/files";
import { discardInvalidTail, Journal, scanJournal } from "./storage/journal";
import { recoverState } from "./storage/recovery";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "local-convex-storage-"));
  file = path.join(dir, "data.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (text: string) => (seq: number) => JSON.stringify({ seq, text });
const texts = (afterSeq = 0) => scanJournal(file, afterSeq).entries.map((entry) => entry.text);

describe("Journal", () => {
  test("records are durable after the barrier (inline while the disk is fast), in order", async () => {
    const journal = Journal.create(file, 1, 0);
    journal.append(record("a"));
    expect(journal.barrier()).toBeUndefined(); // flushed at once
    expect(journal.durable).toBe(1);
    await journal.close({ deleteIfEmpty: false });
    expect(texts()).toEqual(["a"]);
  });

  test("in the background: commits during one fdatasync share the next; segments; covered segments can go", async () => {
    const journal = Journal.create(file, 1, 0, { inlineSyncBelowMs: 0 });
    expect(journal.barrier()).toBeUndefined(); // nothing to wait for
    journal.append(record("a"));
    journal.append(record("b"));
    const durable = journal.barrier();
    expect(durable).toBeInstanceOf(Promise);
    journal.append(record("c")); // during the fdatasync: covered by the next one
    const upToB = journal.barrier(2); // a and b only: the fdatasync in flight covers them
    expect(upToB).toBeInstanceOf(Promise);
    await Promise.all([durable, upToB]);
    expect(journal.durable).toBe(2);
    await journal.barrier();
    expect(journal.barrier()).toBeUndefined();
    expect(journal.durable).toBe(3);
    expect(texts()).toEqual(["a", "b", "c"]);

    const kept = journal.rotate(); // the next segment (or the one after, while that one is still being preallocated)
    expect(kept).toBeGreaterThan(1);
    journal.append(record("d"));
    expect(texts()).toEqual(["a", "b", "c", "d"]);
    await journal.removeSegmentsBefore(kept);
    expect(texts(3)).toEqual(["d"]);
    await journal.close({ deleteIfEmpty: true });
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).mode & 0o777, name).toBe(0o600);
  });

  test("segments are preallocated (zeros after the records) and read back to their last record", async () => {
    const journal = Journal.create(file, 1, 0);
    journal.append(record("only"));
    expect(statSync(journalSegmentPath(file, 1)).size).toBeGreaterThanOrEqual(1024 * 1024);
    expect(texts()).toEqual(["only"]);
    await journal.close({ deleteIfEmpty: false });
  });

  test("a torn last record ends the valid records; it is cut off, and a new segment follows the valid ones", async () => {
    const journal = Journal.create(file, 1, 0);
    journal.append(record("a"));
    journal.append(record("b"));
    await journal.close({ deleteIfEmpty: false });
    writeFileSync(journalSegmentPath(file, 2), `${record("c")(3)}\n{"seq":4,"text":"hal`); // a crash mid-write
    const scan = scanJournal(file, 0);
    expect(scan.entries.map((e) => e.text)).toEqual(["a", "b", "c"]);
    expect(scan.invalid).toMatchObject({
      segment: 2,
      reason: expect.stringMatching(/incomplete last record/) as unknown,
    });
    discardInvalidTail(file, scan);
    const next = Journal.create(file, scan.lastSegment + 1, 3);
    next.append(record("d"));
    await next.barrier();
    expect(scanJournal(file, 0)).toMatchObject({ invalid: null });
    expect(texts()).toEqual(["a", "b", "c", "d"]);
    await next.close({ deleteIfEmpty: false });
  });

  test("a gap in the sequence ends the valid records", () => {
    writeFileSync(journalSegmentPath(file, 1), `${record("a")(1)}\n${record("c")(3)}\n`);
    expect(scanJournal(file, 0)).toMatchObject({
      entries: [{ seq: 1 }],
      invalid: { reason: expect.stringMatching(/gap/) as unknown },
    });
  });
});

describe("recovery", () => {
  const doc = (id: string, fields: Record<string, string> = {}) => ({ _id: id, _creationTime: 1, ...fields }) as Doc;

  test("replays the journal after the snapshot's journalSeq; ids continue after every journaled one", async () => {
    writeFileSync(
      file,
      JSON.stringify({
        format: "local-convex-data",
        version: 1,
        lastCommitTs: "100",
        journalSeq: 1,
        components: {
          "": {
            nextDocId: 10002,
            lastCreationTime: 1,
            tables: {
              notes: [
                { _id: "10000notes", _creationTime: 1, text: "kept" },
                { _id: "10001notes", _creationTime: 1, text: "deleted later" },
              ],
            },
          },
        },
        extra: {},
      }),
    );
    const docJson = new DocJson();
    const journal = Journal.create(file, 1, 0);
    const commit = (ts: bigint, writes: Array<{ id: string; doc: Doc | null }>, nextDocId: number) =>
      journal.append((seq) =>
        encodeCommit(
          seq,
          {
            ts,
            writes: writes.map((w) => ({ componentPath: "", table: "notes", previous: null, ...w })),
            counters: new Map([["", { nextDocId, lastCreationTime: 2 }]]),
          },
          docJson,
        ),
      );
    commit(100n, [{ id: "10000notes", doc: doc("10000notes", { text: "in the snapshot already" }) }], 10001); // seq 1: skipped
    commit(200n, [{ id: "10002notes", doc: doc("10002notes", { text: "journaled" }) }], 10003);
    commit(300n, [{ id: "10001notes", doc: null }], 10010); // a rolled-back insert had moved the counter
    await journal.close({ deleteIfEmpty: false });

    const state = recoverState(file, new DocJson(), { repair: true });
    expect(state).toMatchObject({
      found: true,
      lastCommitTs: 300n,
      journalSeq: 3,
      snapshotSeq: 1,
      replayed: 2,
      warnings: [],
    });
    const root = state.components.find((c) => c.path === "")!;
    expect(root.nextDocId).toBe(10010);
    expect(root.documents.map((d) => [d._id, d.text])).toEqual([
      ["10000notes", "kept"],
      ["10002notes", "journaled"],
    ]);
  });

  test("temporary snapshots a killed process left are removed", () => {
    writeFileSync(`${file}.tmp-12345`, '{"half');
    writeFileSync(path.join(dir, "other.json.tmp-1"), "not ours");
    expect(removeStrayTemporaryFiles(file)).toBe(1);
    expect(readdirSync(dir)).toEqual(["other.json.tmp-1"]);
  });

  test("nothing stored: an empty state", () => {
    appendFileSync(path.join(dir, "unrelated"), "");
    expect(recoverState(file, new DocJson(), { repair: true })).toMatchObject({
      found: false,
      journalSeq: 0,
      lastSegment: 0,
      components: [],
    });
  });
});
