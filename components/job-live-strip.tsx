/**
 * The live strip: where each of the user's running, queued and paused jobs
 * is, shown above My Questions, Review and on the job page. Per job: its
 * phase, n of N, the elapsed time, an estimate of the time left from the
 * job's observed rate ("about 8 s left", `jobTiming`), and its actions
 * (pause, resume, cancel). Ticks once a second; shows nothing when nothing runs.
 */
"use client";

import Link from "next/link";
import { useRef } from "react";
import type { PublicJob } from "@/lib/validators";
import { useLiveJobs } from "@/hooks/use-live-jobs";
import { useKeepFocus } from "@/hooks/use-keep-focus";
import { useNow } from "@/hooks/use-now";
import { isActiveJob, isBetweenSections, jobProgress, PHASE_NAMES, sectionLabel } from "@/lib/jobs";
import { formatClock, formatTimeLeft, jobTiming } from "@/lib/timing";
import { JobActions } from "./job-actions";
import { JobStatusBadge, jobTitle } from "./job-status";
import { cn } from "./ui/cn";
import { QueueStanding } from "./queue-standing";
import { Progress } from "./ui/progress";

/** Every live job of the user, one row each; nothing when there are none. */
export function ActiveJobsStrip({ className }: { className?: string }) {
  const live = useLiveJobs();
  if (live.length === 0) return null;
  return (
    <section aria-label="Generations in progress" className={cn("space-y-2", className)}>
      {live.map((job) => (
        <JobLiveRow key={job._id} job={job} />
      ))}
    </section>
  );
}

/** What a live job is doing, in words: "Planning…", "3 of 10 saved", "Paused · 3 of 10 saved", and for a job
 * over a source, which section it is on: "Section 3 of 12 · 9 of 40 saved" (also between two sections). */
export function liveJobLabel(job: PublicJob): string {
  const counted =
    job.estimatedTotal !== undefined
      ? `${job.questionsSaved} of ${job.estimatedTotal} saved`
      : `${job.questionsSaved} saved`;
  const section = job.source ? `${sectionLabel(job.source)} · ` : "";
  if (section && isBetweenSections(job)) return `${section}${counted}`;
  if (job.status === "paused") return `Paused · ${section}${counted}`;
  if (job.status === "queued") return job.attempts > 1 ? `Queued to continue · ${counted}` : "Queued";
  if (job.status === "pending") return "Starting…";
  if (section && job.phase !== "finalizing") return `${section}${counted}`;
  if (job.phase === "planning" || job.estimatedTotal === undefined) return `${PHASE_NAMES.planning}…`;
  if (job.phase === "finalizing") return `${PHASE_NAMES.finalizing} · ${counted}`;
  return counted;
}

type JobLiveRowProps = {
  job: PublicJob;
  /** Without the title (the job page and the job filter show their own). */
  compact?: boolean;
  className?: string;
};

/** One live job: label, bar, elapsed, time left, actions. */
export function JobLiveRow({ job, compact = false, className }: JobLiveRowProps) {
  const now = useNow(1000);
  const container = useRef<HTMLDivElement>(null);
  useKeepFocus(container, job.status);
  const { percent } = jobProgress(job);
  const { elapsedMs, leftMs } = now > 0 ? jobTiming(job, now) : { elapsedMs: null, leftMs: null };
  const label = liveJobLabel(job);

  return (
    <div
      ref={container}
      data-testid="job-live-row"
      data-job-id={job._id}
      className={cn(
        "rounded-xl border bg-card px-4 py-3",
        job.status === "paused" ? "border-border" : "border-primary/30",
        className,
      )}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        {!compact && (
          <div className="flex min-w-0 flex-1 items-center gap-2">
            <JobStatusBadge job={job} />
            <Link
              href={`/jobs/${job._id}`}
              className="min-w-0 truncate text-sm font-medium underline-offset-4 hover:underline"
            >
              {jobTitle(job)}
            </Link>
          </div>
        )}
        <p className={cn("text-sm text-muted-foreground tabular-nums", compact && "flex-1")}>
          <span data-testid="live-label">{label}</span>
          {job.status === "queued" && (
            <>
              {" · "}
              <QueueStanding jobId={job._id} />
            </>
          )}
          {elapsedMs !== null && (
            <span title="Time since this attempt started" data-testid="elapsed">
              {" "}
              · <span className="sr-only">elapsed </span>
              {formatClock(elapsedMs)}
            </span>
          )}
          {isActiveJob(job) && leftMs !== null && <span data-testid="time-left"> · {formatTimeLeft(leftMs)}</span>}
        </p>
        <div className="flex flex-wrap gap-2">
          <JobActions job={job} />
        </div>
      </div>
      <Progress
        className="mt-2.5"
        value={job.status === "paused" ? (percent ?? 0) : percent}
        tone={job.status === "paused" ? "muted" : "primary"}
        label={`Progress of ${jobTitle(job)}`}
        valueText={label}
      />
    </div>
  );
}
