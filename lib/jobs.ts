/**
 * Pure rules of a generation job, shared by the server (which enforces them)
 * and the web app (which shows them): the status state machine, progress
 * math, and plain-words descriptions of failures.
 */
import {
  ACTIVE_JOB_STATUSES,
  LEGACY_PLANNING_PHASE,
  RUNNING_JOB_STATUSES,
  type ErrorCode,
  type JobPhase,
  type JobSource,
  type JobStatus,
  type PublicJob,
} from "./validators";
import { JOB_CONFIG } from "./constants/jobs";

/**
 * Allowed status changes, each with what makes it. Every status change checks
 * this (`transition` in `convex/jobTransitions.ts`), so a late `completeJob`
 * can never overwrite `cancelled`, and a job that failed can only go back to
 * the queue through an explicit retry. Every attempt starts in the queue and
 * is dispatched into the generation pool when it has a slot and the model's
 * quota allows. CLAUDE.md's state diagram is `jobStateDiagram()` of this table
 * (a test compares them).
 */
export const JOB_TRANSITIONS: Record<JobStatus, Partial<Record<JobStatus, string>>> = {
  queued: { pending: "dispatch", paused: "pauseJob", cancelled: "cancelJob", failed: "dispatch (no budget left)" },
  pending: { processing: "startJob", paused: "pauseJob", cancelled: "cancelJob", failed: "failJob, sweeper" },
  processing: {
    completed: "completeJob",
    paused: "pauseJob",
    failed: "failJob, sweeper",
    cancelled: "cancelJob",
    queued: "requeueJob, finishStep (next section), makeWayIfWaited",
  },
  paused: { queued: "resumeJob", cancelled: "cancelJob" },
  failed: { queued: "retryJob" },
  completed: { queued: "extendJob" },
  cancelled: { queued: "resumeJob" },
};

/** The task panel's tabs: every job, the active ones, or one other status. */
export type JobStatusFilter = "all" | "active" | Exclude<JobStatus, "queued" | "pending" | "processing">;

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from][to] !== undefined;
}

/** The state machine as a Mermaid state diagram (CLAUDE.md shows it). */
export function jobStateDiagram(): string {
  const lines = ["stateDiagram-v2", "  [*] --> queued: createJob"];
  for (const [from, targets] of Object.entries(JOB_TRANSITIONS)) {
    for (const [to, by] of Object.entries(targets)) lines.push(`  ${from} --> ${to}: ${by}`);
  }
  for (const status of Object.keys(JOB_TRANSITIONS) as JobStatus[]) {
    // `cleanup` deletes finished and paused jobs after their retention (`convex/maintenance.ts`).
    if (status === "paused" || isFinishedStatus(status)) lines.push(`  ${status} --> [*]: cleanup`);
  }
  return lines.join("\n");
}

/** Queued, pending or processing: counts against `MAX_CONCURRENT_PER_USER`, can be paused or cancelled. */
export function isActiveStatus(status: JobStatus): boolean {
  return (ACTIVE_JOB_STATUSES as readonly JobStatus[]).includes(status);
}

/** Pending or processing: holds a slot of the generation pool. */
export function isRunningStatus(status: JobStatus): boolean {
  return (RUNNING_JOB_STATUSES as readonly JobStatus[]).includes(status);
}

/** Completed, failed or cancelled: the job is finished (it may still be
 * retried, continued or extended, which starts a new attempt; a paused one is
 * waiting, not finished). */
export function isFinishedStatus(status: JobStatus): boolean {
  return status !== "paused" && !isActiveStatus(status);
}

/** Whether a move to `to` ends a running attempt (finished, paused, or back to the queue). */
export function endsAttempt(to: JobStatus): to is "completed" | "failed" | "cancelled" | "paused" | "queued" {
  return to === "paused" || to === "queued" || isFinishedStatus(to);
}

/** Questions a paused, cancelled or interrupted job would still write if
 * continued; null while its plan (the count) is unknown. */
