/**
 * How My Questions reads each view (`lib/questionFilters.ts`): every view and order across a user's questions,
 * or one topic's, or (all of) one source's, is one index range, so a page costs what it returns whatever the user owns. A job's
 * questions (at most `MAX_QUESTIONS`) are read whole and sorted in memory. Used by `myQuestions.ts` (pages) and
 * `manageQuestions.ts` (bulk actions on every question of a view).
 */
import type { OrderedQuery } from "convex/server";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import { compareQuestions, effectiveSort, matchesShow } from "../../lib/questionFilters";
import type { QuestionFilter, QuestionShow, QuestionSort } from "../../lib/validators";
import type { DataModel, Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";

type Questions = OrderedQuery<DataModel["questions"]>;
type Reader = QueryCtx["db"];

/**
 * The index range of each view, across topics (`topic` undefined) or in one topic, in `sort`'s order (one the
 * view offers: `effectiveSort`). A new view is one entry here and one in `SHOW_FILTERS`.
 */
const VIEW_QUERIES: Record<
  QuestionShow,
  (db: Reader, userId: string, topic: string | undefined, sort: QuestionSort, now: number) => Questions
> = {
  all: (db, userId, topic, sort) => {
    const questions = db.query("questions");
    if (sort === "due")
      return topic === undefined
        ? questions.withIndex("by_user_live_due", (q) => q.eq("userId", userId).eq("deletedAt", undefined))
        : questions.withIndex("by_user_topic_live_due", (q) =>
            q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined),
          );
    if (sort === "topic")
      return questions.withIndex("by_user_live_topic", (q) => q.eq("userId", userId).eq("deletedAt", undefined));
    const live =
      topic === undefined
        ? questions.withIndex("by_user_live", (q) => q.eq("userId", userId).eq("deletedAt", undefined))
        : questions.withIndex("by_user_topic_live", (q) =>
            q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined),
          );
    return live.order(sort === "oldest" ? "asc" : "desc");
  },
  due: (db, userId, topic, _sort, now) =>
    topic === undefined
      ? db
          .query("questions")
          .withIndex("by_user_review", (q) =>
            q.eq("userId", userId).eq("deletedAt", undefined).eq("suspended", undefined).lte("card.due", now),
          )
      : db
          .query("questions")
          .withIndex("by_user_topic_review", (q) =>
            q
              .eq("userId", userId)
              .eq("topic", topic)
              .eq("deletedAt", undefined)
              .eq("suspended", undefined)
              .lte("card.due", now),
          ),
  // Flag times are positive: `gte 0` is every flagged question (an absent field sorts before every number).
  flagged: (db, userId, topic, sort) =>
    (topic === undefined
      ? db
          .query("questions")
          .withIndex("by_user_flagged", (q) =>
            q.eq("userId", userId).eq("deletedAt", undefined).gte("flag.flaggedAt", 0),
          )
      : db
          .query("questions")
          .withIndex("by_user_topic_flagged", (q) =>
            q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined).gte("flag.flaggedAt", 0),
          )
    ).order(sort === "oldest" ? "asc" : "desc"),
  suspended: (db, userId, topic, sort) =>
    (topic === undefined
      ? db
          .query("questions")
          .withIndex("by_user_suspended", (q) =>
            q.eq("userId", userId).eq("deletedAt", undefined).eq("suspended", true),
          )
      : db
          .query("questions")
          .withIndex("by_user_topic_suspended", (q) =>
            q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined).eq("suspended", true),
          )
    ).order(sort === "oldest" ? "asc" : "desc"),
  "needs-look": (db, userId, topic, sort) =>
    (topic === undefined
      ? db
          .query("questions")
          .withIndex("by_user_needs_look", (q) =>
            q.eq("userId", userId).eq("deletedAt", undefined).eq("needsLook", true),
          )
      : db
          .query("questions")
          .withIndex("by_user_topic_needs_look", (q) =>
            q.eq("userId", userId).eq("topic", topic).eq("deletedAt", undefined).eq("needsLook", true),
          )
    ).order(sort === "oldest" ? "asc" : "desc"),
};

/** The caller's live questions of a view (not a job's: `jobQuestions`), in `sort`'s order, as one index range.
 * Written from one source (`sourceId`): all of them, newest or oldest first; none for an id that is not a source's. */
export function viewQuery(
  db: Reader,
  userId: string,
  filter: Omit<QuestionFilter, "jobId">,
  sort: QuestionSort | undefined,
  now: number,
): Questions {
  if (filter.sourceId !== undefined) {
    const sourceId = db.normalizeId("sources", filter.sourceId);
    return db
      .query("questions")
      .withIndex("by_user_source_live", (q) =>
        // No user's id is empty: a malformed source id matches nothing.
        q
          .eq("userId", sourceId === null ? "" : userId)
          .eq("source.sourceId", sourceId ?? undefined)
          .eq("deletedAt", undefined),
      )
      .order(effectiveSort(filter, sort) === "oldest" ? "asc" : "desc");
  }
  const show = filter.show ?? "all";
  return VIEW_QUERIES[show](db, userId, filter.topic, effectiveSort(filter, sort), now);
}

/** A job's live questions that a view shows, in `sort`'s order (a job holds at most `MAX_QUESTIONS`). */
export async function jobQuestions(
  db: Reader,
  userId: string,
  jobId: Id<"generationJobs">,
  filter: QuestionFilter,
  sort: QuestionSort | undefined,
  now: number,
): Promise<Doc<"questions">[]> {
  const show = filter.show ?? "all";
  const all = await db
    .query("questions")
    .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
    .take(JOB_CONFIG.MAX_QUESTIONS);
  return all
    .filter((q) => q.deletedAt === undefined && (filter.topic === undefined || q.topic === filter.topic))
    .filter((q) => matchesShow(q, show, now))
    .sort(compareQuestions(show, effectiveSort(filter, sort)));
}
