/**
 * One background job as a card, for every state: queued, generating (phase,
 * progress, live count, pause, cancel), paused (resume), done (count, what
 * the quality gate rewrote and skipped, duration, view questions, "10 more"),
 * cancelled (questions kept, continue), failed (what went wrong in plain
 * words, retry when it can help) and interrupted (continue). The actions are `JobActions`; when they change
 * under the keyboard, focus stays in the card (`useKeepFocus`).
 */
"use client";

import { ArrowRight, ListChecks } from "lucide-react";
import Link from "next/link";
import { useId, useRef } from "react";
import type { PublicJob } from "@/lib/validators";
import { useKeepFocus } from "@/hooks/use-keep-focus";
import { useNow } from "@/hooks/use-now";
import { describeJobError, gateCounts, isBetweenSections, jobProgress, plural } from "@/lib/jobs";
import { isActiveJob } from "@/lib/jobs";
import { tryNumber } from "@/lib/timing";
import { fullDateTime, relativeTime, shortDuration } from "./format";
import { JobActions } from "./job-actions";
import { JobSourceLine } from "./job-source";
import { jobDisplayState, JobStatusBadge, jobTitle } from "./job-status";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { QueueStanding } from "./queue-standing";
import { Progress } from "./ui/progress";

type GenerationTaskCardProps = {
  job: PublicJob;
  /** Called when a link in the card is followed (the panel closes itself). */
  onNavigate?: () => void;
  /** The title's heading level: 4 under a section heading, else 3. */
  headingLevel?: 3 | 4;
  className?: string;
};

export function jobQuestionsHref(jobId: string): string {
  return `/my-questions?job=${encodeURIComponent(jobId)}`;
}

export function GenerationTaskCard({ job, onNavigate, headingLevel = 3, className }: GenerationTaskCardProps) {
  const Heading = headingLevel === 4 ? "h4" : "h3";
  const titleId = useId();
  const card = useRef<HTMLElement>(null);
  const now = useNow(30_000);
  const title = jobTitle(job);
  const isActive = isActiveJob(job);
  const timestamp = isActive
    ? job.status === "processing"
      ? (job.startedAt ?? job.createdAt)
      : (job.queuedAt ?? job.createdAt)
    : job.status === "paused"
      ? job.lastProgressAt
      : (job.completedAt ?? job.createdAt);
  const timeLabel =
    job.status === "queued" || job.status === "pending"
      ? "Queued"
      : isActive
        ? "Started"
        : job.status === "paused"
          ? "Paused"
          : "Finished";
  // When the job changes state, the button that had focus may be gone: keep the keyboard user in this card.
  useKeepFocus(card, job.status);

  return (
    <article
      ref={card}
      aria-labelledby={titleId}
      className={cn(
        "rounded-xl border border-border bg-card p-4 shadow-xs transition-colors",
        job.status === "processing" && "border-primary/30",
        className,
      )}
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted-foreground">
        <JobStatusBadge job={job} />
        {now > 0 && (
          <time dateTime={new Date(timestamp).toISOString()} title={fullDateTime(timestamp)}>
            {timeLabel} {relativeTime(timestamp, now)}
          </time>
        )}
        {tryNumber(job) > 1 && <span>· attempt {tryNumber(job)}</span>}
      </div>

      <Heading id={titleId} className="mt-2 text-[15px] leading-snug font-medium break-words">
        <Link
          href={`/jobs/${job._id}`}
          onClick={onNavigate}
          className="line-clamp-2 rounded-sm decoration-muted-foreground/50 underline-offset-4 hover:underline"
        >
          {title}
        </Link>
      </Heading>
      {job.topic !== undefined && job.topic !== job.prompt && (
        <p className="mt-1 line-clamp-2 text-sm break-words text-muted-foreground">“{job.prompt}”</p>
      )}
      {job.source && (
        <JobSourceLine source={job.source} running={isActive || job.status === "paused"} className="mt-1.5" />
      )}

      <JobCardBody job={job} />

      <div className="mt-3 flex flex-wrap items-center gap-2">
        <JobActions job={job} />
        {job.questionsSaved > 0 && (
          <Button asChild variant={job.status === "completed" ? "primary" : "secondary"} size="sm">
            <Link href={jobQuestionsHref(job._id)} onClick={onNavigate}>
              <ListChecks aria-hidden="true" />
              View questions
            </Link>
          </Button>
        )}
        <Button asChild variant="ghost" size="sm" className="ml-auto text-muted-foreground">
          <Link href={`/jobs/${job._id}`} onClick={onNavigate} aria-describedby={titleId}>
            Details
            <ArrowRight aria-hidden="true" />
          </Link>
        </Button>
      </div>
    </article>
  );
}

function JobCardBody({ job }: { job: PublicJob }) {
  // Between two sections a job over a source goes back to the queue, but it is still writing.
  const state = isBetweenSections(job) ? "processing" : jobDisplayState(job);
  const progress = jobProgress(job);

  switch (state) {
    case "queued":
      return (
        <div className="mt-3 space-y-1.5">
          <Progress value={null} tone="muted" label="Queued" valueText="Waiting for its turn" />
          <p className="text-sm text-muted-foreground">
            Queued · <QueueStanding jobId={job._id} />
          </p>
        </div>
      );
    case "pending":
      return (
        <div className="mt-3 space-y-1.5">
          <Progress value={null} label="Starting" valueText="Starting" />
          <p className="text-sm text-muted-foreground">Starting…</p>
        </div>
      );
    case "processing":
      return (
        <div className="mt-3 space-y-1.5">
          <Progress value={progress.percent} label="Generation progress" valueText={progress.label} />
          <p className="flex justify-between gap-2 text-sm text-muted-foreground">
            <span>{progress.label}</span>
            {progress.percent !== null && <span className="tabular-nums">{progress.percent}%</span>}
          </p>
        </div>
      );
    case "completed": {
      const { rewritten, skipped } = gateCounts(job);
      return (
        <p className="mt-2 text-sm text-muted-foreground">
          {plural(job.questionsSaved, "question")} ready
          {rewritten > 0 && <> · {rewritten} rewritten</>}
          {skipped > 0 && <> · {skipped} skipped</>}
          {job.durationMs !== undefined && <> · took {shortDuration(job.durationMs)}</>}
        </p>
      );
    }
    case "paused":
      return (
        <div className="mt-3 space-y-1.5">
          <Progress value={progress.percent ?? 0} tone="muted" label="Generation progress" valueText={progress.label} />
          <p className="text-sm text-muted-foreground">
            Paused · {plural(job.questionsSaved, "question")} saved
            {job.estimatedTotal !== undefined && <> of {job.estimatedTotal}</>}
          </p>
        </div>
      );
    case "cancelled":
      return (
        <p className="mt-2 text-sm text-muted-foreground">
          {job.questionsSaved > 0
            ? `Cancelled · ${plural(job.questionsSaved, "question")} kept`
            : "Cancelled before any question was saved"}
        </p>
      );
    case "failed":
    case "interrupted": {
      const { title, detail } = describeJobError(job.errorCode);
      return (
        <div
          className={cn(
            "mt-3 rounded-lg px-3 py-2.5 text-sm",
            state === "interrupted"
              ? "bg-warning-soft text-warning-soft-foreground"
              : "bg-destructive-soft text-destructive-soft-foreground",
          )}
        >
          <p className="font-medium">{title}</p>
          <p className="mt-0.5 opacity-90">{detail}</p>
          {job.questionsSaved > 0 && <p className="mt-1 font-medium">{plural(job.questionsSaved, "question")} kept</p>}
        </div>
      );
    }
  }
}
