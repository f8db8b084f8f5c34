/**
 * One backend per data file: `<file>.lock` holds the pid of the backend
 * using it, so two backends never overwrite each other's data.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDirectory, PRIVATE_FILE_MODE } from "./files";

/** How often a backend waiting for the lock (`waitMs`) looks again. */
const LOCK_POLL_MS = 20;

/** The data file is used by another live backend. */
export class DataFileLocked extends Error {
  override readonly name = "DataFileLocked";
}

/**
 * Claims a data file for this process; takes over the lock of a process
 * that is gone. If a live process holds it, waits up to `waitMs` for it to
 * go, then throws `DataFileLocked`. Returns the release.
 */
export async function lockDataFile(file: string, { waitMs = 0 }: { waitMs?: number } = {}): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return tryLock(file);
    } catch (error) {
      if (!(error instanceof DataFileLocked) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function tryLock(file: string): () => void {
  const lockFile = `${path.resolve(file)}.lock`;
  ensureDirectory(lockFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx", mode: PRIVATE_FILE_MODE });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(lockFile, "utf8"));
    if (holder !== process.pid && isAlive(holder)) {
      throw new DataFileLocked(
        `Another local-convex (pid ${holder}) is using ${path.resolve(file)}. Stop it, or choose another data file with --data.`,
      );
    }
    rmSync(lockFile, { force: true }); // left by a process that is gone
  }
  throw new Error(`Could not lock ${file}`);
}

/** Whether a process with this pid exists. */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
