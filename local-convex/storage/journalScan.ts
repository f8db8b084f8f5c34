/**
 * Reading a journal back (`journal.ts` writes it): the valid records after
 * a given seq, in order, and what is wrong with the rest, if anything.
 *
 * A record is valid when it is one line of JSON with the next seq and a
 * matching checksum (`sealRecord`: lines written before records had one are
 * read without). The first record that is not ends the valid ones; then:
 *
 * - a torn tail: a last record cut short (no end of line, or a hole of
 *   never-written zeros in it) with nothing but zeros after it, as a crash
 *   in the middle of a write leaves it. Nobody was told about it (an answer
 *   waits for the fdatasync of every record up to its own), so startup cuts
 *   it off (`discardTornTail`).
 * - anything else is damage (a changed byte, a missing record...), and what
 *   follows it may have been acknowledged: startup refuses, naming the file,
 *   the record and how many records follow it (`JournalDamaged`), and touches
 *   nothing; with `--salvage`, the records before it are restored and the
 *   rest is moved to a kept file (`salvageDamagedTail`).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import { journalSegmentPath, listJournalSegments, PRIVATE_FILE_MODE, syncDirectorySync } from "./files";
import type { JournalEntry } from "./journal";

/** Where the checksum goes: the last member of a record's JSON object. */
const CHECKSUM = /,"crc":(\d+)\}$/;

/** `record` (one JSON object's text) with its checksum added as its last member. */
export function sealRecord(record: string): string {
  return `${record.slice(0, -1)},"crc":${crc32(record)}}`;
}

/** A bad record, and what follows it. */
export type JournalProblem = {
  /** The segment file and the byte where the bad record starts. */
  segment: number;
  path: string;
  offset: number;
  /** The seq the bad record has, or would have. */
  seq: number;
  reason: string;
  /** Records (lines) after it, in its segment and the later ones. */
  following: number;
};

/** What a journal holds after `afterSeq`. */
export type JournalScan = {
  /** The valid records after `afterSeq`, in order, seq without gaps. */
  entries: JournalEntry[];
  /** The highest segment number present (0 when there is none). */
  lastSegment: number;
  /** A last record cut short by a crash (cut off at startup). */
  tornTail: JournalProblem | null;
  /** A bad record that is not a torn tail (startup refuses, or salvages). */
  damage: JournalProblem | null;
  /** Bad records among those `afterSeq` already covers (harmless: the snapshot has them). */
  ignored: number;
};

/** A journal that is damaged: its message says where, and what to do. */
export class JournalDamaged extends Error {
  override readonly name = "JournalDamaged";
}

type Segment = { n: number; path: string; bytes: Buffer };

/** Reads `file`'s journal: the valid records after `afterSeq` (see the header). */
export function scanJournal(file: string, afterSeq: number): JournalScan {
  const segments: Segment[] = listJournalSegments(file).map((s) => ({ ...s, bytes: readFileSync(s.path) }));
  const scan: JournalScan = {
    entries: [],
    lastSegment: segments.at(-1)?.n ?? 0,
    tornTail: null,
    damage: null,
    ignored: 0,
  };
  let expected = afterSeq + 1;
  for (const [index, segment] of segments.entries()) {
    const bytes = segment.bytes;
    let offset = 0;
    while (offset < bytes.length) {
      // A zero byte where a record would start: the end of the records, if only zeros follow.
      if (bytes[offset] === 0 && firstNonZero(bytes, offset) === -1) break;
      const newline = bytes.indexOf(0x0a, offset);
      const end = newline === -1 ? bytes.length : newline + 1;
      const line = bytes.subarray(offset, newline === -1 ? bytes.length : newline);
      const read = readRecord(line, newline !== -1, expected);
      if ("entry" in read) {
        if (read.entry.seq === expected) {
          scan.entries.push(read.entry);
          expected++;
        }
        offset = end;
        continue;
      }
      if (expected === afterSeq + 1 && nextSeq(segments, index, end) <= afterSeq) {
        scan.ignored++; // followed by records the snapshot already has
        offset = end;
        continue;
      }
      const following = countLines(segments, index, end);
      const problem = { segment: segment.n, path: segment.path, offset, seq: read.seq, reason: read.reason, following };
      if (read.incomplete && following === 0) scan.tornTail = problem;
      else scan.damage = problem;
      return scan;
    }
  }
  return scan;
}

/**
 * The record in `line` (`ended`: by an end of line), or why it is not the
 * next one; `incomplete`: as a write cut short leaves it (no end of line, or
 * never-written zeros in it).
 */
