/**
 * Startup: the stored state is the snapshot plus the journal records after
 * the snapshot's `journalSeq`, replayed in order. Documents are set to the
 * version each record holds, id counters and clocks only move forward, so
 * the result is the state after the last durable commit, and ids continue
 * after every id that commit (or any before it) handed out.
 *
 * A torn last record is cut off; a damaged journal is refused
 * (`JournalDamaged`), or, when salvaging, replayed up to the bad record with
 * the rest moved to a kept file, and the id counters raised past every id
 * the moved records hold (`journalScan.ts`).
 */
import { convexToJson, jsonToConvex, type JSONValue } from "convex/values";
import type { Doc } from "../engine/convexTestInternals";
import type { ComponentState } from "../engine/engine";
import { countersIn, decodeCommit, type Counters, type MutationResultRecord } from "./commitRecord";
import { DocJson } from "./docJson";
import { damageMessage, discardTornTail, JournalDamaged, salvageDamagedTail, scanJournal } from "./journalScan";
import { readSnapshot, snapshotJournalSeq, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotContents } from "./snapshot";

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
  /** What was wrong with the journal, if anything (a torn tail cut off, a salvage). */
  warnings: string[];
  /** After a salvage: where the damaged part went, and the counters it reached (already applied to `components`). */
  salvaged: { keptFile: string; counters: Map<string, Counters> } | null;
};

type Component = Counters & { schemaFingerprint: string | null; docs: Map<string, Doc> };

/**
 * Reads the snapshot and replays the journal of `file`. Throws
 * `JournalDamaged` if the journal is damaged, unless `salvage`. With
 * `repair` (only with the file locked), a torn tail is cut off, and a
 * salvage moves the damaged part away; without, nothing is changed.
 */
export function recoverState(
  file: string,
  docJson: DocJson,
  { repair, salvage = false }: { repair: boolean; salvage?: boolean },
): RecoveredState {
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

  /** Counters only move forward. */
  const raiseCounters = (componentPath: string, counters: Counters) => {
    const target = component(componentPath);
    target.nextDocId = Math.max(target.nextDocId, counters.nextDocId);
    target.lastCreationTime = Math.max(target.lastCreationTime, counters.lastCreationTime);
  };

  const snapshotSeq = snapshot?.journalSeq ?? 0;
  const scan = scanJournal(file, snapshotSeq);
  if (scan.damage && !(salvage && repair)) throw new JournalDamaged(damageMessage(file, scan));
  const warnings: string[] = [];
  if (scan.ignored > 0)
    warnings.push(
      `Skipped ${scan.ignored} damaged record(s) in the journal of ${file} that the snapshot already holds.`,
    );
  if (scan.tornTail) {
    const { seq, path, offset } = scan.tornTail;
    warnings.push(
      `The journal of ${file} ends with record ${seq} cut short (${path}, byte ${offset}), as a crash during a write leaves it; ` +
        `the ${scan.entries.length} record(s) before it are restored${repair ? ", it is cut off" : ""}.`,
    );
    if (repair) discardTornTail(file, scan.tornTail);
  }
  let salvaged: RecoveredState["salvaged"] = null;
  if (scan.damage) {
    const { seq, reason, following } = scan.damage;
    const { keptFile, text } = salvageDamagedTail(file, scan.damage);
    salvaged = { keptFile, counters: countersIn(text) };
    warnings.push(
      `Salvaged the journal of ${file}: the ${scan.entries.length} record(s) before record ${seq} are restored; record ${seq} ` +
        `(${reason}) and the ${following} after it are moved to ${keptFile}. Ids continue after every id they hold.`,
    );
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
    for (const [componentPath, counters] of commit.counters) raiseCounters(componentPath, counters);
    if (commit.ts > lastCommitTs) lastCommitTs = commit.ts;
    if (commit.mutation) mutationResults.push(commit.mutation);
  }
  for (const [componentPath, counters] of salvaged?.counters ?? []) raiseCounters(componentPath, counters);

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
    salvaged,
  };
}

/**
 * Throws `JournalDamaged` if `file`'s journal is damaged: a quick check,
 * without reading the snapshot or replaying anything (`recoverState` checks again).
 */
export function refuseDamagedJournal(file: string): void {
  const scan = scanJournal(file, snapshotJournalSeq(file));
  if (scan.damage) throw new JournalDamaged(damageMessage(file, scan));
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
