/**
 * Types of the generation job system, derived from the validators in
 * `convex/lib/validators.ts` (the single source of the literals), plus type
 * guards the UI uses to render each state.
 */
import type { Doc } from "../convex/_generated/dataModel";
import { ERROR_CODES, JOB_PHASES, JOB_STATUSES } from "../convex/lib/validators";

export type { ErrorCode, JobKind, JobPhase, JobStatus, ModelKind } from "../convex/lib/validators";
export type { AppErrorCode, AppErrorData } from "../lib/errors";

export type GenerationJob = Doc<"generationJobs">;
export type Question = Doc<"questions">;

type JobOf<S extends GenerationJob["status"]> = GenerationJob & { status: S };

export function isJobStatus(value: unknown): value is GenerationJob["status"] {
  return typeof value === "string" && (JOB_STATUSES as readonly string[]).includes(value);
}
export function isJobPhase(value: unknown): value is GenerationJob["phase"] {
  return typeof value === "string" && (JOB_PHASES as readonly string[]).includes(value);
}
export function isErrorCode(value: unknown): value is NonNullable<GenerationJob["errorCode"]> {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

export function isPendingJob(job: GenerationJob): job is JobOf<"pending"> {
  return job.status === "pending";
}
export function isProcessingJob(job: GenerationJob): job is JobOf<"processing"> {
  return job.status === "processing";
}
export function isActiveJob(job: GenerationJob): job is JobOf<"pending" | "processing"> {
  return job.status === "pending" || job.status === "processing";
}
export function isCompletedJob(job: GenerationJob): job is JobOf<"completed"> {
  return job.status === "completed";
}
export function isCancelledJob(job: GenerationJob): job is JobOf<"cancelled"> {
  return job.status === "cancelled";
}
export function isFailedJob(job: GenerationJob): job is JobOf<"failed"> {
  return job.status === "failed";
}
/** A failed job whose action died (crash, restart, timeout) rather than erred. */
export function isInterruptedJob(job: GenerationJob): job is JobOf<"failed"> {
  return job.status === "failed" && job.errorCode === "INTERRUPTED";
}
/** A failed job the user may retry (continues where it stopped). */
export function isRetryableJob(job: GenerationJob): job is JobOf<"failed"> {
  return job.status === "failed" && job.retryable === true;
}
