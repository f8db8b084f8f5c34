/**
 * Reading a learner's live, unsuspended cards of one FSRS state by due time
 * (`questions.by_user_state_due`, or `by_user_topic_state_due` for a topic):
 * the review queue keeps new cards apart from studied ones with it, and the
 * due forecast counts studied cards.
 */
import type { CardState } from "../../lib/validators";
import type { QueryCtx } from "../_generated/server";

/** The FSRS states of a card that has been reviewed at least once. */
export const STUDIED_STATES = ["learning", "relearning", "review"] as const satisfies readonly CardState[];

/** Which part of the due-time axis to read. */
export type DueRange = { atMost: number } | { after: number } | { before: number };

/** The index range builder once every field but `card.due` is fixed. */
type DueBounds<A, B, C> = {
  lte(field: "card.due", value: number): A;
  gt(field: "card.due", value: number): B;
  lt(field: "card.due", value: number): C;
};

function within<A, B, C>(cards: DueBounds<A, B, C>, range: DueRange): A | B | C {
  if ("atMost" in range) return cards.lte("card.due", range.atMost);
  if ("after" in range) return cards.gt("card.due", range.after);
  return cards.lt("card.due", range.before);
}

/** `userId`'s live, unsuspended cards in `state` (of `topic`, when given) within `range`, soonest due first. */
export function cardsByDue(ctx: QueryCtx, userId: string, state: CardState, range: DueRange, topic?: string) {
  const query = ctx.db.query("questions");
  if (topic === undefined) {
    return query.withIndex("by_user_state_due", (q) =>
      within(
        q.eq("userId", userId).eq("deletedAt", undefined).eq("suspended", undefined).eq("card.state", state),
        range,
      ),
    );
  }
  return query.withIndex("by_user_topic_state_due", (q) =>
    within(
      q
        .eq("userId", userId)
        .eq("topic", topic)
        .eq("deletedAt", undefined)
        .eq("suspended", undefined)
        .eq("card.state", state),
      range,
    ),
  );
}
