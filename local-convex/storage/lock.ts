/**
 * One backend per data file, so two never overwrite each other's data.
 *
 * A backend holds the data file while it owns the newest lock file,
 * `<file>.lock-<n>`, and is alive:
 *
 * - Taking it: if the newest lock's owner is alive, the file is taken (wait
 *   or refuse). Otherwise create `<file>.lock-<n+1>` exclusively (`wx`): of
 *   several backends racing for the same number, exactly one creates it. It
 *   then checks that its lock is still the newest (one that listed the files
 *   earlier may have numbered a lock higher: the newest wins, the other
 *   gives up), and deletes the older ones. A lock is never deleted or
 *   replaced by another backend, so there is no check-then-delete to race.
 * - Alive: a lock file records its owner's pid, when that process started
 *   (`/proc/<pid>/stat`) and the machine's boot id, so a pid reused by
 *   another process, or a lock from before a reboot, is stale. Where there
 *   is no `/proc`, any process with that pid counts as the owner.
 * - Releasing marks the lock file released (the next backend takes the next number).
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDirectory, PRIVATE_FILE_MODE } from "./files";

/** How often a backend waiting for the lock (`waitMs`) looks again. */
const LOCK_POLL_MS = 20;
/** A lock file is written right after it is created: one still empty this long after is from a process that died in between. */
const LOCK_WRITE_GRACE_MS = 2000;
const LOCK_INFIX = ".lock-";

/** The data file is used by another live backend. */
export class DataFileLocked extends Error {
  override readonly name = "DataFileLocked";
}

/** What a lock file says. */
type Owner = { pid: number; start: string | null; boot: string | null } | { released: true };

/**
 * Claims a data file for this process; takes over the lock of a process
 * that is gone. If a live process holds it, waits up to `waitMs` for it to
 * go, then throws `DataFileLocked`. Returns the release.
 */
export async function lockDataFile(file: string, { waitMs = 0 }: { waitMs?: number } = {}): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return tryLock(path.resolve(file));
    } catch (error) {
      if (!(error instanceof DataFileLocked) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function tryLock(file: string): () => void {
  ensureDirectory(file);
  for (;;) {
    const newest = lockFiles(file).at(-1);
    if (newest !== undefined) {
      const owner = readOwner(lockPath(file, newest));
      if (owner === "being written" || (owner !== null && !("released" in owner) && isAlive(owner))) {
        const who = owner === "being written" ? "another local-convex" : `another local-convex (pid ${owner.pid})`;
        throw new DataFileLocked(
          `${who[0]!.toUpperCase()}${who.slice(1)} is using ${file}. Stop it, or choose another data file with --data.`,
        );
      }
    }
    const mine = (newest ?? 0) + 1;
    const mineFile = lockPath(file, mine);
    try {
      writeFileSync(mineFile, JSON.stringify(ownerOf(process.pid)), { flag: "wx", mode: PRIVATE_FILE_MODE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue; // another backend got this number: look again
      throw error;
    }
    const all = lockFiles(file);
    if (all.at(-1) !== mine) {
      rmSync(mineFile, { force: true }); // a newer lock exists: it wins
      continue;
    }
    for (const older of all) if (older < mine) rmSync(lockPath(file, older), { force: true });
    return () => release(mineFile);
  }
}

/** Marks a lock released, atomically (replaced whole by a rename). */
function release(lockFile: string): void {
  const temporary = `${lockFile}.releasing`;
  try {
    writeFileSync(temporary, JSON.stringify({ released: true }), { mode: PRIVATE_FILE_MODE });
    renameSync(temporary, lockFile);
  } catch {
    rmSync(temporary, { force: true }); // the process is exiting: its lock goes stale anyway
  }
}

function lockPath(file: string, n: number): string {
  return `${file}${LOCK_INFIX}${n}`;
}

/** The numbers of `file`'s lock files, ascending. */
function lockFiles(file: string): number[] {
  const prefix = path.basename(file) + LOCK_INFIX;
  return readdirSync(path.dirname(file))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
}

/** Who a lock file names; "being written" for one just created; null for a lock nobody owns (gone, unreadable). */
function readOwner(lockFile: string): Owner | "being written" | null {
  let text: string;
  try {
    text = readFileSync(lockFile, "utf8");
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as Owner;
  } catch {
    try {
      return Date.now() - statSync(lockFile).mtimeMs < LOCK_WRITE_GRACE_MS ? "being written" : null;
    } catch {
      return null;
    }
  }
}

/** The lock record of process `pid` (this one). */
function ownerOf(pid: number): Owner {
  return { pid, start: processStartTime(pid), boot: bootId() };
}

/** Whether the process a lock names still runs: same boot, same pid, and (where it can be told) the same start time. */
export function isAlive(owner: { pid: number; start: string | null; boot: string | null }): boolean {
  const { pid } = owner;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const boot = bootId();
  if (boot !== null && owner.boot !== null && owner.boot !== boot) return false;
  const start = processStartTime(pid);
  if (start !== null && owner.start !== null) return start === owner.start;
  if (start === null && hasProcFs()) return false; // no such process
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** When process `pid` started (clock ticks since boot, from `/proc/<pid>/stat`), or null if unknown or gone. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name (which is in parentheses and may hold anything): starttime is the 20th.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

function hasProcFs(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}
