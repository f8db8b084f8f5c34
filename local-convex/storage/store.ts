/**
 * The backend's data on disk, with one guarantee: a write that anybody
 * outside the process has been told about survives a crash (`kill -9`,
 * power loss).
 *
 * - Every commit is appended to the journal (`journal.ts`) as it happens,
 *   with the documents it wrote, the id counters and, for a client's
 *   mutation, its result (`commitRecord.ts`).
 * - `barrier()` resolves once every commit so far is fsynced (`barrier(ts)`:
 *   every commit up to `ts`). The server sends nothing (mutation answers,
 *   query results, Transitions, HTTP responses) before the barrier of the
 *   moment it sends (of its timestamp, for a mutation's answer and a
 *   Transition, which reflect the database as of it), and an action's
 *   `runMutation` returns only after it (`Engine.setDurabilityBarrier`); so
 *   nothing that depends on a commit leaves the process before the commit
 *   is on disk. Commits that arrive during one fsync share the next.
 * - In the background, a snapshot of everything is written (`snapshot.ts`)
 *   and the journal it covers deleted: a compaction, spaced out on big data.
 * - At startup (`open`), stray temporary snapshots are removed and the
 *   journal is replayed over the snapshot (`recovery.ts`), which also
 *   restores the id counters, so an id that was ever acknowledged is never
 *   handed out again.
 * - A graceful stop (`close`) writes a last snapshot and leaves no journal
 *   (unless functions still running keep committing: then their last
 *   commits stay journaled).
 * - When the disk cannot take a write (full): the commit that could not be
 *   journaled is undone and fails, and every later one is refused before it
 *   happens, both with `storageUnavailable` (a coded error clients can tell);
 *   reads go on. Every `STORAGE_RETRY_MS` it tries to write a snapshot and
 *   continue the journal after it; once that works (space was freed), writes
 *   are taken again, without a restart.
 */
import { chmodSync, existsSync } from "node:fs";
import { ConvexError } from "convex/values";
import path from "node:path";
import type { Commit, Engine } from "../engine/engine";
import {
  COMPACT_DEBOUNCE_MS,
  COMPACT_JOURNAL_BYTES,
  COMPACT_MAX_DELAY_MS,
  COMPACT_SPACING_FACTOR,
  STORAGE_RETRY_MS,
} from "../limits";
import { log } from "../log";
import type { MutationLog } from "../sync/mutationLog";
import { encodeCommit, type Counters, type MutationResultRecord } from "./commitRecord";
import { DocJson } from "./docJson";
import { ensureDirectory, PRIVATE_FILE_MODE, removeStrayTemporaryFiles } from "./files";
import { Journal } from "./journal";
import { recoverState } from "./recovery";
import { writeSnapshot, type Snapshot } from "./snapshot";

/** Snapshots a graceful stop writes at most, while running functions keep committing. */
const CLOSE_SNAPSHOT_ATTEMPTS = 3;

export type StoreOptions = {
  /** The snapshot's path; the journal and temporary files sit next to it (`files.ts`). */
  file: string;
  engine: Engine;
  /** Client mutation results: restored, and kept in snapshots. */
  mutations: MutationLog;
  /** Start from a damaged journal: the records before the bad one, the rest moved to a kept file (`--salvage`). */
  salvage?: boolean;
};

/** What `DurableStore.open` found. */
export type Restored = {
  /** Whether there was stored data at all. */
  found: boolean;
  documents: number;
  /** Journal records replayed on top of the snapshot. */
  replayed: number;
  /** Stray temporary snapshots deleted. */
  removedTemporaryFiles: number;
  /** Documents that no longer match the schema, a journal with a torn tail... */
  warnings: string[];
};

/** What a write gets while the data cannot be saved: a ConvexError whose `code` clients can tell. */
export function storageUnavailable(failure: Error): ConvexError<{ code: "StorageUnavailable"; message: string }> {
  const reason = failure.cause instanceof Error ? failure.cause.message : failure.message;
  return new ConvexError({
    code: "StorageUnavailable",
    message: `The backend can't save data (${reason}), so nothing was changed. It tries again every second: free some disk space.`,
  });
}

export class DurableStore {
  readonly file: string;
  private readonly docJson: DocJson;
  private readonly journal: Journal;
  /** The journaled commits not known to be durable yet (timestamp and seq), oldest first. */
  private readonly notDurable: Array<{ ts: bigint; seq: number }> = [];
  /** Each component's counters as the journal last recorded them. */
  private readonly recordedCounters = new Map<string, string>();
  /** Whether anything changed since the last snapshot. */
  private unsaved = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstUnsavedAt: number | null = null;
  private compacting: Promise<void> | null = null;
  /** How long the last compaction took, to space them out on big data. */
  private lastCompactionMs = 0;
  /** While the journal cannot be written: the timer of the attempts to recover, and whether one runs. */
  private recovery: ReturnType<typeof setInterval> | null = null;
  private recovering = false;

