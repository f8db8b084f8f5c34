/**
 * Where a data file's pieces live on disk, and the few filesystem calls that
 * make writes durable and private:
 *
 *   <file>                 the snapshot (JSON)
 *   <file>.journal-<n>     journal segments, appended to in order (n = 1, 2, ...)
 *   <file>.tmp-<pid>       a snapshot being written (renamed over <file> when complete)
 *   <file>.lock-<n>        the backend using the file (`lock.ts`)
 *   <file>.damaged-<time>  what a salvage moved out of a damaged journal (`journalScan.ts`)
 *
 * Everything is created readable by its owner only (`PRIVATE_FILE_MODE`):
 * the data holds what users wrote and the addresses they wrote it from.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";

/** Owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only, for directories this backend creates. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

const JOURNAL_INFIX = ".journal-";
const TEMPORARY_INFIX = ".tmp-";

/** Creates the data file's directory (owner only) if it does not exist. */
export function ensureDirectory(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
}

/** The path of journal segment `n` of `file`. */
export function journalSegmentPath(file: string, n: number): string {
  return `${file}${JOURNAL_INFIX}${n}`;
}

/** `file`'s journal segments, oldest first. */
export function listJournalSegments(file: string): Array<{ n: number; path: string }> {
  const prefix = path.basename(file) + JOURNAL_INFIX;
  return siblings(file)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ n: Number(name.slice(prefix.length)), path: path.join(path.dirname(file), name) }))
    .sort((a, b) => a.n - b.n);
}

/** The temporary path a snapshot of `file` is written to before it is renamed. */
export function temporarySnapshotPath(file: string): string {
  return `${file}${TEMPORARY_INFIX}${process.pid}`;
}

/**
 * Deletes snapshots that a process killed while writing left behind (only
 * ever called with the data file locked). Returns how many it removed.
 */
export function removeStrayTemporaryFiles(file: string): number {
  const prefix = path.basename(file) + TEMPORARY_INFIX;
  const strays = siblings(file).filter((name) => name.startsWith(prefix));
  for (const name of strays) rmSync(path.join(path.dirname(file), name), { force: true });
  return strays.length;
}

/** Makes the directory entries of `file`'s directory (creations, renames, deletions) durable. */
export function syncDirectorySync(file: string): void {
  const fd = openSync(path.dirname(file), "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `syncDirectorySync`, off the event loop. */
export async function syncDirectory(file: string): Promise<void> {
  const handle = await open(path.dirname(file), "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function siblings(file: string): string[] {
  try {
    return readdirSync(path.dirname(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
