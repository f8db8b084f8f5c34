/**
 * What can be done with a job right now, as buttons: Pause (queued or
 * running), Resume (paused), Continue (cancelled or interrupted, with how many
 * questions are left), Retry (another retryable failure), "10 more"
 * (completed, until the job is full) and Cancel (queued, running or paused).
 * Shared by the task card, the live strip and the job page, so a job offers
 * the same actions everywhere.
 */
"use client";

import { CirclePause, CirclePlay, Plus } from "lucide-react";
import type { PublicJob } from "@/lib/validators";
import { useJobActions } from "@/hooks/use-job-actions";
import { isActiveJob, isInterruptedJob, isRetryableJob, moreQuestionsCount, questionsLeft } from "@/lib/jobs";
import { CancelJobButton } from "./cancel-job-button";
import { RetryJobButton } from "./retry-job-button";
import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

type JobActionsProps = {
  job: PublicJob;
  size?: "sm" | "md";
  /** Leave out Cancel (a place that shows it elsewhere). */
  withCancel?: boolean;
};

export function JobActions({ job, size = "sm", withCancel = true }: JobActionsProps) {
  const actions = useJobActions();
  const left = questionsLeft(job);
  const continueLabel = left === null ? "Continue" : `Continue: ${left} left`;
  const more = moreQuestionsCount(job);

  return (
    <>
      {isActiveJob(job) && (
        <Button
          variant="secondary"
          size={size}
          disabled={actions.isPausing}
          onClick={() => void actions.pause(job._id)}
        >
          {actions.isPausing ? <Spinner /> : <CirclePause aria-hidden="true" />}
          {actions.isPausing ? "Pausing…" : "Pause"}
        </Button>
      )}
      {(job.status === "paused" || (job.status === "cancelled" && left !== 0)) && (
        <Button
          variant="primary"
          size={size}
          data-focus-next
          disabled={actions.isResuming}
          onClick={() => void actions.resume(job._id)}
        >
          {actions.isResuming ? <Spinner /> : <CirclePlay aria-hidden="true" />}
          {actions.isResuming ? "Continuing…" : job.status === "paused" ? "Resume" : continueLabel}
        </Button>
      )}
      {isRetryableJob(job) && (
        <RetryJobButton jobId={job._id} size={size} label={isInterruptedJob(job) ? continueLabel : "Retry"} />
      )}
      {job.status === "completed" && more > 0 && (
        <Button
          variant="secondary"
          size={size}
          disabled={actions.isExtending}
          onClick={() => void actions.extend(job._id)}
        >
          {actions.isExtending ? <Spinner /> : <Plus aria-hidden="true" />}
          {actions.isExtending ? "Starting…" : `${more} more`}
        </Button>
      )}
      {withCancel && (isActiveJob(job) || job.status === "paused") && <CancelJobButton job={job} size={size} />}
    </>
  );
}
