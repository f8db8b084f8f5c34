/**
 * Preload for local-convex's disk-full test (`--preload`): while the file
 * named by `LOCAL_CONVEX_TEST_DISK_FULL` exists, every write to a file fails
 * as on a full disk (ENOSPC, errno -28, from `write`), the way Node reports
 * it; removing the file is freeing space. (A real full disk needs a small
 * file system of its own, which a test cannot mount without privileges.)
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const flag = process.env.LOCAL_CONVEX_TEST_DISK_FULL;
const full = () => flag !== undefined && fs.existsSync(flag);

function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), {
    code: "ENOSPC",
    errno: -28,
    syscall: "write",
  });
}

const { writeSync, write } = fs;
fs.writeSync = ((...args: Parameters<typeof writeSync>) => {
  if (full()) throw noSpace();
  return writeSync(...args);
}) as typeof fs.writeSync;
fs.write = ((...args: unknown[]) => {
  if (!full()) return (write as (...a: unknown[]) => void)(...args);
  const callback = args.at(-1) as (error: Error) => void;
  process.nextTick(callback, noSpace());
}) as typeof fs.write;
// Snapshots are written through a FileHandle.
const probe = await fs.promises.open(process.execPath, "r");
const fileHandle = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
await probe.close();
const handleWrite = fileHandle.write;
fileHandle.write = function (this: unknown, ...args: unknown[]) {
  return full() ? Promise.reject(noSpace()) : handleWrite.apply(this, args);
};
syncBuiltinESMExports(); // modules that imported `writeSync` by name see these too
