/**
 * Startup: the stored state is the snapshot plus the journal records after
 * the snapshot's `journalSeq`, replayed in order. Documents are set to the
 * version each record holds, id counters and clocks only move forward, so
 * the result is the state after the last durable commit, and ids continue
 * after every id that commit (or any before it) handed out.
 */
import { convexToJson, jsonToConvex, type JSONValue } from "convex/values";
import type { Doc } from "../engine/convexTestInternals";
import type { ComponentState } from "../engine/engine";
import { decodeCommit, type Counters, type MutationResultRecord } from "./commitRecord";
import { DocJson } from "./docJson";
import { discardInvalidTail, scanJournal } from "./journal";
import { readSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotContents } from "./snapshot";

export type RecoveredState = {
  /** Whether anything was stored (a snapshot or journal records). */
  found: boolean;
  lastCommitTs: bigint;
  /** The last journal record the state includes. */
  journalSeq: number;
  /** The `journalSeq` of the snapshot (records after it were replayed). */
  snapshotSeq: number;
  /** Journal records replayed on top of the snapshot. */
  replayed: number;
  /** The highest journal segment number present (0 when none): new segments come after it. */
  lastSegment: number;
  components: ComponentState[];
  /** The snapshot's server sections. */
  extra: Record<string, JSONValue>;
  /** Client mutation results from the replayed records. */
  mutationResults: MutationResultRecord[];
  /** What was wrong with the journal, if anything (invalid data after the last valid record). */
  warnings: string[];
};

type Component = Counters & { schemaFingerprint: string | null; docs: Map<string, Doc> };

/**
 * Reads the snapshot and replays the journal of `file`. With `repair`, a
 * torn or inconsistent journal tail is cut off (only with the file locked).
 */
export function recoverState(file: string, docJson: DocJson, { repair }: { repair: boolean }): RecoveredState {
  const snapshot = readSnapshot(file);
  const components = new Map<string, Component>();
  for (const [componentPath, stored] of Object.entries(snapshot?.components ?? {})) {
    const docs = new Map<string, Doc>();
    for (const rows of Object.values(stored.tables)) {
      for (const row of rows) {
        const doc = jsonToConvex(row) as Doc;
        docJson.remember(doc, JSON.stringify(row));
        docs.set(doc._id, doc);
      }
    }
    components.set(componentPath, {
      nextDocId: stored.nextDocId,
      lastCreationTime: stored.lastCreationTime,
      schemaFingerprint: stored.schemaFingerprint ?? null,
      docs,
    });
  }
  const component = (componentPath: string) => {
    let found = components.get(componentPath);
    if (!found)
      components.set(
        componentPath,
        (found = { nextDocId: 0, lastCreationTime: 0, schemaFingerprint: null, docs: new Map() }),
      );
    return found;
  };

  const snapshotSeq = snapshot?.journalSeq ?? 0;
  const scan = scanJournal(file, snapshotSeq);
  const warnings: string[] = [];
  if (scan.invalid) {
    warnings.push(
      `The journal of ${file} ends with ${scan.invalid.reason} in segment ${scan.invalid.segment} at byte ${scan.invalid.offset}; ` +
        `the ${scan.entries.length} valid record(s) before it are restored${repair ? ", what follows is discarded" : ""}.`,
    );
    if (repair) discardInvalidTail(file, scan);
  }
  let lastCommitTs = snapshot ? BigInt(snapshot.lastCommitTs) : 0n;
  const mutationResults: MutationResultRecord[] = [];
  for (const entry of scan.entries) {
    const commit = decodeCommit(entry, docJson);
    for (const write of commit.writes) {
      const docs = component(write.componentPath).docs;
      if (write.doc === null) docs.delete(write.id);
      else docs.set(write.id, write.doc);
    }
    for (const [componentPath, counters] of commit.counters) {
      const target = component(componentPath);
      target.nextDocId = Math.max(target.nextDocId, counters.nextDocId);
      target.lastCreationTime = Math.max(target.lastCreationTime, counters.lastCreationTime);
    }
    if (commit.ts > lastCommitTs) lastCommitTs = commit.ts;
    if (commit.mutation) mutationResults.push(commit.mutation);
  }

  return {
    found: snapshot !== null || scan.entries.length > 0,
    lastCommitTs,
    journalSeq: scan.entries.at(-1)?.seq ?? snapshotSeq,
    snapshotSeq,
    replayed: scan.entries.length,
    lastSegment: scan.lastSegment,
    components: [...components].map(([path, c]) => ({
      path,
      nextDocId: c.nextDocId,
      lastCreationTime: c.lastCreationTime,
      schemaFingerprint: c.schemaFingerprint,
      documents: [...c.docs.values()],
    })),
    extra: snapshot?.extra ?? {},
    mutationResults,
    warnings,
  };
}

/**
 * Everything stored in `file` (snapshot and journal) as one snapshot's JSON,
 * for tools and tests that inspect or edit a stopped backend's data: written
 * back to `file`, it is the whole state (its `journalSeq` covers the journal).
 */
export function readStoredData(file: string): SnapshotContents {
  const state = recoverState(file, new DocJson(), { repair: false });
  const byTable = (docs: Doc[]) => {
    const tables: Record<string, JSONValue[]> = {};
    for (const doc of docs) {
      const table = doc._id.replace(/^\d+/, "");
      (tables[table] ??= []).push(convexToJson(doc));
    }
    return tables;
  };
  const previousResults = Array.isArray(state.extra.mutationResults) ? state.extra.mutationResults : [];
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    lastCommitTs: String(state.lastCommitTs),
    journalSeq: state.journalSeq,
    components: Object.fromEntries(
      state.components.map((c) => [
        c.path,
        {
          nextDocId: c.nextDocId,
          lastCreationTime: c.lastCreationTime,
          ...(c.schemaFingerprint ? { schemaFingerprint: c.schemaFingerprint } : {}),
          tables: byTable(c.documents),
        },
      ]),
    ),
    extra: {
      ...state.extra,
      mutationResults: [...previousResults, ...(state.mutationResults as unknown as JSONValue[])],
    },
  };
}
