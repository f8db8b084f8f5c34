/**
 * Types of the generation job system, derived from the validators in
 * `convex/lib/validators.ts` (the single source of the literals), plus type
 * guards the UI uses to render each state. The guards take any object with
 * the fields they read, so they work on the `PublicJob`s queries return as
 * well as on stored documents.
 */
import type { JobStatus, PublicJob, QuestionDoc } from "../convex/lib/validators";
import { isActiveStatus } from "../lib/jobs";

export type { ErrorCode, JobKind, JobPhase, JobStatus, ModelKind } from "../convex/lib/validators";
export type { AppErrorCode, AppErrorData } from "../lib/errors";

/** A job as its owner sees it (what `getRecentJobs`, `getActiveJobs` and `getJobById` return). */
export type GenerationJob = PublicJob;
export type Question = QuestionDoc;

type WithStatus = Pick<PublicJob, "status">;
type Is<J, S extends JobStatus> = J & { status: S };

export function isPendingJob<J extends WithStatus>(job: J): job is Is<J, "pending"> {
  return job.status === "pending";
}
export function isProcessingJob<J extends WithStatus>(job: J): job is Is<J, "processing"> {
  return job.status === "processing";
}
/** Pending or processing: counts against the limit of 3, can be cancelled. */
export function isActiveJob<J extends WithStatus>(job: J): job is Is<J, "pending" | "processing"> {
  return isActiveStatus(job.status);
}
export function isCompletedJob<J extends WithStatus>(job: J): job is Is<J, "completed"> {
  return job.status === "completed";
}
export function isCancelledJob<J extends WithStatus>(job: J): job is Is<J, "cancelled"> {
  return job.status === "cancelled";
}
export function isFailedJob<J extends WithStatus>(job: J): job is Is<J, "failed"> {
  return job.status === "failed";
}
/** A failed job whose action died (crash, restart, timeout) rather than erred. */
export function isInterruptedJob<J extends Pick<PublicJob, "status" | "errorCode">>(job: J): job is Is<J, "failed"> {
  return job.status === "failed" && job.errorCode === "INTERRUPTED";
}
/** A failed job the user may retry (it continues where it stopped). */
export function isRetryableJob<J extends Pick<PublicJob, "status" | "retryable">>(job: J): job is Is<J, "failed"> {
  return job.status === "failed" && job.retryable === true;
}
