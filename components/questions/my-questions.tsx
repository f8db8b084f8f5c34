/**
 * My Questions: every question of the user, a page at a time, live: searched, filtered (due, flagged,
 * suspended; one topic or the job that wrote them) and ordered, all in the URL. Questions can be added by
 * hand or imported, selected (a page, or every one of the view) and acted on. The strip at the top says which
 * jobs are still writing; their new questions appear at the top, marked "Just added" for a moment.
 */
"use client";

import { useQuery } from "convex/react";
import { FileUp, Plus, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { api } from "@/convex/_generated/api";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { useArrivals } from "@/hooks/use-arrivals";
import { MINUTE_MS, useNow } from "@/hooks/use-now";
import { useQuestionList, type QuestionList } from "@/hooks/use-question-list";
import { isActiveStatus, plural } from "@/lib/jobs";
import { SHOW_FILTERS, SORT_LABELS, effectiveSort, viewHref, type QuestionView } from "@/lib/questionFilters";
import { searchTerms } from "@/lib/questionSearch";
import type { QuestionScope } from "@/lib/validators";
import { ServerAwayNote } from "@/components/connection-status";
import { NoQuestionsEmptyState } from "@/components/empty-states";
import { ActiveJobsStrip, JobLiveRow } from "@/components/job-live-strip";
import { JobStatusBadge, jobTitle } from "@/components/job-status";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { AddQuestionDialog } from "./add-question-dialog";
import { BulkActions } from "./bulk-actions";
import { ExportMenu } from "./export-menu";
import { ImportDialog } from "./import-dialog";
import { QuestionActions } from "./question-actions";
import { QuestionCard, QuestionCardSkeletonList } from "./question-card";
import { QuestionToolbar } from "./question-toolbar";

const PAGE_SIZE = 20;

export function MyQuestions({ view }: { view: QuestionView }) {
  const router = useRouter();
  const now = useNow(30_000);
  const show = useCallback((next: QuestionView) => router.replace(viewHref(next), { scroll: false }), [router]);
  // "Due now" is counted as review counts it (to the end of the current minute), from when the view was
  // opened: a clock in the query would reload its pages every minute.
  const viewKey = JSON.stringify(view);
  const minute = useNow(MINUTE_MS);
  const dueBy = minute === 0 ? 0 : minute + MINUTE_MS;
  const [asOf, setAsOf] = useState({ key: viewKey, now: dueBy });
  if (asOf.key !== viewKey || (asOf.now === 0 && dueBy > 0)) setAsOf({ key: viewKey, now: dueBy });
  const list = useQuestionList(view, asOf.now, PAGE_SIZE);
  const { results, status } = list;
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);

  // The selection, kept only for questions still listed; or every question of the view.
  const [selection, setSelection] = useState<{ key: string; ids: ReadonlySet<string>; all: boolean }>({
    key: viewKey,
    ids: new Set(),
    all: false,
  });
  const current = selection.key === viewKey ? selection : { key: viewKey, ids: new Set<string>(), all: false };
  const selectable = list.matchIds ?? results.map((q) => q._id as string);
  const selected = selectable.filter((id) => current.ids.has(id));
  const select = (ids: ReadonlySet<string>, all = false) => setSelection({ key: viewKey, ids, all });
  function toggle(id: string, on: boolean) {
    const next = new Set(current.ids);
    if (on) next.add(id);
    else next.delete(id);
    select(next);
  }
  const arrived = useArrivals(status === "LoadingFirstPage" ? undefined : results, viewKey);

  const searching = list.searching;
  const highlight = searching ? searchTerms(view.search ?? "") : undefined;
  const filtered =
    searching ||
    view.show !== undefined ||
    view.topic !== undefined ||
    view.jobId !== undefined ||
    view.sourceId !== undefined;
  const scopeView =
    view.jobId !== undefined
      ? { kind: "job" as const, jobId: view.jobId }
      : view.topic !== undefined && view.show === undefined && !searching
        ? { kind: "topic" as const, topic: view.topic }
        : null;
  const filterScope: QuestionScope = {
    kind: "filter",
    filter: {
      ...(view.show !== undefined ? { show: view.show } : {}),
      ...(view.topic !== undefined ? { topic: view.topic } : {}),
      ...(view.jobId !== undefined ? { jobId: view.jobId } : {}),
      ...(view.sourceId !== undefined ? { sourceId: view.sourceId } : {}),
    },
  };

  const dialogs = (
    <>
      <AddQuestionDialog open={adding} onOpenChange={setAdding} topic={view.topic} />
      <ImportDialog
        open={importing}
        onOpenChange={setImporting}
        onImported={(topics) => show(topics.length === 1 ? { topic: topics[0] } : {})}
      />
    </>
  );
  const addButtons = (
    <>
      <Button variant="secondary" onClick={() => setAdding(true)}>
        <Plus aria-hidden="true" /> Add a question
      </Button>
      <Button variant="secondary" onClick={() => setImporting(true)}>
        <FileUp aria-hidden="true" /> Import
      </Button>
    </>
  );

  // The dialogs stay at one place in the tree whichever content shows (a first question changes it).
  if (!filtered && status === "Exhausted" && results.length === 0) {
    return (
      <div>
        <div>
          <ActiveJobsStrip className="mb-6" />
          <NoQuestionsEmptyState context="my-questions">
            <p className="text-sm text-muted-foreground">Or bring your own:</p>
            <div className="mt-2 flex flex-wrap gap-2">{addButtons}</div>
          </NoQuestionsEmptyState>
        </div>
        {dialogs}
      </div>
    );
  }

  return (
    <div>
      <div>
        <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">My Questions</h1>
            <p className="mt-1 text-sm text-muted-foreground" aria-live="polite">
              {countText(list, view, filtered)}
            </p>
          </div>
          <div className="flex flex-wrap items-end gap-2">
            {addButtons}
            {results.length > 0 && (
              <ExportMenu
                view={view}
                questions={searching ? results : undefined}
                viewName={
                  view.topic ??
                  (view.jobId !== undefined ? "generation" : view.sourceId !== undefined ? "material" : undefined)
                }
              />
            )}
          </div>
        </div>

        <QuestionToolbar view={view} onChange={show} className="mt-5" />

        {view.jobId !== undefined ? (
          <JobFilterBanner jobId={view.jobId} className="mt-5" />
        ) : (
          <ActiveJobsStrip className="mt-5" />
        )}

        {results.length > 0 && (
          <BulkActions
            className="mt-5"
            selected={selected}
            allMatching={current.all ? (searching ? null : filterScope) : null}
            onClearSelection={() => select(new Set())}
            view={scopeView}
            leading={
              <SelectAll
                list={list}
                selectedCount={selected.length}
                all={current.all}
                onSelectShown={(on) => select(on ? new Set(results.map((q) => q._id)) : new Set())}
                onSelectAll={() => select(new Set(selectable), !searching)}
              />
            }
          />
        )}

        <div className="mt-6">
          <h2 className="sr-only">Questions</h2>
          {status === "LoadingFirstPage" ? (
            <ServerAwayNote what="your questions">
              <QuestionCardSkeletonList />
            </ServerAwayNote>
          ) : results.length === 0 ? (
            <FilteredEmpty view={view} onClearSearch={() => show({ ...view, search: undefined })} />
          ) : (
            <ul className="space-y-3">
              {results.map((question) => (
                <li key={question._id} className="animate-fade-in">
                  <QuestionCard
                    question={question}
                    now={now}
                    showTopic={view.topic === undefined}
                    leading={
                      <input
                        type="checkbox"
                        className="size-4 accent-primary"
                        aria-label={`Select “${question.question}”`}
                        checked={current.all || current.ids.has(question._id)}
                        disabled={current.all}
                        onChange={(e) => toggle(question._id, e.target.checked)}
                      />
                    }
                    actions={<QuestionActions question={question} />}
                    arrived={arrived(question)}
                    highlight={highlight}
                  />
                </li>
              ))}
            </ul>
          )}
        </div>

        {status !== "LoadingFirstPage" && results.length > 0 && (
          <div className="mt-6 flex justify-center">
            {status === "CanLoadMore" && (
              <Button variant="secondary" onClick={list.loadMore}>
                {searching ? "Show more matches" : "Load more"}
              </Button>
            )}
            {status === "LoadingMore" && (
              <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
                <Spinner /> Loading more…
              </p>
            )}
            {status === "Exhausted" && results.length > PAGE_SIZE && (
              <p className="text-sm text-muted-foreground">
                {list.moreMatches
                  ? "Those are the best matches: add a word to narrow the search."
                  : "That's all of them."}
              </p>
            )}
          </div>
        )}
      </div>
      {dialogs}
    </div>
  );
}

