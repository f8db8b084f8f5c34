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

/** `userId`'s live, unsuspended cards in `state` (of `topic`, when given) within `range`, soonest due first. */
export function cardsByDue(ctx: QueryCtx, userId: string, state: CardState, range: DueRange, topic?: string) {
  const query = ctx.db.query("questions");
  if (topic === undefined) {
    return query.withIndex("by_user_state_due", (q) => {
      const cards = q
        .eq("userId", userId)
        .eq("deletedAt", undefined)
        .eq("suspended", undefined)
        .eq("card.state", state);
      return "atMost" in range
        ? cards.lte("card.due", range.atMost)
        : "after" in range
          ? cards.gt("card.due", range.after)
          : cards.lt("card.due", range.before);
    });
  }
  return query.withIndex("by_user_topic_state_due", (q) => {
    const cards = q
      .eq("userId", userId)
      .eq("topic", topic)
      .eq("deletedAt", undefined)
      .eq("suspended", undefined)
      .eq("card.state", state);
    return "atMost" in range
      ? cards.lte("card.due", range.atMost)
      : "after" in range
        ? cards.gt("card.due", range.after)
        : cards.lt("card.due", range.before);
  });
}
