/**
 * One job in detail, live: the prompt as typed, while it runs the live strip
 * (n of N, elapsed, time left, pause, cancel), a timeline of its attempts with
 * times, the questions it has saved so far (newest first, where the eye is,
 * the ones that arrive marked "Just added"), what the quality check rewrote,
 * skipped and marked (`QualityGateReport`), what went wrong if it failed, and
 * what can be done now (`JobActions`: resume, continue, retry, "10 more"). An id that is malformed,
 * unknown or someone else's gets a proper "not found" state.
 */
"use client";

import { useQuery } from "convex/react";
import { ArrowLeft, BookOpen, Copy, FileQuestion, ListChecks } from "lucide-react";
import Link from "next/link";
import { useRef } from "react";
import { api } from "@/convex/_generated/api";
import type { PublicJob } from "@/lib/validators";
import { useAppShell } from "@/hooks/use-app-shell";
import { useArrivals } from "@/hooks/use-arrivals";
import { useKeepFocus } from "@/hooks/use-keep-focus";
import { useNow } from "@/hooks/use-now";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { describeJobError, gateCounts, isActiveStatus, PHASE_NAMES, plural } from "@/lib/jobs";
import { ServerAwayNote } from "@/components/connection-status";
import { fullDateTime, relativeTime, tokenCount } from "@/components/format";
import { jobQuestionsHref } from "@/components/generation-task-card";
import { JobActions } from "@/components/job-actions";
import { JobLiveRow } from "@/components/job-live-strip";
import { JobSourceLine } from "@/components/job-source";
import { jobDisplayState, JobStatusBadge, jobTitle } from "@/components/job-status";
import { BulkActions } from "@/components/questions/bulk-actions";
import { QuestionActions } from "@/components/questions/question-actions";
import { QuestionCard } from "@/components/questions/question-card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { JobTimeline } from "./job-timeline";
import { QualityGateReport } from "./quality-gate-report";

export function JobDetail({ jobId }: { jobId: string }) {
  const job = useQuery(api.generationJobs.getJobById, { jobId });
  const now = useNow(15_000);

  if (job === undefined) {
    return (
      <ServerAwayNote what="this generation">
        <JobDetailSkeleton />
      </ServerAwayNote>
    );
  }
  if (job === null) return <JobNotFound />;

  return (
    <div>
      <BackLink />
      <JobHeader job={job} now={now} />
      {job.status === "failed" && <JobErrorDetails job={job} />}
      <QualityGateReport job={job} />
      <div className="mt-8 grid gap-8 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <aside aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="mb-4 text-sm font-semibold tracking-wide text-muted-foreground uppercase">
            Timeline
          </h2>
          <JobTimeline job={job} now={now} />
        </aside>
        <JobQuestions job={job} now={now} />
      </div>
    </div>
  );
}

function BackLink() {
  return (
    <Link
      href="/my-questions"
      className="inline-flex items-center gap-1.5 rounded-md text-sm text-muted-foreground transition-colors hover:text-foreground"
    >
      <ArrowLeft aria-hidden="true" className="size-4" />
      My Questions
    </Link>
  );
}

function JobHeader({ job, now }: { job: PublicJob; now: number }) {
  const { openGenerate } = useAppShell();
  const live = isActiveStatus(job.status) || job.status === "paused";
  const { rewritten, skipped } = gateCounts(job);
  // "Stop generation" (or the job ending) swaps the live row's buttons for others: focus stays here.
  const header = useRef<HTMLElement>(null);
  useKeepFocus(header, job.status);
  return (
    <header ref={header} className="mt-4">
      <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
        <JobStatusBadge job={job} />
        {now > 0 && (
          <time dateTime={new Date(job.createdAt).toISOString()} title={fullDateTime(job.createdAt)}>
            Requested {relativeTime(job.createdAt, now)}
          </time>
        )}
        {job.model === "sample" && <Badge tone="warning">Sample model</Badge>}
        {rewritten > 0 && (
          <span title="Questions the quality check rejected and the model rewrote">
            · {plural(rewritten, "question")} rewritten
          </span>
        )}
        {skipped > 0 && (
          <span title="Questions the model wrote that were unusable (malformed, the answer not among the options, or not supported by your material), or that the quality check rejected and no rewrite replaced">
            · {plural(skipped, "question")} skipped
          </span>
        )}
        {job.inputTokens !== undefined && job.outputTokens !== undefined && (
          <span
            title={
              job.usageEstimated
                ? "Estimated from the text: the AI service did not report every attempt's tokens"
                : "As the AI service reported them"
            }
          >
            · {tokenCount(job.inputTokens)} tokens in, {tokenCount(job.outputTokens)} out
            {job.usageEstimated ? " (estimated)" : ""}
          </span>
        )}
      </div>
      <h1 className="mt-3 text-2xl leading-tight font-semibold tracking-tight text-balance break-words sm:text-3xl">
        {jobTitle(job)}
      </h1>

      <figure className="mt-4 rounded-xl border border-border bg-muted/40 px-4 py-3">
        <figcaption className="text-xs font-medium tracking-wide text-muted-foreground uppercase">
          Your prompt
        </figcaption>
        <blockquote className="mt-1.5 max-h-64 overflow-y-auto text-[15px] leading-relaxed break-words whitespace-pre-wrap">
          {job.prompt}
        </blockquote>
      </figure>

      {job.source && <JobSourceLine source={job.source} running={live} className="mt-3 text-sm" />}

      {live && <JobLiveRow job={job} compact className="mt-5" />}

      <div className="mt-5 flex flex-wrap gap-2">
        {!live && <JobActions job={job} size="md" />}
        {job.questionsSaved > 0 && (
          <Button asChild variant="secondary">
            <Link href={jobQuestionsHref(job._id)}>
              <ListChecks aria-hidden="true" />
              Open in My Questions
            </Link>
          </Button>
        )}
        {job.source ? (
          <Button variant="ghost" onClick={() => openGenerate("", { sourceId: job.source!.sourceId })}>
            <BookOpen aria-hidden="true" />
            More from this source
          </Button>
        ) : (
          <Button variant="ghost" onClick={() => openGenerate(job.prompt)}>
            <Copy aria-hidden="true" />
            Use this prompt again
          </Button>
        )}
      </div>
    </header>
  );
}