/** What the list holds, in a line under the title. */
function countText(list: QuestionList, view: QuestionView, filtered: boolean): string {
  const { status, results } = list;
  if (status === "LoadingFirstPage") return list.searching ? "Searching…" : "Loading…";
  if (list.searching) {
    const count = list.matchIds?.length ?? results.length;
    const matches = `${count} ${list.moreMatches ? "best " : ""}${count === 1 ? "match" : "matches"}`;
    return status === "Exhausted" ? matches : `${matches} · ${results.length} shown`;
  }
  if (status === "Exhausted") return `${plural(results.length, "question")}${filtered ? " in this view" : ""}`;
  return `${SORT_LABELS[effectiveSort(view, view.sort)]} · ${results.length} shown`;
}

/** "Select all shown", then "Select all in this view" (across pages, or every match of a search). */
function SelectAll({
  list,
  selectedCount,
  all,
  onSelectShown,
  onSelectAll,
}: {
  list: QuestionList;
  selectedCount: number;
  all: boolean;
  onSelectShown: (on: boolean) => void;
  onSelectAll: () => void;
}) {
  const allShown = all || (selectedCount > 0 && selectedCount >= list.results.length);
  const more = list.status === "CanLoadMore" || list.status === "LoadingMore";
  return (
    <>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="size-4 accent-primary"
          checked={allShown}
          onChange={(event) => onSelectShown(event.target.checked)}
        />
        <span className="sr-only">Select all shown</span>
      </label>
      {allShown && !all && more && selectedCount < (list.matchIds?.length ?? Infinity) && (
        <Button variant="link" size="sm" className="h-auto px-0" onClick={onSelectAll}>
          {list.searching ? "Select every match" : "Select all in this view"}
        </Button>
      )}
    </>
  );
}