export function questionsLeft(job: Pick<PublicJob, "questionsSaved" | "estimatedTotal">): number | null {
  return job.estimatedTotal === undefined ? null : Math.max(0, job.estimatedTotal - job.questionsSaved);
}

/** Characters per token, for estimates (the usual figure for English with these models' tokenizers). */
export const CHARS_PER_TOKEN = 4;

/**
 * What an attempt of `job` is expected to cost before its call is made: its
 * prompt (with the questions it must avoid) and `TOKENS_PER_QUESTION_ESTIMATE`
 * per question still to write. What the model's shared quota is charged up
 * front (the difference is settled when the attempt ends).
 */
export function estimateAttemptTokens(
  job: Pick<PublicJob, "prompt" | "questionsSaved"> & { estimatedTotal?: number },
  systemPromptChars: number,
): number {
  const input = Math.ceil((systemPromptChars + job.prompt.length) / CHARS_PER_TOKEN);
  const avoid = job.questionsSaved * Math.ceil(JOB_CONFIG.TOKENS_PER_QUESTION_ESTIMATE / 2);
  const left = questionsLeft(job) ?? JOB_CONFIG.DEFAULT_QUESTIONS;
  return input + avoid + left * JOB_CONFIG.TOKENS_PER_QUESTION_ESTIMATE;
}

/** How many questions "more" adds to a completed job (0: it is full). */
export function moreQuestionsCount(job: Pick<PublicJob, "questionsSaved">): number {
  return Math.max(0, Math.min(JOB_CONFIG.MORE_QUESTIONS_COUNT, JOB_CONFIG.MAX_QUESTIONS - job.questionsSaved));
}

/** The state of a job's scheduled `processJob` (`_scheduled_functions.state.kind`),
 * or null if there is none. */
export type ActionState = "pending" | "inProgress" | "success" | "failed" | "canceled" | null;

/**
 * Whether the sweeper should fail a running job as INTERRUPTED: its action
 * failed or was cancelled and the job has been silent past
 * `DEAD_ACTION_AFTER_MS`; or it has been silent past `STALE_JOB_AFTER_MS` and
 * its action is no longer waiting or
 * running (it crashed, was killed, or ended without finishing the job), or it
 * has been silent longer than any Convex action may live.
 */
export function isJobStuck({ silentForMs, actionState }: { silentForMs: number; actionState: ActionState }): boolean {
  // An action that failed or was cancelled is gone for good (a crash, a deploy, a restart): once its job has
  // missed a couple of heartbeats, there is no reason to hold its slot of the pool any longer.
  if ((actionState === "failed" || actionState === "canceled") && silentForMs >= JOB_CONFIG.DEAD_ACTION_AFTER_MS)
    return true;
  if (silentForMs < JOB_CONFIG.STALE_JOB_AFTER_MS) return false;
  if (silentForMs >= JOB_CONFIG.ACTION_TIMEOUT_MS) return true;
  return actionState !== "pending" && actionState !== "inProgress";
}

/** A stored phase (the old name included) as the phase it is. */
export function storedPhase(phase: JobPhase | typeof LEGACY_PLANNING_PHASE): JobPhase {
  return phase === LEGACY_PLANNING_PHASE ? "planning" : phase;
}

/** Whether a job (stored before or after the phase's rename) is still writing its plan. */
export function isPlanningPhase(phase: JobPhase | typeof LEGACY_PLANNING_PHASE): boolean {
  return storedPhase(phase) === "planning";
}

/** Each phase's name, the one the UI shows everywhere (with "…" while it runs). */
export const PHASE_NAMES: Record<JobPhase, string> = {
  planning: "Planning the questions",
  generating: "Writing questions",
  finalizing: "Finishing",
};

type ProgressFields = {
  status: JobStatus;
  phase: JobPhase;
  questionsSaved: number;
  estimatedTotal?: number;
} & Partial<Pick<PublicJob, "source" | "attempts" | "attemptHistory">>;

