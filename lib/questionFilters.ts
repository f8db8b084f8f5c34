/**
 * My Questions' views: what each filter shows and the orders it offers, and the view as it is kept in the
 * URL (`?q=…&show=…&sort=…&topic=…&job=…&source=…`). Pure: the server lists through it (`convex/lib/questionListing.ts`),
 * the page reads and writes it.
 */
import type { QuestionDoc, QuestionFilter, QuestionShow, QuestionSort } from "./validators";
import { QUESTION_SHOWS, QUESTION_SORTS } from "./validators";

/**
 * Each kind of view: its label, what it lists when empty, and the orders it offers, the default first (each
 * order is read through an index of its own, `convex/lib/questionListing.ts`). Flagged questions are ordered by
 * when they were flagged.
 */
export const SHOW_FILTERS: Record<QuestionShow, { label: string; empty: string; sorts: readonly QuestionSort[] }> = {
  all: { label: "All questions", empty: "No questions here.", sorts: ["newest", "oldest", "due", "topic"] },
  due: { label: "Due now", empty: "Nothing is due here.", sorts: ["due"] },
  flagged: { label: "Flagged as wrong", empty: "No question is flagged as wrong.", sorts: ["newest", "oldest"] },
  suspended: { label: "Suspended", empty: "No question is suspended.", sorts: ["newest", "oldest"] },
  "needs-look": { label: "Needs a look", empty: "No question needs a look.", sorts: ["newest", "oldest"] },
};

export const SORT_LABELS: Record<QuestionSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  due: "Due soonest",
  topic: "Topic A–Z",
};

/** The orders of the questions written from one source (`by_user_source_live`): all of them, by when they were written. */
export const SOURCE_SORTS: readonly QuestionSort[] = ["newest", "oldest"];

/** The orders a view offers: "Topic A–Z" only across topics; a source's questions by when they were written. */
export function sortsFor(filter: QuestionFilter): QuestionSort[] {
  if (filter.sourceId !== undefined) return [...SOURCE_SORTS];
  const sorts = SHOW_FILTERS[filter.show ?? "all"].sorts;
  const oneTopic = filter.topic !== undefined || filter.jobId !== undefined;
  return sorts.filter((sort) => !(sort === "topic" && oneTopic));
}

/** `sort` if the view offers it, else the view's default order. */
export function effectiveSort(filter: QuestionFilter, sort: QuestionSort | undefined): QuestionSort {
  const sorts = sortsFor(filter);
  return sort !== undefined && sorts.includes(sort) ? sort : sorts[0]!;
}

/** Whether a live question belongs in `show` at time `now` (due: unsuspended and due by `now`). */
export function matchesShow(question: QuestionDoc, show: QuestionShow, now: number): boolean {
  switch (show) {
    case "all":
      return true;
    case "due":
      return !question.suspended && question.card.due <= now;
    case "flagged":
      return question.flag !== undefined;
    case "suspended":
      return question.suspended === true;
    case "needs-look":
      return question.needsLook === true;
  }
}

/** The order of `sort` in `show`, for a list sorted in memory (a job's questions, at most `MAX_QUESTIONS`). */
export function compareQuestions(show: QuestionShow, sort: QuestionSort): (a: QuestionDoc, b: QuestionDoc) => number {
  const time = (q: QuestionDoc) => (show === "flagged" ? (q.flag?.flaggedAt ?? 0) : q.createdAt);
  switch (sort) {
    case "newest":
      return (a, b) => time(b) - time(a) || b._creationTime - a._creationTime;
    case "oldest":
      return (a, b) => time(a) - time(b) || a._creationTime - b._creationTime;
    case "due":
      return (a, b) => a.card.due - b.card.due || a._creationTime - b._creationTime;
    case "topic":
      return (a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.createdAt - b.createdAt);
  }
}

/** A My Questions view: the filter, the order, and a search (which orders by relevance instead). */
export type QuestionView = QuestionFilter & { sort?: QuestionSort; search?: string };

/**
 * Why a filter can't be listed, or null: it names one of a topic, a job and a source at most, and a source's
 * questions are listed all together (no other view of them has an index).
 */
export function filterProblem(filter: QuestionFilter): string | null {
  const scopes = [filter.topic, filter.jobId, filter.sourceId].filter((scope) => scope !== undefined).length;
  if (scopes > 1) return "Choose one topic, one generation or one source, not several.";
  if (filter.sourceId !== undefined && (filter.show ?? "all") !== "all")
    return "A source's questions are listed all together: show all questions to see them.";
  return null;
}

/** The view a URL's query names (unknown values are left out, so the defaults apply). */
export function viewFromParams(params: Record<string, string | undefined>): QuestionView {
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[]) =>
    allowed.includes(value as T) ? (value as T) : undefined;
  const view: QuestionView = {};
  const show = pick(params.show, QUESTION_SHOWS);
  const sort = pick(params.sort, QUESTION_SORTS);
  if (show !== undefined && show !== "all") view.show = show;
  if (sort !== undefined) view.sort = sort;
  if (params.topic) view.topic = params.topic;
  else if (params.job) view.jobId = params.job;
  else if (params.source) {
    view.sourceId = params.source;
    delete view.show; // a source's questions are listed all together
  }
  if (params.q?.trim()) view.search = params.q;
  return view;
}

/** The My Questions URL of `view` (defaults left out). */
export function viewHref(view: QuestionView): string {
  const params = new URLSearchParams();
  if (view.search?.trim()) params.set("q", view.search);
  if (view.show !== undefined && view.show !== "all") params.set("show", view.show);
  if (view.sort !== undefined) params.set("sort", view.sort);
  if (view.topic !== undefined) params.set("topic", view.topic);
  else if (view.jobId !== undefined) params.set("job", view.jobId);
  else if (view.sourceId !== undefined) params.set("source", view.sourceId);
  const query = params.toString();
  return query ? `/my-questions?${query}` : "/my-questions";
}
