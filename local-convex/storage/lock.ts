/**
 * One backend per data file: `<file>.lock` holds the pid of the backend
 * using it, so two backends never overwrite each other's data.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureDirectory, PRIVATE_FILE_MODE } from "./files";

/**
 * Claims a data file for this process. Throws if a live process holds it;
 * takes over the lock of one that is gone. Returns the release.
 */
export function lockDataFile(file: string): () => void {
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
      throw new Error(`Another local-convex (pid ${holder}) is using ${path.resolve(file)}. Stop it, or choose another data file with --data.`);
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