/** Where a job over a source is: "Section 3 of 12". */
export function sectionLabel(source: Pick<JobSource, "step" | "steps">): string {
  return `Section ${source.step} of ${source.steps}`;
}

/** A section's place in words: "“The Calvin cycle”, pages 3–4", "page 2", or null when it has neither. */
export function placeLabel({ heading, pageStart, pageEnd }: Pick<JobSource, "heading" | "pageStart" | "pageEnd">) {
  const pages =
    pageStart === undefined
      ? null
      : pageEnd !== undefined && pageEnd !== pageStart
        ? `pages ${pageStart}–${pageEnd}`
        : `page ${pageStart}`;
  const parts = [heading !== undefined ? `“${heading}”` : null, pages].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(", ") : null;
}

/**
 * Whether a job over a source is between two of its sections: back in the
 * queue (or starting) for its next one, its attempt still open. Not a new
 * attempt, so not "queued" as users know it.
 */
export function isBetweenSections(job: ProgressFields): boolean {
  if (job.source === undefined || (job.status !== "queued" && job.status !== "pending")) return false;
  const last = job.attemptHistory?.at(-1);
  return last !== undefined && last.attempt === job.attempts && last.endedAt === undefined;
}

export type JobProgress = {
  /** 0..100, or null while the total is unknown (show an indeterminate bar). */
  percent: number | null;
  /** What the job is doing, for a screen reader as much as for the eye. */
  label: string;
};

/**
 * Progress of a job as a bar value and a label. A running job never shows
 * 100% (the last batch may still be saving); a completed one always does.
 */
export function jobProgress(job: ProgressFields): JobProgress {
  const { status, phase, questionsSaved, estimatedTotal } = job;
  const section = job.source ? sectionLabel(job.source) : null;
  const running = (total: number) => Math.min(99, Math.round((questionsSaved / Math.max(1, total)) * 100));
  if (section && estimatedTotal !== undefined && isBetweenSections(job)) {
    return { percent: running(estimatedTotal), label: `${section} · ${questionsSaved} of ${estimatedTotal} saved` };
  }
  if (status === "queued") return { percent: null, label: "Queued" };
  if (status === "pending") return { percent: null, label: "Starting…" };
  if (status === "completed") {
    return { percent: 100, label: `${plural(questionsSaved, "question")} ready` };
  }
  if (status !== "processing") {
    const total = estimatedTotal ?? questionsSaved;
    return {
      percent: total > 0 ? Math.min(100, Math.round((questionsSaved / total) * 100)) : 0,
      label: `${plural(questionsSaved, "question")} saved`,
    };
  }
  if (section && estimatedTotal !== undefined && phase !== "finalizing") {
    // A job over a source has its plan from the start: it says which section it is writing.
    return { percent: running(estimatedTotal), label: `${section} · ${questionsSaved} of ${estimatedTotal} saved` };
  }
  if (phase === "planning" || estimatedTotal === undefined) {
    return { percent: null, label: `${PHASE_NAMES.planning}…` };
  }
  if (phase === "finalizing") return { percent: 99, label: `${PHASE_NAMES.finalizing}…` };
  return { percent: running(estimatedTotal), label: `Generating: ${questionsSaved} of ${estimatedTotal} saved` };
}

/**
 * Every job failure code: whether a retry can help, and what the user is told.
 * The one table of failures: `failJob` stores `title` as the job's
 * `errorMessage` (raw provider text never reaches the user; it stays in the
 * server's logs, redacted), and the web app shows `title` and `detail`.
 */