  private constructor(
    file: string,
    private readonly engine: Engine,
    private readonly mutations: MutationLog,
    docJson: DocJson,
    journalFrom: { segment: number; seq: number },
  ) {
    this.file = file;
    this.docJson = docJson;
    this.journal = Journal.create(file, journalFrom.segment, journalFrom.seq, {
      onFailure: () => this.startRecovery(),
    });
    this.movedCounters(); // the restored counters are the baseline
    engine.setCommitRecorder(
      (commit) => this.record(commit),
      () => {
        const failure = this.journal.unavailable;
        return failure ? storageUnavailable(failure) : null;
      },
    );
  }

  /**
   * Restores the engine (and the mutation results) from `options.file` and
   * starts journaling its commits. Call with the data file locked, before
   * serving. Throws if the stored data cannot be read (`JournalDamaged`
   * for a damaged journal, unless `salvage`), having changed no file.
   */
  static open({ file, engine, mutations, salvage }: StoreOptions): { store: DurableStore; restored: Restored } {
    const resolved = path.resolve(file);
    ensureDirectory(resolved);
    const docJson = new DocJson();
    const state = recoverState(resolved, docJson, { repair: true, salvage: salvage ?? false });
    const removedTemporaryFiles = removeStrayTemporaryFiles(resolved);
    const warnings = [...state.warnings];
    if (state.found) {
      warnings.push(...engine.restore(state.lastCommitTs, state.components));
      mutations.import(state.extra.mutationResults);
      for (const row of state.mutationResults) mutations.record(row);
    }
    if (existsSync(resolved)) chmodSync(resolved, PRIVATE_FILE_MODE); // written world-readable by older versions
    const store = new DurableStore(resolved, engine, mutations, docJson, {
      segment: state.lastSegment + 1,
      seq: state.journalSeq,
    });
    // Raised past the ids of the records a salvage moved away: durable before anything can take an id.
    if (state.salvaged) store.recordCountersNow(state.lastCommitTs);
    if (state.replayed > 0 || state.salvaged) store.requestSnapshot(); // so the next start replays less
    return {
      store,
      restored: {
        found: state.found,
        documents: state.components.reduce((sum, c) => sum + c.documents.length, 0),
        replayed: state.replayed,
        removedTemporaryFiles,
        warnings,
      },
    };
  }

  /**
   * Undefined when every commit so far (with `ts`: every commit up to that
   * timestamp) is durable; otherwise a promise that resolves once it is
   * (while the disk fails: once it works again). A message that reflects
   * the database as of `ts` need not wait for commits after it.
   */
  barrier(ts?: bigint): Promise<void> | undefined {
    if (ts === undefined) return this.journal.barrier();
    this.forgetDurable();
    let seq: number | null = null;
    for (const record of this.notDurable) {
      if (record.ts > ts) break;
      seq = record.seq;
    }
    return seq === null ? undefined : this.journal.barrier(seq);
  }

  /** Asks for a snapshot soon (after changes made outside transactions, e.g. startup repairs). */
  requestSnapshot(): void {
    this.unsaved = true;
    this.scheduleCompaction();
  }

