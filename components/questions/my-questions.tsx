/**
 * My Questions: every question of the user, newest first, a page at a time,
 * filtered by topic or by the job that wrote them. Live: the strip at the top
 * says which jobs are still writing (and how long they have left), and their
 * new questions appear at the top, marked "Just added" for a moment.
 */
"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import { X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { useArrivals } from "@/hooks/use-arrivals";
import { useNow } from "@/hooks/use-now";
import { isActiveStatus, plural } from "@/lib/jobs";
import { ServerAwayNote } from "@/components/connection-status";
import { NoQuestionsEmptyState } from "@/components/empty-states";
import { ActiveJobsStrip, JobLiveRow } from "@/components/job-live-strip";
import { JobStatusBadge, jobTitle } from "@/components/job-status";
import { Button } from "@/components/ui/button";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectLabel,
  SelectSeparator,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { BulkActions } from "./bulk-actions";
import { ExportMenu } from "./export-menu";
import { QuestionActions } from "./question-actions";
import { QuestionCard, QuestionCardSkeletonList } from "./question-card";

const PAGE_SIZE = 20;

type MyQuestionsProps = { topic?: string; jobId?: string };

export function MyQuestions({ topic, jobId }: MyQuestionsProps) {
  const now = useNow(30_000);
  // One filter at a time: a job's questions all share its topic anyway.
  const args = jobId !== undefined ? { jobId } : topic !== undefined ? { topic } : {};
  const { results, status, loadMore } = usePaginatedQuery(api.myQuestions.listMyQuestions, args, {
    initialNumItems: PAGE_SIZE,
  });
  const filtered = jobId !== undefined || topic !== undefined;
  const view =
    jobId !== undefined
      ? { kind: "job" as const, jobId }
      : topic !== undefined
        ? { kind: "topic" as const, topic }
        : null;
  // The selection, kept only for questions still listed.
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const selected = results.filter((q) => selection.has(q._id)).map((q) => q._id as string);
  function toggle(id: string, on: boolean) {
    const next = new Set(selection);
    if (on) next.add(id);
    else next.delete(id);
    setSelection(next);
  }
  const arrived = useArrivals(status === "LoadingFirstPage" ? undefined : results, JSON.stringify(args));

  if (!filtered && status === "Exhausted" && results.length === 0) {
    return (
      <>
        <ActiveJobsStrip className="mb-6" />
        <NoQuestionsEmptyState context="my-questions" />
      </>
    );
  }

  return (
    <div>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">My Questions</h1>
          <p className="mt-1 text-sm text-muted-foreground" aria-live="polite">
            {status === "LoadingFirstPage"
              ? "Loading…"
              : status === "Exhausted"
                ? `${plural(results.length, "question")}${filtered ? " in this view" : ""}`
                : `Newest first · ${results.length} shown`}
          </p>
        </div>
        <div className="flex items-end gap-2">
          <QuestionFilter topic={topic} jobId={jobId} />
          {results.length > 0 && <ExportMenu topic={topic} jobId={jobId} viewName={topic ?? (jobId && "generation")} />}
        </div>
      </div>

      {jobId !== undefined ? <JobFilterBanner jobId={jobId} className="mt-5" /> : <ActiveJobsStrip className="mt-5" />}

      {results.length > 0 && (
        <BulkActions
          className="mt-5"
          selected={selected}
          onClearSelection={() => setSelection(new Set())}
          view={view}
        />
      )}

      <div className="mt-6">
        <h2 className="sr-only">Questions</h2>
        {status === "LoadingFirstPage" ? (
          <ServerAwayNote what="your questions">
            <QuestionCardSkeletonList />
          </ServerAwayNote>
        ) : results.length === 0 ? (
          <FilteredEmpty jobId={jobId} />
        ) : (
          <ul className="space-y-3">
            {results.map((question) => (
              <li key={question._id} className="animate-fade-in">
                <QuestionCard
                  question={question}
                  now={now}
                  showTopic={topic === undefined}
                  leading={
                    <input
                      type="checkbox"
                      className="size-4 accent-primary"
                      aria-label={`Select “${question.question}”`}
                      checked={selection.has(question._id)}
                      onChange={(e) => toggle(question._id, e.target.checked)}
                    />
                  }
                  actions={<QuestionActions question={question} />}
                  arrived={arrived(question)}
                />
              </li>
            ))}
          </ul>
        )}
      </div>

      {status !== "LoadingFirstPage" && results.length > 0 && (
        <div className="mt-6 flex justify-center">
          {status === "CanLoadMore" && (
            <Button variant="secondary" onClick={() => loadMore(PAGE_SIZE)}>
              Load more
            </Button>
          )}
          {status === "LoadingMore" && (
            <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
              <Spinner /> Loading more…
            </p>
          )}
          {status === "Exhausted" && results.length > PAGE_SIZE && (
            <p className="text-sm text-muted-foreground">That&apos;s all of them.</p>
          )}
        </div>
      )}
    </div>
  );
}

