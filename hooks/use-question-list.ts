/**
 * The questions of a My Questions view, live, a page at a time: its index-backed list (`listMyQuestions`),
 * or, while searching, the best matches (`searchMyQuestions`), shown a page at a time too.
 */
"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import type { QuestionView } from "@/lib/questionFilters";
import type { QuestionDoc } from "@/lib/validators";

export type QuestionListStatus = "LoadingFirstPage" | "CanLoadMore" | "LoadingMore" | "Exhausted";

export type QuestionList = {
  results: QuestionDoc[];
  status: QuestionListStatus;
  loadMore: () => void;
  /** Searching: some matches were left out (the search can be narrowed). */
  moreMatches: boolean;
  searching: boolean;
  /** Searching: every match's id (at most `MAX_SEARCH_RESULTS`), shown or not yet. */
  matchIds?: string[];
};

/** The list of `view`; `now` is when "due now" is counted from (fixed while the view is open). */
export function useQuestionList(view: QuestionView, now: number, pageSize: number): QuestionList {
  const searching = (view.search?.trim() ?? "") !== "";
  const filter = {
    ...(view.show !== undefined && view.show !== "all" ? { show: view.show } : {}),
    ...(view.topic !== undefined ? { topic: view.topic } : {}),
    ...(view.jobId !== undefined ? { jobId: view.jobId } : {}),
    ...(view.sourceId !== undefined ? { sourceId: view.sourceId } : {}),
    ...(view.show === "due" ? { now } : {}),
  };
  const paginated = usePaginatedQuery(
    api.myQuestions.listMyQuestions,
    searching ? "skip" : { ...filter, ...(view.sort !== undefined ? { sort: view.sort } : {}) },
    { initialNumItems: pageSize },
  );
  const searchArgs = searching ? { search: view.search!, ...filter } : null;
  const answer = useQuery(api.myQuestions.searchMyQuestions, searchArgs ?? "skip");
  // While the next search runs, the last one's matches stay on screen (no skeleton at every keystroke).
  const argsKey = JSON.stringify(searchArgs);
  const [last, setLast] = useState<{ key: string; answer: NonNullable<typeof answer> } | null>(null);
  if (answer !== undefined && last?.key !== argsKey) setLast({ key: argsKey, answer });
  const found = answer ?? last?.answer;
  const [shown, setShown] = useState({ search: view.search, count: pageSize });
  const count = shown.search === view.search ? shown.count : pageSize;

  if (!searching) return { ...paginated, loadMore: () => paginated.loadMore(pageSize), moreMatches: false, searching };
  const matches = found?.questions ?? [];
  return {
    results: matches.slice(0, count),
    status: found === undefined ? "LoadingFirstPage" : count < matches.length ? "CanLoadMore" : "Exhausted",
    loadMore: () => setShown({ search: view.search, count: count + pageSize }),
    moreMatches: found?.more ?? false,
    searching,
    matchIds: matches.map((q) => q._id),
  };
}
