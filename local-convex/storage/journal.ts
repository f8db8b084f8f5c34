/**
 * The journal: an append-only log of records, one JSON object per line,
 * each with a sequence number (`seq`, 1, 2, 3, ... with no gaps), split in
 * segments (`<file>.journal-<n>`) so that the part a snapshot covers can be
 * deleted as a whole file.
 *
 * Durability: `append` writes the record to the segment at once (so records
 * are in the file in sequence order); `barrier()` makes every record
 * appended so far durable (fdatasync). While the disk is fast (the last
 * flush took under `INLINE_SYNC_BELOW_MS`), it flushes at once, inline: a
 * fraction of a millisecond, less than a round trip through the thread pool.
 * Otherwise it flushes in the background and returns a promise; while one
 * fdatasync runs, further records wait for the next, which then covers all
 * of them (group commit). A record is durable only when all before it are,
 * so what survives a crash is always a prefix of the journal.
 *
 * Segments are preallocated (filled with `SEGMENT_PREALLOCATED_BYTES` of
 * zeros, the next one in the background) and records written over the zeros:
 * then an fdatasync flushes only the record, not the file's growing size and
 * new blocks, which costs several times more. In a segment, a zero byte where
 * a record would start marks the end of its records.
 *
 * Each record carries a checksum (`sealRecord`), so a changed byte is found
 * when it is read back (`journalScan.ts`).
 *
 * A write or flush that fails (a full disk) stops the journal (`failure`):
 * no record is appended until the owner has made everything durable some
 * other way (a snapshot) and calls `resume()`, which continues in a new
 * segment. Barriers wait meanwhile; they never report a failure.
 */
import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fsync,
  ftruncateSync,
  open,
  openSync,
  rmSync,
  write,
  writeSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { log } from "../log";
import { journalSegmentPath, listJournalSegments, PRIVATE_FILE_MODE, syncDirectory, syncDirectorySync } from "./files";
import { sealRecord } from "./journalScan";

/** Zeros written into a new segment before use: room for thousands of records (a compaction starts a new segment every few seconds under load). */
const SEGMENT_PREALLOCATED_BYTES = 4 * 1024 * 1024;
const ZEROS = Buffer.alloc(1024 * 1024);
/** An fdatasync slower than this is reported (answers wait for it: the disk is the bottleneck). */
const SLOW_SYNC_MS = 1000;
/** A disk that flushed faster than this last time is flushed inline (blocking that long is cheaper than a thread hop). */
const INLINE_SYNC_BELOW_MS = 1;
/** While flushing in the background, try inline again this often (the disk may have become fast again). */
const INLINE_RETRY_EVERY_MS = 2000;

/** A journal record as read back: any JSON object with its `seq`. */
export type JournalEntry = { seq: number } & Record<string, unknown>;

type Waiter = { seq: number; resolve: () => void };

/** An open segment file. */
type Segment = { n: number; fd: number };

export class Journal {
  private fd: number;
  private lastSeq: number;
  private durableSeq: number;
  /** Bytes of records in the current segment (where the next one is written). */
  private segmentBytes = 0;
  /** The next segment, preallocated in the background; null until ready. */
  private prepared: Segment | null = null;
  private preparing: Promise<void> | null = null;
  private waiters: Waiter[] = [];
  private syncing = false;
  /** Descriptors of earlier segments, closed once no fdatasync on them is in flight. */
  private retired: number[] = [];
  /** Why the journal cannot be written now (null: it can). */
  private failure: Error | null = null;
  private closed = false;
  /** Told when the journal fails. */
  private readonly onFailure: (error: Error) => void;
  /** How long the last inline fdatasync took, and when. */
  private lastInlineSyncMs = 0;
  private lastInlineSyncAt = 0;

  private constructor(
    private readonly file: string,
    private segment: number,
    lastSeq: number,
    private readonly inlineSyncBelowMs: number,
    onFailure: (error: Error) => void,
  ) {
    this.onFailure = onFailure;
    this.lastSeq = this.durableSeq = lastSeq;
    this.fd = openSegment(file, segment, { preallocate: true });
    this.prepareNext();
  }

  /**
   * Starts segment `segment` of `file`'s journal (a new file, owner-only, its
   * directory entry made durable); the next record gets `lastSeq + 1`.
   * `inlineSyncBelowMs` 0 always flushes in the background (tests);
   * `onFailure` is told when a write or flush fails.
   */
  static create(
    file: string,
    segment: number,
    lastSeq: number,
    {
      inlineSyncBelowMs = INLINE_SYNC_BELOW_MS,
      onFailure = () => {},
    }: { inlineSyncBelowMs?: number; onFailure?: (error: Error) => void } = {},
  ): Journal {
    return new Journal(file, segment, lastSeq, inlineSyncBelowMs, onFailure);
  }

  /** The seq of the last record appended. */
  get seq(): number {
    return this.lastSeq;
  }

