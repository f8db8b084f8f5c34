/**
 * The snapshot: every component's documents (with `_scheduled_functions`),
 * id counters, the last commit timestamp, the journal position it includes
 * (`journalSeq`: journal records up to it are in it) and what the server
 * adds (recent mutation results), in one JSON file.
 *
 * A snapshot is taken at one instant (references to the documents, which are
 * replaced, never mutated, on write), then streamed to a temporary file in
 * slices, so even a big database never holds up requests for long; it is
 * fsynced, renamed over the previous one and the directory fsynced, so a
 * crash leaves the previous snapshot or the new one, never half of one.
 *
 * Layout (one document per line, so it can be read and diffed):
 *   {"format":"local-convex-data","version":1,"lastCommitTs":"…","journalSeq":…,"components":{
 *   "":{"nextDocId":…,"lastCreationTime":…,"schemaFingerprint":"…","tables":{
 *   "generationJobs":[
 *   {…},
 *   …]}}},"extra":{…}}
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import type { JSONValue } from "convex/values";
import type { Doc } from "../engine/convexTestInternals";
import type { DocJson } from "./docJson";
import { ensureDirectory, PRIVATE_FILE_MODE, syncDirectory, temporarySnapshotPath } from "./files";

export const SNAPSHOT_FORMAT = "local-convex-data";
export const SNAPSHOT_VERSION = 1;
/** Documents serialized between two yields to the event loop. */
const SLICE = 2000;

/** What one snapshot holds, taken at one instant. */
export type Snapshot = {
  lastCommitTs: bigint;
  /** The last journal record this snapshot includes. */
  journalSeq: number;
  components: Array<{
    path: string;
    nextDocId: number;
    lastCreationTime: number;
    schemaFingerprint: string;
    tables: Array<[string, Doc[]]>;
  }>;
  extra: Record<string, JSONValue>;
};

/** A snapshot file as parsed. */
export type SnapshotContents = {
  format: string;
  version: number;
  lastCommitTs: string;
  /** Absent in files written before the journal existed (they include everything). */
  journalSeq?: number;
  components: Record<
    string,
    { nextDocId: number; lastCreationTime: number; schemaFingerprint?: string; tables: Record<string, JSONValue[]> }
  >;
  extra?: Record<string, JSONValue>;
};

/** The snapshot at `file`, or null if there is none. Throws, saying what to do, if it cannot be read. */
export function readSnapshot(file: string): SnapshotContents | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const contents = JSON.parse(text) as SnapshotContents;
    if (contents.format !== SNAPSHOT_FORMAT || contents.version !== SNAPSHOT_VERSION)
      throw new Error(`not a ${SNAPSHOT_FORMAT} v${SNAPSHOT_VERSION} file`);
    return contents;
  } catch (error) {
    throw new Error(
      `Cannot read the data file ${file}: ${(error as Error).message}. Move it away to start with an empty database.`,
    );
  }
}

/** The `journalSeq` at the head of the snapshot at `file` (0 if none), without reading the rest. */
export function snapshotJournalSeq(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return 0;
  }
  try {
    const head = Buffer.alloc(256);
    const length = readSync(fd, head, 0, head.length, 0);
    return Number(/"journalSeq":(\d+)/.exec(head.subarray(0, length).toString("utf8"))?.[1] ?? 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `snapshot` to `file` atomically and durably (see the header).
 * Throws if it could not; the previous snapshot is then untouched.
 */
export async function writeSnapshot(file: string, snapshot: Snapshot, docJson: DocJson): Promise<void> {
  const temporary = temporarySnapshotPath(file);
  try {
    ensureDirectory(file);
    const handle = await open(temporary, "w", PRIVATE_FILE_MODE);
    try {
      for (const chunk of render(snapshot, docJson)) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await syncDirectory(file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The file's text for `snapshot`, in slices of about `SLICE` documents. */
function* render(snapshot: Snapshot, docJson: DocJson): Generator<string> {
  let parts: string[] = [
    `{"format":"${SNAPSHOT_FORMAT}","version":${SNAPSHOT_VERSION},"lastCommitTs":"${snapshot.lastCommitTs}","journalSeq":${snapshot.journalSeq},"components":{`,
  ];
  for (const [c, component] of snapshot.components.entries()) {
    const { nextDocId, lastCreationTime, schemaFingerprint } = component;
    parts.push(
      `${c > 0 ? ",\n" : "\n"}${JSON.stringify(component.path)}:{"nextDocId":${nextDocId},"lastCreationTime":${lastCreationTime},` +
        `"schemaFingerprint":"${schemaFingerprint}","tables":{`,
    );
    const tables = component.tables.filter(([, docs]) => docs.length > 0);
    for (const [t, [table, docs]] of tables.entries()) {
      parts.push(`${t > 0 ? "," : ""}\n${JSON.stringify(table)}:[`);
      for (const [d, doc] of docs.entries()) {
        parts.push(`${d > 0 ? "," : ""}\n${docJson.of(doc)}`);
        if (parts.length >= SLICE) {
          yield parts.join("");
          parts = [];
        }
      }
      parts.push("]");
    }
    parts.push("}}");
  }
  parts.push(`},\n"extra":${JSON.stringify(snapshot.extra)}}\n`);
  yield parts.join("");
}
