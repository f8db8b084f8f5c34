/**
 * The storage layer in process, without an engine: the journal (records in
 * order, the barrier, segments, a torn tail, preallocated space, owner-only
 * files), a damaged journal (refused untouched, or salvaged), the data
 * file's lock (a reused pid, racing backends) and recovery
 * (snapshot + journal replayed, counters never going back, stray temporary
 * snapshots).
 */
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Doc } from "./engine/convexTestInternals";
import { encodeCommit } from "./storage/commitRecord";
import { DocJson } from "./storage/docJson";
import { journalSegmentPath, removeStrayTemporaryFiles } from "./storage/files";
import { Journal } from "./storage/journal";
import { discardTornTail, JournalDamaged, scanJournal } from "./storage/journalScan";
import { lockDataFile } from "./storage/lock";
import { recoverState } from "./storage/recovery";

const RACER = fileURLToPath(new URL("./test/lockRacer.ts", import.meta.url));
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "local-convex-storage-"));
  file = path.join(dir, "data.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (text: string) => (seq: number) => JSON.stringify({ seq, text });
const doc = (id: string, fields: Record<string, string> = {}) => ({ _id: id, _creationTime: 1, ...fields }) as Doc;
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
    expect(scan).toMatchObject({
      tornTail: { segment: 2, seq: 4, following: 0, reason: expect.stringMatching(/incomplete record/) as unknown },
      damage: null,
    });
    discardTornTail(file, scan.tornTail!);
    const next = Journal.create(file, scan.lastSegment + 1, 3);
    next.append(record("d"));
    await next.barrier();
    expect(scanJournal(file, 0)).toMatchObject({ tornTail: null, damage: null });
    expect(texts()).toEqual(["a", "b", "c", "d"]);
    await next.close({ deleteIfEmpty: false });
  });

  test("a gap in the sequence is damage, not a torn tail", () => {
    writeFileSync(journalSegmentPath(file, 1), `${record("a")(1)}\n${record("c")(3)}\n`);
    expect(scanJournal(file, 0)).toMatchObject({
      entries: [{ seq: 1 }],
      damage: { seq: 3, following: 0, reason: expect.stringMatching(/records are missing/) as unknown },
    });
  });
});

