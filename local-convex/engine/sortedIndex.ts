/**
 * The committed documents of one table sorted by one index's fields (plus
 * `_creationTime`, `_id`, as convex-test orders them), kept up to date on
 * every commit, so an index range query looks at the documents in its range
 * instead of every document of the table.
 *
 * Only a candidate list: convex-test still checks each document against the
 * range, applies filters and sorts, so its semantics are untouched. Ordering
 * and range checks use convex-test's own `evaluateFieldPath` and
 * `evaluateRangeFilter` with `compareValues`, so "in range" here means
 * exactly what it means there, and a valid index range (equalities on a
 * prefix of the fields, then bounds on the next one) is one contiguous run.
 */
import { compareValues, type Value } from "convex/values";
import type { Doc, RangeExpression } from "./convexTestInternals";

export type FieldAccess = {
  evaluateFieldPath: (fieldPath: string, doc: Doc) => Value | undefined;
  evaluateRangeFilter: (doc: Doc, expression: RangeExpression) => boolean;
};

export class SortedIndex {
  private readonly docs: Doc[];

  constructor(
    readonly fields: string[],
    docs: Iterable<Doc>,
    private readonly access: FieldAccess,
  ) {
    // Sort on precomputed keys: each field is evaluated once per document.
    const keyed = [...docs].map((doc) => ({ doc, key: fields.map((f) => access.evaluateFieldPath(f, doc)) }));
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    this.docs = keyed.map((k) => k.doc);
  }

  get size(): number {
    return this.docs.length;
  }

  insert(doc: Doc): void {
    this.docs.splice(this.firstAtOrAfter(doc), 0, doc);
  }

  /** Removes `doc` (the stored version). False if it is not there (the index is then out of date). */
  remove(doc: Doc): boolean {
    const at = this.firstAtOrAfter(doc);
    if (this.docs[at]?._id === doc._id) {
      this.docs.splice(at, 1);
      return true;
    }
    return false;
  }

  /** The documents an index range can match, in index order. */
  candidates(range: RangeExpression[]): Doc[] {
    const start = this.search((doc) => this.position(doc, range) >= 0);
    const end = this.search((doc) => this.position(doc, range) > 0, start);
    return this.docs.slice(start, end);
  }

  /** -1 if `doc` sorts before the range, 0 if it is in it, 1 if after. */
  private position(doc: Doc, range: RangeExpression[]): number {
    const { evaluateRangeFilter } = this.access;
    for (const expression of range) {
      if (evaluateRangeFilter(doc, expression)) continue;
      switch (expression.type) {
        case "Eq":
          return evaluateRangeFilter(doc, { ...expression, type: "Lt" }) ? -1 : 1;
        case "Gt":
        case "Gte":
          return -1;
        case "Lt":
        case "Lte":
          return 1;
      }
    }
    return 0;
  }

  /** Index of the first document at or after `doc` in index order. */
  private firstAtOrAfter(doc: Doc): number {
    const key = this.fields.map((f) => this.access.evaluateFieldPath(f, doc));
    return this.search(
      (other) =>
        compareKeys(
          this.fields.map((f) => this.access.evaluateFieldPath(f, other)),
          key,
        ) >= 0,
    );
  }

  /** The first index from `low` where `isAtOrPast` holds (it must be monotone along the index). */
  private search(isAtOrPast: (doc: Doc) => boolean, low = 0): number {
    let high = this.docs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (isAtOrPast(this.docs[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

function compareKeys(a: Array<Value | undefined>, b: Array<Value | undefined>): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}