  /**
   * Writes a last snapshot and closes the journal, deleting it when the
   * snapshot has everything. Functions still running may commit meanwhile:
   * then it snapshots again (`CLOSE_SNAPSHOT_ATTEMPTS` times at most), and what
   * they commit after that stays in the journal, replayed at the next start.
   */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.compacting;
    if (this.journal.unavailable) await this.tryToRecover(); // a last chance for what the journal could not take
    if (this.recovery) clearInterval(this.recovery);
    for (let attempt = 0; attempt < CLOSE_SNAPSHOT_ATTEMPTS && this.unsaved; attempt++) await this.compact();
    if (this.timer) clearTimeout(this.timer); // planned by a compaction that saw new commits
    this.timer = null;
    await this.journal.close({ deleteIfEmpty: true });
  }

  /** Journals a commit, before anybody hears of it; throws `storageUnavailable` if it cannot (the commit is then undone). */
  private record(commit: Commit): void {
    const { ts, writes, clientMutation } = commit;
    if (writes.length === 0 && !clientMutation) return;
    let mutation: MutationResultRecord | undefined;
    if (clientMutation) {
      const { sessionId, requestId, caller, value, logLines } = clientMutation;
      const result = { success: true as const, value, ts: String(ts), logLines };
      mutation = { sessionId, requestId, caller, at: Date.now(), result };
    }
    const counters = this.movedCounters();
    let seq: number;
    try {
      seq = this.journal.append((n) =>
        encodeCommit(n, { ts, writes, counters, ...(mutation ? { mutation } : {}) }, this.docJson),
      );
    } catch (error) {
      throw storageUnavailable(error as Error); // the next snapshot has the counters this record had
    }
    this.forgetDurable();
    this.notDurable.push({ ts, seq });
    this.unsaved = true;
    this.scheduleCompaction();
  }

  /** Journals every component's counters, durably, now. */
  private recordCountersNow(ts: bigint): void {
    const counters = new Map(this.engine.componentPaths().map((c) => [c, this.engine.counters(c)]));
    this.journal.append((seq) => encodeCommit(seq, { ts, writes: [], counters }, this.docJson));
    this.journal.syncNow();
  }

  /** Drops the commits known to be durable from `notDurable`. */
  private forgetDurable(): void {
    let durable = 0;
    while (durable < this.notDurable.length && this.notDurable[durable]!.seq <= this.journal.durable) durable++;
    if (durable > 0) this.notDurable.splice(0, durable);
  }

  /** The components whose id counter or creation clock moved since the last call. */
  private movedCounters(): Map<string, Counters> {
    const moved = new Map<string, Counters>();
    for (const componentPath of this.engine.componentPaths()) {
      const counters = this.engine.counters(componentPath);
      const key = `${counters.nextDocId}|${counters.lastCreationTime}`;
      if (this.recordedCounters.get(componentPath) === key) continue;
      this.recordedCounters.set(componentPath, key);
      moved.set(componentPath, counters);
    }
    return moved;
  }

  /** Starts trying to recover from a journal that cannot be written (`tryToRecover`), every `STORAGE_RETRY_MS`. */
  private startRecovery(): void {
    if (this.recovery) return;
    this.recovery = setInterval(() => void this.tryToRecover(), STORAGE_RETRY_MS);
    this.recovery.unref();
  }

  /**
   * Saves everything in a snapshot and continues the journal after it. While
   * the journal is stopped nothing commits, so the snapshot holds every
   * record it has. On failure (no space yet) it is tried again later.
   */
  private async tryToRecover(): Promise<void> {
    if (this.recovering || this.compacting || !this.journal.unavailable) return;
    this.recovering = true;
    try {
      await writeSnapshot(this.file, this.snapshot(), this.docJson);
      const firstKept = this.journal.resume();
      if (this.recovery) clearInterval(this.recovery);
      this.recovery = null;
      this.unsaved = false;
      this.firstUnsavedAt = null;
      log.info(`Saving to ${this.file} works again: writes are taken again.`);
      await this.journal.removeSegmentsBefore(firstKept);
    } catch {
      // still failing: tried again at the next interval
    } finally {
      this.recovering = false;
    }
  }

  /** Plans the next compaction: debounced, at most `COMPACT_MAX_DELAY_MS` late, spaced out on big data. */
  private scheduleCompaction(): void {
    if (this.compacting) return; // it schedules the next one when it ends
    if (this.journal.size >= COMPACT_JOURNAL_BYTES) return void this.compact();
    const now = Date.now();
    this.firstUnsavedAt ??= now;
    const spacing = Math.max(COMPACT_DEBOUNCE_MS, this.lastCompactionMs * COMPACT_SPACING_FACTOR);
    const at = Math.min(now + spacing, this.firstUnsavedAt + Math.max(COMPACT_MAX_DELAY_MS, spacing));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.compact(), Math.max(0, at - now));
  }

  /**
   * A snapshot at this instant, with the journal cut at the same instant:
   * once the snapshot is durable, the segments before the cut are deleted.
   * Never throws: if it fails, the journal still holds every change.
   */
  private async compact(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.compacting || !this.unsaved || this.journal.unavailable) return;
    this.unsaved = false;
    this.firstUnsavedAt = null;
    const started = performance.now();
    const run = async () => {
      const snapshot = this.snapshot();
      const firstKept = this.journal.rotate();
      await writeSnapshot(this.file, snapshot, this.docJson);
      await this.journal.removeSegmentsBefore(firstKept);
    };
    this.compacting = run().catch((error: unknown) => {
      if (this.journal.unavailable) return; // reported by the journal, which recovers with a snapshot of its own
      this.unsaved = true; // tried again at the next compaction
      log.error(`Could not write a snapshot of ${this.file} (the journal still holds every change)`, error);
    });
    try {
      await this.compacting;
    } finally {
      this.compacting = null;
      this.lastCompactionMs = performance.now() - started;
    }
    if (this.unsaved) this.scheduleCompaction();
  }

  /** The committed state, now, and the journal position it includes. */
  private snapshot(): Snapshot {
    return {
      lastCommitTs: this.engine.lastCommitTs,
      journalSeq: this.journal.seq,
      components: this.engine.componentPaths().map((componentPath) => ({
        path: componentPath,
        ...this.engine.counters(componentPath),
        schemaFingerprint: this.engine.schemaFingerprint(componentPath),
        tables: [...this.engine.tables(componentPath)].map(([table, docs]) => [table, [...docs.values()]]),
      })),
      extra: { mutationResults: this.mutations.export() },
    };
  }
}