  /** The seq of the last record known to be on disk. */
  get durable(): number {
    return this.durableSeq;
  }

  /** Why records cannot be appended now (a disk error until `resume()`, or closed); null when they can. */
  get unavailable(): Error | null {
    return this.failure;
  }

  /** Bytes in the current segment (what a compaction would let go of). */
  get size(): number {
    return this.segmentBytes;
  }

  /**
   * Appends one record: `render(seq)` must return one line of JSON (an
   * object whose first key is `seq`). Written at once, durable after the
   * next `barrier()`. Throws if it cannot be written (then nothing of it
   * is in the journal, and the journal stops: `unavailable`).
   */
  append(render: (seq: number) => string): number {
    if (this.failure) throw this.failure;
    const seq = this.lastSeq + 1;
    const bytes = Buffer.from(sealRecord(render(seq)) + "\n", "utf8");
    try {
      for (let written = 0; written < bytes.length;)
        written += writeSync(this.fd, bytes, written, bytes.length - written, this.segmentBytes + written);
    } catch (error) {
      this.fail(error as Error);
      try {
        ftruncateSync(this.fd, this.segmentBytes); // what part of the record got written
      } catch {
        // then resume() cuts it, or a restart finds it a torn tail
      }
      throw this.failure!;
    }
    this.lastSeq = seq;
    this.segmentBytes += bytes.length;
    return seq;
  }

  /**
   * Undefined when every record up to `seq` (default: every record appended
   * so far) is durable; otherwise a promise that resolves when they are
   * (after a failure: once `resume()` has made them so). Never rejects.
   */
  barrier(seq = this.lastSeq): Promise<void> | undefined {
    if (this.durableSeq >= seq) return undefined;
    if (this.failure) return new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    const inline =
      this.lastInlineSyncMs < this.inlineSyncBelowMs ||
      (this.inlineSyncBelowMs > 0 && Date.now() - this.lastInlineSyncAt > INLINE_RETRY_EVERY_MS);
    if (inline && !this.syncing) {
      return this.syncInline();
    }
    const durable = new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    this.startSync();
    return durable;
  }

  /** Makes everything appended so far durable before returning (throws if it cannot). */
  syncNow(): void {
    if (this.failure) throw this.failure;
    try {
      fdatasyncSync(this.fd);
    } catch (error) {
      this.fail(error as Error);
      throw this.failure!;
    }
    this.markDurable(this.lastSeq);
  }

  /** Flushes now, blocking: everything appended so far is durable when it returns (undefined), or it fails. */
  private syncInline(): Promise<void> | undefined {
    const started = performance.now();
    try {
      fdatasyncSync(this.fd);
    } catch (error) {
      this.fail(error as Error);
      return this.barrier();
    }
    this.lastInlineSyncMs = performance.now() - started;
    this.lastInlineSyncAt = Date.now();
    if (this.lastInlineSyncMs > SLOW_SYNC_MS)
      log.warn(
        `Saving to ${this.file} took ${(this.lastInlineSyncMs / 1000).toFixed(1)} s (fdatasync): answers wait for the disk.`,
      );
    this.markDurable(this.lastSeq);
    return undefined;
  }

  /** One fdatasync at a time; it covers every record appended before it started. */
  private startSync(): void {
    if (this.syncing || this.failure || this.waiters.length === 0) return;
    this.syncing = true;
    const target = this.lastSeq;
    const started = performance.now();
    fdatasync(this.fd, (error) => {
      this.syncing = false;
      const ms = performance.now() - started;
      if (ms > SLOW_SYNC_MS)
        log.warn(`Saving to ${this.file} took ${(ms / 1000).toFixed(1)} s (fdatasync): answers wait for the disk.`);
      for (const fd of this.retired.splice(0)) closeSync(fd);
      if (error) return this.fail(error); // its waiters wait for resume()
      this.markDurable(target);
      this.startSync();
    });
  }

