/**
 * One committed transaction as a journal record, and back:
 *
 *   {"seq":7,"ts":"1767…","w":[["","10045generationJobs",{…}],["","10046questions",null]],
 *    "c":{"":[10047,1767….5]},"m":{"s":"<session>","r":3,"i":"<caller>","at":1767…,"res":{…}}}
 *
 * - `w`: the documents written, `[componentPath, id, document | null (deleted)]`,
 *   each the whole new version, so replaying a record is setting documents;
 * - `c`: the id counter and creation-time clock of each component whose
 *   counters moved since the previous record: a replayed backend continues
 *   after every id that any record (so any acknowledged write) holds;
 * - `m`: for a client's mutation, its result under (session, request id) and
 *   who made it (`i`, the tokenIdentifier or null), so a request the client
 *   re-sends after a crash is answered, not run again (and only to that caller).
 */
import { jsonToConvex, type JSONValue } from "convex/values";
import type { Doc } from "../engine/convexTestInternals";
import type { Write } from "../engine/patches";
import type { StoredResult, StoredRow } from "../sync/mutationLog";
import type { DocJson } from "./docJson";
import type { JournalEntry } from "./journal";

export type Counters = { nextDocId: number; lastCreationTime: number };

/** A client mutation's result, as the journal keeps it. */
export type MutationResultRecord = StoredRow;

export type CommitRecord = {
  ts: bigint;
  writes: Write[];
  counters: Map<string, Counters>;
  mutation?: MutationResultRecord;
};

/** A decoded record: what to apply to the stored state. */
export type DecodedCommit = {
  ts: bigint;
  writes: Array<{ componentPath: string; id: string; doc: Doc | null }>;
  counters: Map<string, Counters>;
  mutation?: MutationResultRecord;
};

/** The line for `record` with sequence number `seq` (document texts from `docJson`). */
export function encodeCommit(seq: number, record: CommitRecord, docJson: DocJson): string {
  const writes = record.writes.map(
    (w) =>
      `[${JSON.stringify(w.componentPath)},${JSON.stringify(w.id)},${w.doc === null ? "null" : docJson.of(w.doc)}]`,
  );
  let line = `{"seq":${seq},"ts":"${record.ts}","w":[${writes.join(",")}]`;
  if (record.counters.size > 0) {
    const counters = Object.fromEntries(
      [...record.counters].map(([path, c]) => [path, [c.nextDocId, c.lastCreationTime]]),
    );
    line += `,"c":${JSON.stringify(counters)}`;
  }
  if (record.mutation) {
    const { sessionId, requestId, caller, at, result } = record.mutation;
    line += `,"m":${JSON.stringify({ s: sessionId, r: requestId, i: caller, at, res: result })}`;
  }
  return line + "}";
}

/** The commit in a journal entry (documents' texts are remembered in `docJson`). Throws if it is not one. */
export function decodeCommit(entry: JournalEntry, docJson: DocJson): DecodedCommit {
  const { ts, w, c, m } = entry as { ts?: unknown; w?: unknown; c?: unknown; m?: unknown };
  if (typeof ts !== "string" || !Array.isArray(w)) throw new Error(`journal record ${entry.seq} is not a commit`);
  const writes = (w as Array<[string, string, JSONValue | null]>).map(([componentPath, id, row]) => {
    if (row === null) return { componentPath, id, doc: null };
    const doc = jsonToConvex(row) as Doc;
    docJson.remember(doc, JSON.stringify(row));
    return { componentPath, id, doc };
  });
  const counters = new Map<string, Counters>(
    Object.entries((c ?? {}) as Record<string, [number, number]>).map(([path, [nextDocId, lastCreationTime]]) => [
      path,
      { nextDocId, lastCreationTime },
    ]),
  );
  const stored = m as { s: string; r: number; i: string | null; at: number; res: StoredResult } | undefined;
  const mutation = stored && {
    sessionId: stored.s,
    requestId: stored.r,
    caller: stored.i,
    at: stored.at,
    result: stored.res,
  };
  return { ts: BigInt(ts), writes, counters, ...(mutation ? { mutation } : {}) };
}

/** A component's counters in a record's `c`: `"<componentPath>":[<nextDocId>,<lastCreationTime>`. */
const COUNTERS = /"((?:[^"\\]|\\.)*)":\[(\d{1,15}),(\d+(?:\.\d+)?)\]/g;
/** A written document's id in a record's `w`: `["<componentPath>","<zero-padded counter><table>",`. */
const WRITTEN_ID = /\["((?:[^"\\]|\\.)*)","0*(\d{1,15})[A-Za-z_][A-Za-z0-9_]*",/g;

/**
 * The highest counters each component reached in `text`, journal records
 * that may be damaged (a salvage's kept part): read from the counters they
 * recorded and from the ids of the documents they wrote, whichever survived,
 * so that no id handed out in them is handed out again.
 */
export function countersIn(text: string): Map<string, Counters> {
  const found = new Map<string, Counters>();
  const raise = (componentPath: string, nextDocId: number, lastCreationTime: number) => {
    const known = found.get(componentPath) ?? { nextDocId: 0, lastCreationTime: 0 };
    found.set(componentPath, {
      nextDocId: Math.max(known.nextDocId, nextDocId),
      lastCreationTime: Math.max(known.lastCreationTime, lastCreationTime),
    });
  };
  const unescape = (path: string) => JSON.parse(`"${path}"`) as string;
  for (const counters of text.matchAll(/"c":\{([^{}]*)\}/g)) {
    for (const [, path, nextDocId, lastCreationTime] of counters[1]!.matchAll(COUNTERS))
      raise(unescape(path!), Number(nextDocId), Number(lastCreationTime));
  }
  for (const [, path, counter] of text.matchAll(WRITTEN_ID)) raise(unescape(path!), Number(counter) + 1, 0);
  return found;
}