/** Which job the list is showing, live: its state, progress while running, a link to its page. */
function JobFilterBanner({ jobId, className }: { jobId: string; className?: string }) {
  const job = useQuery(api.generationJobs.getJobById, { jobId });
  if (job === undefined) return <div className={className} aria-hidden="true" style={{ minHeight: 74 }} />;

  return (
    <div className={className}>
      <div className="flex items-start gap-3 rounded-xl border border-border bg-card px-4 py-3">
        <div className="min-w-0 flex-1">
          {job === null ? (
            <p className="text-sm">
              Showing questions from a generation that no longer exists (or isn&apos;t yours). Its questions, if any,
              are still listed under their topic.
            </p>
          ) : (
            <>
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="text-muted-foreground">From the generation</span>
                <Link
                  href={`/jobs/${job._id}`}
                  className="min-w-0 truncate font-medium underline-offset-4 hover:underline"
                >
                  {jobTitle(job)}
                </Link>
                <JobStatusBadge job={job} />
              </div>
              {(isActiveStatus(job.status) || job.status === "paused") && (
                <JobLiveRow job={job} compact className="mt-2.5" />
              )}
            </>
          )}
        </div>
        <Button asChild variant="ghost" size="icon-sm" aria-label="Show all questions">
          <Link href="/my-questions" scroll={false}>
            <X aria-hidden="true" />
          </Link>
        </Button>
      </div>
    </div>
  );
}

function FilteredEmpty({ view, onClearSearch }: { view: QuestionView; onClearSearch: () => void }) {
  const { activeJobs } = useActiveJobs();
  const waiting = view.jobId !== undefined && activeJobs.some((job) => job._id === view.jobId);
  const search = view.search?.trim();
  return (
    <div className="rounded-xl border border-dashed border-border px-6 py-12 text-center">
      {waiting && !search ? (
        <p className="flex items-center justify-center gap-2 text-muted-foreground" role="status">
          <Spinner /> Waiting for the first question…
        </p>
      ) : search ? (
        <>
          <p className="text-muted-foreground">No question here matches “{search}”.</p>
          <Button variant="link" className="mt-2" onClick={onClearSearch}>
            Clear the search
          </Button>
        </>
      ) : (
        <>
          <p className="text-muted-foreground">{SHOW_FILTERS[view.show ?? "all"].empty}</p>
          <Button asChild variant="link" className="mt-2">
            <Link href="/my-questions">Show all questions</Link>
          </Button>
        </>
      )}
    </div>
  );
}