function JobErrorDetails({ job }: { job: PublicJob }) {
  const { title, detail } = describeJobError(job.errorCode);
  const interrupted = jobDisplayState(job) === "interrupted";
  return (
    <section
      aria-labelledby="job-error-title"
      className={cn(
        "mt-6 rounded-xl border px-4 py-3",
        interrupted
          ? "border-warning/40 bg-warning-soft text-warning-soft-foreground"
          : "border-destructive/40 bg-destructive-soft text-destructive-soft-foreground",
      )}
    >
      <h2 id="job-error-title" className="font-semibold">
        {title}
      </h2>
      <p className="mt-1 text-sm">{detail}</p>
      {job.questionsSaved > 0 && (
        <p className="mt-1 text-sm font-medium">{plural(job.questionsSaved, "question")} kept.</p>
      )}
      {job.retryable === false && <p className="mt-1 text-sm">This failure can&apos;t be fixed by retrying.</p>}
      {job.errorCode && (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer font-medium">Technical details</summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-foreground/80">
            <dt>Code</dt>
            <dd className="font-mono">{job.errorCode}</dd>
            <dt>Attempts</dt>
            <dd>{job.attempts}</dd>
          </dl>
        </details>
      )}
    </section>
  );
}

function JobQuestions({ job, now }: { job: PublicJob; now: number }) {
  const questions = useQuery(api.myQuestions.listJobQuestions, { jobId: job._id });
  const writing = job.status === "processing";
  const arrived = useArrivals(questions, job._id);
  return (
    <section aria-labelledby="job-questions-title">
      <h2 id="job-questions-title" className="mb-4 text-sm font-semibold tracking-wide text-muted-foreground uppercase">
        Questions{questions && questions.length > 0 ? ` (${questions.length})` : ""}
      </h2>
      {questions === undefined ? (
        <div className="space-y-3" role="status" aria-label="Loading questions">
          <Skeleton className="h-32 w-full rounded-xl" />
          <Skeleton className="h-32 w-full rounded-xl" />
        </div>
      ) : (
        <>
          {questions.length > 0 && (
            <BulkActions
              className="mb-4"
              selected={[]}
              onClearSelection={() => {}}
              view={{ kind: "job", jobId: job._id }}
            />
          )}
          {/* Newest first, like My Questions: what arrives shows where the eye is, not below the fold. */}
          <ol className="space-y-3">
            {writing && (
              <li>
                <div
                  role="status"
                  className="flex items-center gap-2 rounded-xl border border-dashed border-border px-4 py-4 text-sm text-muted-foreground"
                >
                  <Spinner />
                  {job.phase === "planning" ? `${PHASE_NAMES.planning}…` : `Writing question ${questions.length + 1}…`}
                </div>
              </li>
            )}
            {questions
              .map((question, index) => ({ question, number: index + 1 }))
              .reverse()
              .map(({ question, number }) => (
                <li key={question._id} className="animate-fade-in">
                  <QuestionCard
                    question={question}
                    now={now}
                    number={number}
                    showTopic={false}
                    arrived={arrived(question)}
                    actions={<QuestionActions question={question} />}
                  />
                </li>
              ))}
            {!writing && questions.length === 0 && (
              <li className="rounded-xl border border-dashed border-border px-4 py-8 text-center text-sm text-muted-foreground">
                {job.status === "queued" || job.status === "pending"
                  ? "Questions appear here once the job starts."
                  : "This generation saved no questions."}
              </li>
            )}
          </ol>
        </>
      )}
    </section>
  );
}

function JobNotFound() {
  const { openTasksPanel } = useAppShell();
  return (
    <section aria-labelledby="job-not-found" className="mx-auto max-w-lg py-12 text-center">
      <FileQuestion aria-hidden="true" className="mx-auto size-9 text-muted-foreground" />
      <h1 id="job-not-found" className="mt-4 text-2xl font-semibold tracking-tight">
        Generation not found
      </h1>
      <p className="mt-3 leading-relaxed text-muted-foreground">
        This link doesn&apos;t match any of your generations. It may be mistyped or belong to another account, or the
        job was cleaned up: finished jobs are kept for {JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS} days, failed ones for{" "}
        {JOB_CONFIG.FAILED_JOB_RETENTION_DAYS}. Questions are never deleted with their job.
      </p>
      <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
        <Button onClick={() => openTasksPanel()}>Open background tasks</Button>
        <Button asChild variant="secondary">
          <Link href="/my-questions">My Questions</Link>
        </Button>
      </div>
    </section>
  );
}

function JobDetailSkeleton() {
  return (
    <div role="status" aria-label="Loading the generation">
      <Skeleton className="h-4 w-28" />
      <Skeleton className="mt-6 h-5 w-40" />
      <Skeleton className="mt-3 h-8 w-3/4" />
      <Skeleton className="mt-4 h-20 w-full rounded-xl" />
      <div className="mt-8 grid gap-8 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <Skeleton className="h-48 w-full" />
        <Skeleton className="h-48 w-full rounded-xl" />
      </div>
    </div>
  );
}