export const JOB_ERRORS: Record<ErrorCode, { retryable: boolean; title: string; detail: string }> = {
  RATE_LIMIT: {
    retryable: true,
    title: "The AI service is busy",
    detail: "It asked us to slow down. Questions saved so far are kept; retry in a minute.",
  },
  API_KEY: {
    retryable: false,
    title: "The AI service refused the server's key",
    detail: "The server's API key is missing or invalid. Retrying won't help until it is fixed.",
  },
  NETWORK: {
    retryable: true,
    title: "Lost the connection to the AI service",
    detail: "The connection dropped or timed out. Questions saved so far are kept; retry to continue.",
  },
  INVALID_OUTPUT: {
    retryable: true,
    title: "The AI answered in a broken format",
    detail: "Some output could not be read as questions. Retry to continue where it stopped.",
  },
  CONTENT_BLOCKED: {
    // The same prompt gets the same answer from the same filter.
    retryable: false,
    title: "The AI declined this topic",
    detail: "Its safety filter refused to write questions for this request. Try wording it differently.",
  },
  INTERRUPTED: {
    retryable: true,
    title: "The job was interrupted",
    detail: "The server stopped while generating (a restart or a timeout). Retry to continue where it stopped.",
  },
  BUDGET_EXCEEDED: {
    // Continued once the day's budget resets; refused until then.
    retryable: true,
    title: "Today's AI budget ran out",
    detail:
      "This generation stopped when your daily AI budget was used up. Questions saved so far are kept; continue it after midnight UTC.",
  },
  MODEL_NOT_CONFIGURED: {
    retryable: false,
    title: "No AI model is configured",
    detail:
      "The server has no AI model set up, so it can't write questions. Whoever runs the app needs to configure one.",
  },
  UNKNOWN: {
    retryable: false,
    title: "Something went wrong",
    detail: "The job failed for an unexpected reason.",
  },
};

/** What went wrong, in plain words, and what the user can do about it. */
export function describeJobError(code: ErrorCode | undefined): { title: string; detail: string } {
  const { title, detail } = JOB_ERRORS[code ?? "UNKNOWN"];
  return { title, detail };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * What became of the questions a job's model wrote besides the ones saved clean, as its card and
 * page count them: `rewritten` (the quality gate rejected them and the rewrite replaced them),
 * `skipped` (unusable, or rejected and not replaced) and `marked` (saved with advice: "Needs a look").
 */
export function gateCounts(job: Pick<PublicJob, "questionsSkipped" | "qualityGate">): {
  rewritten: number;
  skipped: number;
  marked: number;
} {
  const gate = job.qualityGate;
  return {
    rewritten: gate?.rewritten ?? 0,
    skipped: (job.questionsSkipped ?? 0) + (gate?.dropped ?? 0),
    marked: gate?.marked ?? 0,
  };
}

// ── Type guards (the UI renders each state; they take any object with the fields they read) ──

type WithStatus = Pick<PublicJob, "status">;
type Is<J, S extends JobStatus> = J & { status: S };

/** Queued, pending or processing: counts against the limit of 3, can be paused or cancelled. */
export function isActiveJob<J extends WithStatus>(job: J): job is Is<J, "queued" | "pending" | "processing"> {
  return isActiveStatus(job.status);
}
/** A failed job whose action died (crash, restart, timeout) rather than erred. */
export function isInterruptedJob<J extends Pick<PublicJob, "status" | "errorCode">>(job: J): job is Is<J, "failed"> {
  return job.status === "failed" && job.errorCode === "INTERRUPTED";
}
/** A failed job the user may retry (it continues where it stopped). */
export function isRetryableJob<J extends Pick<PublicJob, "status" | "retryable">>(job: J): job is Is<J, "failed"> {
  return job.status === "failed" && job.retryable === true;
}

/** The UTC day of `ms` as "YYYY-MM-DD" (token budgets are per UTC day). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** When the UTC day of `ms` ends (the daily token budget resets). */
export function nextUtcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** A job as `createJob` inserts it: `queued`, nothing generated yet, its first attempt. */
export function newJobFields(userId: string, prompt: string, now: number) {
  return {
    userId,
    kind: "questions" as const,
    prompt,
    status: "queued" as const,
    queuedAt: now,
    phase: "planning" as const,
    questionsGenerated: 0,
    questionsSaved: 0,
    createdAt: now,
    lastProgressAt: now,
    attempts: 1,
  };
}
