/**
 * What can be done with a job right now, as buttons: Pause (queued or
 * running), Resume (paused), Continue (cancelled or interrupted, with how many
 * questions are left), Retry (another retryable failure), "10 more"
 * (completed, until the job is full) and Cancel (queued, running or paused).
 * Shared by the task card, the live strip and the job page, so a job offers
 * the same actions everywhere. The actions that start an attempt (Resume,
 * Continue, Retry, "10 more") are disabled ahead of a refusal, with the reason
 * beside them and the rate limit's countdown, exactly as the generation form
 * shows it (`useStartBlock`).
 */
"use client";

import { CirclePause, CirclePlay, Plus } from "lucide-react";
import { useId } from "react";
import type { PublicJob } from "@/lib/validators";
import { useJobActions } from "@/hooks/use-job-actions";
import { useStartBlock } from "@/hooks/use-start-block";
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
  const canResume = job.status === "paused" || (job.status === "cancelled" && left !== 0);
  const canMore = job.status === "completed" && more > 0;
  const restarts = canResume || isRetryableJob(job) || canMore;
  const block = useStartBlock();
  const blocked = restarts && block !== null;
  const reasonId = useId();
  const describedBy = blocked ? reasonId : undefined;

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
      {canResume && (
        <Button
          variant="primary"
          size={size}
          data-focus-next
          disabled={actions.isResuming || blocked}
          aria-describedby={describedBy}
          onClick={() => void actions.resume(job._id)}
        >
          {actions.isResuming ? <Spinner /> : <CirclePlay aria-hidden="true" />}
          {actions.isResuming ? "Continuing…" : job.status === "paused" ? "Resume" : continueLabel}
        </Button>
      )}
      {isRetryableJob(job) && (
        <RetryJobButton
          jobId={job._id}
          size={size}
          label={isInterruptedJob(job) ? continueLabel : "Retry"}
          disabled={blocked}
          describedBy={describedBy}
        />
      )}
      {canMore && (
        <Button
          variant="secondary"
          size={size}
          disabled={actions.isExtending || blocked}
          aria-describedby={describedBy}
          onClick={() => void actions.extend(job._id)}
        >
          {actions.isExtending ? <Spinner /> : <Plus aria-hidden="true" />}
          {actions.isExtending ? "Starting…" : `${more} more`}
        </Button>
      )}
      {withCancel && (isActiveJob(job) || job.status === "paused") && <CancelJobButton job={job} size={size} />}
      {blocked && (
        <p id={reasonId} data-testid="start-blocked" className="basis-full text-xs text-muted-foreground tabular-nums">
          {block.message}
        </p>
      )}
    </>
  );
}