const ALL = "all";

/** One select for "all", a topic, or a recent job; the choice lives in the URL. */
function QuestionFilter({ topic, jobId }: MyQuestionsProps) {
  const router = useRouter();
  const topics = useQuery(api.myQuestions.listMyTopics);
  const { jobs } = useActiveJobs();
  const value = jobId !== undefined ? `job:${jobId}` : topic !== undefined ? `topic:${topic}` : ALL;
  const jobsWithQuestions = jobs.filter((job) => job.questionsSaved > 0 || job._id === jobId);
  const topicNames = topics?.map((t) => t.name) ?? [];
  if (topic !== undefined && !topicNames.includes(topic)) topicNames.unshift(topic);

  function choose(next: string) {
    const params = new URLSearchParams();
    if (next.startsWith("topic:")) params.set("topic", next.slice("topic:".length));
    if (next.startsWith("job:")) params.set("job", next.slice("job:".length));
    const query = params.toString();
    router.replace(query ? `/my-questions?${query}` : "/my-questions", { scroll: false });
  }

  return (
    <div className="w-full sm:w-72">
      <label id="question-filter-label" className="mb-1.5 block text-xs font-medium text-muted-foreground">
        Show
      </label>
      <Select value={value} onValueChange={choose}>
        <SelectTrigger aria-labelledby="question-filter-label">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={ALL}>All questions</SelectItem>
          {topicNames.length > 0 && (
            <>
              <SelectSeparator />
              <SelectGroup>
                <SelectLabel>Topics</SelectLabel>
                {topicNames.map((name) => (
                  <SelectItem key={name} value={`topic:${name}`}>
                    {name}
                  </SelectItem>
                ))}
              </SelectGroup>
            </>
          )}
          {(jobsWithQuestions.length > 0 || jobId !== undefined) && (
            <>
              <SelectSeparator />
              <SelectGroup>
                <SelectLabel>Recent generations</SelectLabel>
                {jobId !== undefined && !jobsWithQuestions.some((job) => job._id === jobId) && (
                  <SelectItem value={`job:${jobId}`}>This generation</SelectItem>
                )}
                {jobsWithQuestions.map((job) => (
                  <SelectItem key={job._id} value={`job:${job._id}`}>
                    {jobTitle(job)} · {plural(job.questionsSaved, "question")}
                  </SelectItem>
                ))}
              </SelectGroup>
            </>
          )}
        </SelectContent>
      </Select>
    </div>
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

function FilteredEmpty({ jobId }: { jobId?: string }) {
  const { activeJobs } = useActiveJobs();
  const waiting = jobId !== undefined && activeJobs.some((job) => job._id === jobId);
  return (
    <div className="rounded-xl border border-dashed border-border px-6 py-12 text-center">
      {waiting ? (
        <p className="flex items-center justify-center gap-2 text-muted-foreground" role="status">
          <Spinner /> Waiting for the first question…
        </p>
      ) : (
        <>
          <p className="text-muted-foreground">No questions here.</p>
          <Button asChild variant="link" className="mt-2">
            <Link href="/my-questions">Show all questions</Link>
          </Button>
        </>
      )}
    </div>
  );
}