function readRecord(
  line: Buffer,
  ended: boolean,
  expected: number,
): { entry: JournalEntry } | { reason: string; seq: number; incomplete: boolean } {
  if (!ended || line.includes(0))
    return { reason: "an incomplete record (a write cut short)", seq: expected, incomplete: true };
  const text = line.toString("utf8");
  let entry: JournalEntry;
  try {
    entry = JSON.parse(text) as JournalEntry;
  } catch {
    return { reason: "not valid JSON", seq: expected, incomplete: false };
  }
  const seq = Number.isSafeInteger(entry?.seq) ? entry.seq : expected;
  const checksum = CHECKSUM.exec(text);
  if (checksum && crc32(`${text.slice(0, checksum.index)}}`) !== Number(checksum[1]))
    return { reason: "its checksum does not match (its bytes have changed)", seq, incomplete: false };
  if (!Number.isSafeInteger(entry.seq)) return { reason: "without a sequence number", seq, incomplete: false };
  if (entry.seq > expected)
    return {
      reason: `record ${entry.seq} where ${expected} was expected (records are missing)`,
      seq,
      incomplete: false,
    };
  delete entry.crc;
  return { entry };
}

/** The seq of the first valid record after byte `from` of segment `index` (Infinity if none). */
function nextSeq(segments: Segment[], index: number, from: number): number {
  for (let i = index; i < segments.length; i++) {
    const lines = segments[i]!.bytes.subarray(i === index ? from : 0)
      .toString("utf8")
      .split("\n");
    for (const line of lines) {
      try {
        const seq = (JSON.parse(line) as { seq?: unknown }).seq;
        if (Number.isSafeInteger(seq)) return seq as number;
      } catch {
        // not a record
      }
    }
  }
  return Infinity;
}

/** Lines with anything but zeros in them after byte `from` of segment `index`. */
function countLines(segments: Segment[], index: number, from: number): number {
  let count = 0;
  for (let i = index; i < segments.length; i++) {
    for (const line of dataAfter(segments[i]!.bytes, i === index ? from : 0)
      .toString("utf8")
      .split("\n"))
      if (line.length > 0) count++;
  }
  return count;
}

/** The bytes of `bytes` from `from` on, without the zeros a preallocated segment ends with. */
function dataAfter(bytes: Buffer, from: number): Buffer {
  let end = bytes.length;
  while (end > from && bytes[end - 1] === 0) end--;
  return bytes.subarray(from, end);
}

function firstNonZero(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return i;
  return -1;
}

/** The refusal for a damaged journal: where, how much follows, what to do. */
export function damageMessage(file: string, scan: JournalScan): string {
  const damage = scan.damage!;
  return (
    `The journal of ${file} is damaged: record ${damage.seq} (${damage.path}, byte ${damage.offset}) is ${damage.reason}, ` +
    `and ${damage.following} record(s) follow it. local-convex did not start and changed no file. ` +
    `To start with the ${scan.entries.length} journaled record(s) before it, run it again with --salvage: record ${damage.seq} and ` +
    `what follows are then moved to ${file}.damaged-<time> and kept. Otherwise restore the data from a copy.`
  );
}

/** Cuts a torn last record off (only with the data file locked). */
export function discardTornTail(file: string, torn: JournalProblem): void {
  cutAt(file, torn);
}

/**
 * Moves the damaged part of the journal (the bad record and everything
 * after it) to a new file next to it, kept and durable before the journal
 * is cut there. Returns the kept file and its text. Only with the data file locked.
 */
export function salvageDamagedTail(file: string, damage: JournalProblem): { keptFile: string; text: string } {
  const parts = listJournalSegments(file)
    .filter((segment) => segment.n >= damage.segment)
    .map((segment) => dataAfter(readFileSync(segment.path), segment.n === damage.segment ? damage.offset : 0));
  const kept = Buffer.concat(parts);
  const keptFile = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const temporary = `${keptFile}.tmp`;
  const fd = openSync(temporary, "wx", PRIVATE_FILE_MODE);
  try {
    for (let written = 0; written < kept.length;) written += writeSync(fd, kept, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, keptFile);
  syncDirectorySync(file);
  cutAt(file, damage);
  return { keptFile, text: kept.toString("utf8") };
}

/** Truncates the journal at `problem` (its segment at its offset; later segments deleted). */
function cutAt(file: string, problem: JournalProblem): void {
  truncateSync(journalSegmentPath(file, problem.segment), problem.offset);
  for (const segment of listJournalSegments(file))
    if (segment.n > problem.segment) rmSync(segment.path, { force: true });
  syncDirectorySync(file);
}