describe("a damaged journal", () => {
  /** A snapshot-less store of five commits: job i (id 1000i) written by commit i, the counter past it. */
  async function fiveCommits(): Promise<void> {
    const docJson = new DocJson();
    const journal = Journal.create(file, 1, 0);
    for (let i = 1; i <= 5; i++) {
      const id = `${String(10000 + i).padStart(28, "0")}jobs`;
      journal.append((seq) =>
        encodeCommit(
          seq,
          {
            ts: BigInt(i * 100),
            writes: [{ componentPath: "", table: "jobs", id, doc: doc(id, { prompt: `topic ${i}` }), previous: null }],
            counters: new Map([["", { nextDocId: 10001 + i, lastCreationTime: i }]]),
          },
          docJson,
        ),
      );
    }
    await journal.close({ deleteIfEmpty: false });
  }
  /** Changes one byte of the journal, at the first place `text` appears. */
  function changeByte(text: string, to: string): void {
    const path = journalSegmentPath(file, 1);
    const bytes = readFileSync(path);
    bytes[bytes.indexOf(text)] = to.charCodeAt(0);
    writeFileSync(path, bytes);
  }
  const files = () =>
    Object.fromEntries(
      readdirSync(dir).map((name) => [
        name,
        createHash("sha256")
          .update(readFileSync(path.join(dir, name)))
          .digest("hex"),
      ]),
    );

  test("a changed byte mid-journal (still valid JSON) is refused, naming the file, the record and how many follow; nothing is changed", async () => {
    await fiveCommits();
    changeByte("topic 2", "T"); // caught by the record's checksum
    const before = files();
    const refusal = (() => {
      try {
        recoverState(file, new DocJson(), { repair: true });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(JournalDamaged);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^The journal of ${file} is damaged: record 2 \\(${journalSegmentPath(file, 1)}, byte \\d+\\) is its checksum does not match .*, ` +
          `and 3 record\\(s\\) follow it\\. local-convex did not start and changed no file\\. .*--salvage`,
      ),
    );
    expect(files()).toEqual(before);
    // A byte that breaks the JSON, in the last record with records... none after it: still damage (the record was complete).
    rmSync(journalSegmentPath(file, 1));
    await fiveCommits();
    changeByte('"seq":5', "{");
    expect(() => recoverState(file, new DocJson(), { repair: true })).toThrow(
      /record 5 .* is not valid JSON, and 0 record/,
    );
  });

  test("salvaged: the records before the bad one are replayed, the rest kept in a file, and ids continue past every id in it", async () => {
    await fiveCommits();
    changeByte("topic 3", "T");
    changeByte("[10006,5]", "0"); // the last counters damaged too: the last id written still counts
    const state = recoverState(file, new DocJson(), { repair: true, salvage: true });
    const root = state.components.find((c) => c.path === "")!;
    expect(root.documents.map((d) => d.prompt)).toEqual(["topic 1", "topic 2"]);
    expect(root.nextDocId).toBe(10006);
    const keptFile = state.salvaged!.keptFile;
    expect(state.warnings.join("\n")).toMatch(
      new RegExp(`record 3 \\(its checksum does not match.*\\) and the 2 after it are moved to ${keptFile}`),
    );
    const kept = readFileSync(keptFile, "utf8").trim().split("\n");
    expect(kept.map((line) => /"seq":(\d+)/.exec(line)?.[1])).toEqual(["3", "4", "5"]);
    expect(statSync(keptFile).mode & 0o777).toBe(0o600);
    // The journal now ends before the bad record; a restart reads it whole.
    expect(scanJournal(file, 0)).toMatchObject({ entries: [{ seq: 1 }, { seq: 2 }], damage: null, tornTail: null });
  });
});

describe("the data file's lock", () => {
  const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  /** A lock file as a backend that is gone left it. */
  const staleLock = (lockFile: string, pid: number) =>
    writeFileSync(lockFile, JSON.stringify({ pid, start: "1", boot: bootId }), { mode: 0o600 });

  test("a lock whose pid now belongs to another process is stale; a live backend's is not", async () => {
    // This test's own pid, with a start time it never had: a dead backend's pid, reused.
    staleLock(`${file}.lock-3`, process.pid);
    const release = await lockDataFile(file);
    expect(readdirSync(dir)).toEqual(["data.json.lock-4"]);
    await expect(lockDataFile(file)).rejects.toThrow(
      new RegExp(`^Another local-convex \\(pid ${process.pid}\\) is using ${file}\\.`),
    );
    release();
    (await lockDataFile(file))(); // released: the next one takes it
    expect(readdirSync(dir)).toEqual(["data.json.lock-5"]);
  });

  test("backends racing over a stale lock: exactly one gets it, every time", async () => {
    const trials = 40;
    for (let trial = 0; trial < trials; trial++) {
      mkdirSync(path.join(dir, String(trial)));
      staleLock(path.join(dir, String(trial), "data.json.lock-1"), trial % 2 ? process.pid : 2 ** 22 + 1);
    }
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const racers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ["--import", tsx, RACER, dir, String(trials), "15"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      const lines = createInterface({ input: child.stdout });
      const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
      return { child, next, ready: next() };
    });
    await Promise.all(racers.map((r) => r.ready));
    const startAt = Date.now() + 100;
    const results = racers.map((r) => r.next());
    for (const r of racers) r.child.stdin.write(`go ${startAt}\n`);
    const got = (await Promise.all(results)).map((line) => JSON.parse(line) as number[]);
    for (const r of racers) r.child.stdin.end();
    const winners = Array.from({ length: trials }, (_, trial) => got.filter((trials) => trials.includes(trial)).length);
    expect(winners).toEqual(Array.from({ length: trials }, () => 1));
  }, 30_000);
});

describe("recovery", () => {
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
