/**
 * One of the processes racing for data files' locks in `storage.test.ts`:
 *
 *   node --import tsx local-convex/test/lockRacer.ts <dir> <trials> <spacingMs>
 *
 * Prints "ready", then waits for a line "go <startAt>" on stdin; for trial t,
 * at startAt + t·spacingMs, tries once to lock `<dir>/<t>/data.json`. Prints
 * the trials it got as one JSON line, and holds those locks until it exits
 * (when its stdin closes).
 */
import { createInterface } from "node:readline";
import path from "node:path";
import { DataFileLocked, lockDataFile } from "../storage/lock";

const [dir, trials, spacingMs] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const lines = createInterface({ input: process.stdin });
console.log("ready");
const startAt = await new Promise<number>((resolve) =>
  lines.once("line", (line) => resolve(Number(line.split(" ")[1]))),
);
const got: number[] = [];
for (let trial = 0; trial < trials; trial++) {
  const at = startAt + trial * spacingMs;
  while (Date.now() < at) await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now() - 1)));
  try {
    await lockDataFile(path.join(dir, String(trial), "data.json"));
    got.push(trial);
  } catch (error) {
    if (!(error instanceof DataFileLocked)) throw error;
  }
}
console.log(JSON.stringify(got));
await new Promise((resolve) => lines.once("close", resolve));
