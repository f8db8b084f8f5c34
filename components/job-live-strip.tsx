/**
 * The live strip: where each of the user's running, queued and paused jobs
 * is, shown above My Questions, Review and on the job page. Per job: its
 * phase, n of N, the elapsed time, an estimate of the time left from the
 * job's observed rate ("about 8 s left", `jobTiming`; a job whose heartbeat is
 * late says "no progress for 40 s" instead), and its actions (pause, resume,
 * cancel). Ticks once a second; shows nothing when nothing runs. When a row
 * that had keyboard focus goes (cancelled, finished), focus moves to the next
 * row, or to the page's content, never to nowhere.
 */
"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import type { PublicJob } from "@/lib/validators";
import { useLiveJobs } from "@/hooks/use-live-jobs";
import { useKeepFocus } from "@/hooks/use-keep-focus";
import { useNow } from "@/hooks/use-now";
import { isActiveJob, isBetweenSections, jobProgress, PHASE_NAMES, sectionLabel } from "@/lib/jobs";
import { formatClock, formatStalled, formatTimeLeft, jobTiming } from "@/lib/timing";
import { JobActions } from "./job-actions";
import { JobStatusBadge, jobTitle } from "./job-status";
import { cn } from "./ui/cn";
import { QueueStanding } from "./queue-standing";
import { Progress } from "./ui/progress";

/** Every live job of the user, one row each; nothing when there are none. */
export function ActiveJobsStrip({ className }: { className?: string }) {
  const live = useLiveJobs();
  const strip = useRef<HTMLElement>(null);
  useFocusAfterRowLeaves(strip, live.map((job) => job._id).join(" "));
  if (live.length === 0) return null;
  return (
    <section ref={strip} aria-label="Generations in progress" className={cn("space-y-2", className)}>
      {live.map((job) => (
        <JobLiveRow key={job._id} job={job} />
      ))}
    </section>
  );
}

/**
 * When the rows (`ids`) change and keyboard focus was inside one that left (or
 * in a dialog it opened, like "Stop generation", that gave focus back to a
 * button now gone), focus goes to the first row's first button, or to the
 * page's main content when no row is left.
 */
function useFocusAfterRowLeaves(strip: React.RefObject<HTMLElement | null>, ids: string) {
  const previous = useRef(ids);
  useEffect(() => {
    if (previous.current === ids) return;
    previous.current = ids;
    const frame = requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const next = strip.current?.querySelector<HTMLElement>("[data-focus-next], button, a[href]");
      (next ?? document.getElementById("main"))?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [strip, ids]);
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
  const { elapsedMs, leftMs, stalledMs } =
    now > 0 ? jobTiming(job, now) : { elapsedMs: null, leftMs: null, stalledMs: null };
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
          // A row of its own on a phone, so the title never shrinks to nothing beside the count.
          <div className="flex w-full min-w-0 items-center gap-2 sm:w-auto sm:flex-1">
            <JobStatusBadge job={job} className="shrink-0" />
            <Link
              href={`/jobs/${job._id}`}
              className="min-w-0 truncate text-sm font-medium underline-offset-4 hover:underline"
            >
              {jobTitle(job)}
            </Link>
          </div>
        )}
        <p className={cn("min-w-0 text-sm text-muted-foreground tabular-nums", compact && "flex-1")}>
          <span data-testid="live-label">{label}</span>
          {job.status === "queued" && (
            <>
              {" · "}
              <QueueStanding jobId={job._id} />
            </>
          )}
          {elapsedMs !== null && (
            <span title="Time spent generating (a pause does not count)" data-testid="elapsed">
              {" "}
              · <span className="sr-only">elapsed </span>
              {formatClock(elapsedMs)}
            </span>
          )}
          {isActiveJob(job) && leftMs !== null && <span data-testid="time-left"> · {formatTimeLeft(leftMs)}</span>}
          {isActiveJob(job) && stalledMs !== null && (
            <span data-testid="stalled" className="font-medium text-warning-soft-foreground">
              {" "}
              · {formatStalled(stalledMs)}
            </span>
          )}
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