  private markDurable(seq: number): void {
    if (seq <= this.durableSeq) return;
    this.durableSeq = seq;
    const ready = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const waiter of ready) waiter.resolve();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = new Error(`local-convex cannot save data to ${this.file}: ${error.message}`, { cause: error });
    log.error(this.failure.message);
    this.onFailure(error);
  }

  /**
   * After a failure: continues in a new segment, everything appended so far
   * counting as durable. Call only once a durable snapshot holds every record
   * up to `seq`. Returns the new segment's number (the ones before it may be
   * deleted); throws, still failed, if the new segment cannot be made.
   */
  resume(): number {
    if (!this.failure || this.closed) throw new Error("the journal has not failed");
    const n = this.prepared?.n ?? this.segment + (this.preparing ? 2 : 1);
    let fd = this.prepared?.fd ?? -1;
    if (fd < 0) {
      try {
        fd = openSegment(this.file, n, { preallocate: true });
      } catch {
        rmSync(journalSegmentPath(this.file, n), { force: true });
        fd = openSegment(this.file, n, { preallocate: false });
      }
    }
    this.prepared = null;
    if (this.syncing) this.retired.push(this.fd);
    else closeSync(this.fd);
    this.fd = fd;
    this.segment = n;
    this.segmentBytes = 0;
    this.failure = null;
    this.markDurable(this.lastSeq);
    this.prepareNext();
    return n;
  }

  /**
   * Makes everything so far durable and starts the next segment; returns its
   * number. Records before it are exactly those appended until now, so once a
   * snapshot holding them is durable, `removeSegmentsBefore(n)` may delete them.
   */
  rotate(): number {
    if (this.failure) throw this.failure;
    try {
      fdatasyncSync(this.fd);
      this.markDurable(this.lastSeq);
      const previous = this.fd;
      // The prepared segment if it is ready; otherwise a plain one (numbered past one still being prepared).
      const next = this.prepared ?? { n: this.segment + (this.preparing ? 2 : 1), fd: -1 };
      this.prepared = null;
      this.fd = next.fd >= 0 ? next.fd : openSegment(this.file, next.n, { preallocate: false });
      this.segment = next.n;
      this.segmentBytes = 0;
      if (this.syncing) this.retired.push(previous);
      else closeSync(previous);
    } catch (error) {
      this.fail(error as Error);
      throw error;
    }
    this.prepareNext();
    return this.segment;
  }

  /** Preallocates the segment after the current one, off the event loop (a failure only costs speed). */
  private prepareNext(): void {
    if (this.preparing || this.failure || this.prepared) return;
    const n = this.segment + 1;
    this.preparing = preallocateSegment(this.file, n).then(
      (fd) => {
        this.preparing = null;
        if (!this.failure && this.segment < n) return void (this.prepared = { n, fd });
        // Outrun by a rotation (or the journal closed): never used, so deleted.
        closeSync(fd);
        rmSync(journalSegmentPath(this.file, n), { force: true });
        this.prepareNext();
      },
      (error: unknown) => {
        this.preparing = null;
        log.warn(
          `Could not preallocate a journal segment (writes stay durable, only slower): ${(error as Error).message}`,
        );
      },
    );
  }

  /** Deletes the segments numbered below `n` (their records are in a durable snapshot). */
  async removeSegmentsBefore(n: number): Promise<void> {
    const old = listJournalSegments(this.file).filter((segment) => segment.n < n);
    for (const segment of old) await rm(segment.path, { force: true });
    if (old.length > 0) await syncDirectory(this.file);
  }

  /**
   * Makes everything durable and closes the journal. With `deleteIfEmpty`,
   * the current segment is deleted when it holds no record (a snapshot has all).
   */
  async close({ deleteIfEmpty }: { deleteIfEmpty: boolean }): Promise<void> {
    const healthy = this.failure === null;
    this.closed = true;
    this.failure ??= new Error("local-convex has stopped: the journal is closed."); // no more appends or preparations
    while (this.preparing) await this.preparing;
    if (healthy) {
      fdatasyncSync(this.fd);
      this.markDurable(this.lastSeq);
    }
    if (!this.syncing) closeSync(this.fd);
    else this.retired.push(this.fd);
    if (this.prepared) {
      closeSync(this.prepared.fd);
      rmSync(journalSegmentPath(this.file, this.prepared.n), { force: true });
      this.prepared = null;
    }
    if (deleteIfEmpty && this.segmentBytes === 0) rmSync(journalSegmentPath(this.file, this.segment), { force: true });
  }
}

/** Creates segment `n` (owner-only, its directory entry durable), filled with zeros when `preallocate`. */
function openSegment(file: string, n: number, { preallocate }: { preallocate: boolean }): number {
  const fd = openSync(journalSegmentPath(file, n), "wx+", PRIVATE_FILE_MODE);
  if (preallocate) {
    for (let offset = 0; offset < SEGMENT_PREALLOCATED_BYTES; offset += ZEROS.length)
      writeSync(fd, ZEROS, 0, ZEROS.length, offset);
    fdatasyncSync(fd);
  }
  syncDirectorySync(file);
  return fd;
}

/** `openSegment` with preallocation, off the event loop. */
async function preallocateSegment(file: string, n: number): Promise<number> {
  const fd = await promisify(open)(journalSegmentPath(file, n), "wx+", PRIVATE_FILE_MODE);
  try {
    for (let offset = 0; offset < SEGMENT_PREALLOCATED_BYTES; offset += ZEROS.length)
      await promisify(write)(fd, ZEROS, 0, ZEROS.length, offset);
    await promisify(fsync)(fd);
    await syncDirectory(file);
    return fd;
  } catch (error) {
    closeSync(fd);
    rmSync(journalSegmentPath(file, n), { force: true });
    throw error;
  }
}
