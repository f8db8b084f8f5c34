/**
 * A job's life as a timeline: queued, each earlier attempt and how it ended
 * (paused, failed with its code and plain message, cancelled, completed
 * before "more"; the last `MAX_ATTEMPT_HISTORY` are kept on the job), the
 * current attempt's start, planning the questions, writing them, and how
 * it ended, each with its time when known. Built only from the job document,
 * so it updates live with it.
 */
"use client";

import { Check, Circle, CircleAlert, CirclePause, Ban, LoaderCircle } from "lucide-react";
import type { AttemptRecord, PublicJob } from "@/lib/validators";
import { describeJobError, PHASE_NAMES, plural } from "@/lib/jobs";
import { tryNumber } from "@/lib/timing";
import { clockTime, fullDateTime, shortDuration } from "@/components/format";
import { cn } from "@/components/ui/cn";

type StepState = "done" | "current" | "upcoming" | "stopped" | "failed" | "interrupted" | "cancelled";

type Step = { id: string; title: string; detail?: string; at?: number; state: StepState };

/** "Started", or how the latest run began: resumed after a pause, continued, "10 more", went on after making way,
 * or another try after a failure. */
function startedTitle(job: PublicJob): string {
  if (job.attempts <= 1) return "Started";
  const previous = job.attemptHistory?.find((a) => a.attempt === job.attempts - 1)?.outcome;
  if (previous === "paused") return "Resumed";
  if (previous === "cancelled") return "Continued";
  if (previous === "completed") return "Started more";
  if (previous === "yielded") return "Went on";
  return `Started (attempt ${tryNumber(job)})`;
}

export function jobTimelineSteps(job: PublicJob): Step[] {
  const { status } = job;
  const waiting = status === "queued" || status === "pending";
  const started = job.startedAt !== undefined && !waiting;
  const phaseIndex = { planning: 0, generating: 1, finalizing: 2 }[job.phase];
  /** State of phase step `index` (0 planning, 1 writing). */
  const stepState = (index: number): StepState => {
    if (!started) return "upcoming";
    if (status === "completed" || index < phaseIndex) return "done";
    if (index > phaseIndex) return "upcoming";
    return status === "processing" ? "current" : "stopped";
  };
  const reached = (index: number) => started && (status === "completed" || phaseIndex >= index);

  const steps: Step[] = [
    { id: "queued", title: "Queued", at: job.createdAt, state: "done" },
    ...(job.attemptHistory ?? []).filter((a) => a.attempt < job.attempts).map(attemptStep),
    {
      id: "started",
      title: startedTitle(job),
      ...(started ? { at: job.startedAt } : {}),
      state: started ? "done" : waiting ? "current" : "upcoming",
      ...(status === "queued" ? { detail: "Waiting for its turn in the queue" } : {}),
      ...(status === "pending" ? { detail: "Starting" } : {}),
    },
    {
      id: "planning",
      title: PHASE_NAMES.planning,
      ...(job.topic !== undefined
        ? {
            detail: `Topic: ${job.topic}${job.estimatedTotal !== undefined ? ` · about ${plural(job.estimatedTotal, "question")}` : ""}`,
          }
        : {}),
      state: stepState(0),
    },
    {
      id: "generating",
      title: PHASE_NAMES.generating,
      ...(reached(1)
        ? {
            detail:
              job.estimatedTotal !== undefined
                ? `${job.questionsSaved} of ${job.estimatedTotal} saved`
                : `${plural(job.questionsSaved, "question")} saved`,
          }
        : {}),
      state: stepState(1),
    },
  ];

  const duration = job.durationMs !== undefined ? ` after ${shortDuration(job.durationMs)}` : "";
  if (status === "completed") {
    steps.push({
      id: "end",
      title: "Done",
      detail: `${plural(job.questionsSaved, "question")} ready${duration}`,
      at: job.completedAt,
      state: "done",
    });
  } else if (status === "cancelled") {
    steps.push({
      id: "end",
      title: "Cancelled",
      detail: job.questionsSaved > 0 ? `${plural(job.questionsSaved, "question")} kept` : "No questions were saved",
      at: job.completedAt,
      state: "cancelled",
    });
  } else if (status === "paused") {
    steps.push({
      id: "end",
      title: "Paused",
      detail: `${plural(job.questionsSaved, "question")} saved; resume to continue`,
      at: job.lastProgressAt,
      state: "stopped",
    });
  } else if (status === "failed") {
    const interrupted = job.errorCode === "INTERRUPTED";
    steps.push({
      id: "end",
      title: interrupted ? "Interrupted" : "Failed",
      detail: `${describeJobError(job.errorCode).title}${duration}`,
      at: job.completedAt,
      state: interrupted ? "interrupted" : "failed",
    });
  } else {
    steps.push({ id: "end", title: "Done", state: "upcoming" });
  }
  return steps;
}

/** An earlier attempt, as one step: how it ended, why, and what it had saved. */
function attemptStep(attempt: AttemptRecord): Step {
  const saved = attempt.questionsSaved !== undefined ? ` · ${plural(attempt.questionsSaved, "question")} saved` : "";
  const ran = attempt.endedAt !== undefined ? ` · ran ${shortDuration(attempt.endedAt - attempt.startedAt)}` : "";
  const base = { id: `attempt-${attempt.attempt}`, ...(attempt.endedAt !== undefined ? { at: attempt.endedAt } : {}) };
  switch (attempt.outcome) {
    case "failed": {
      const interrupted = attempt.errorCode === "INTERRUPTED";
      return {
        ...base,
        title: `Attempt ${attempt.attempt}: ${interrupted ? "interrupted" : "failed"}`,
        detail: `${describeJobError(attempt.errorCode).title}${attempt.errorCode ? ` (${attempt.errorCode})` : ""}${saved}${ran}`,
        state: interrupted ? "interrupted" : "failed",
      };
    }
    case "paused":
      return {
        ...base,
        title: `Attempt ${attempt.attempt}: paused`,
        detail: `Paused by you${saved}${ran}`,
        state: "stopped",
      };
    case "cancelled":
      return {
        ...base,
        title: `Attempt ${attempt.attempt}: cancelled`,
        detail: `Cancelled${saved}${ran}`,
        state: "cancelled",
      };
    case "completed":
      return { ...base, title: `Attempt ${attempt.attempt}: done`, detail: `Completed${saved}${ran}`, state: "done" };
    case "requeued":
      return {
        ...base,
        title: `Attempt ${attempt.attempt}: back in the queue`,
        detail: `The AI service was busy, so it waits for its turn again${saved}${ran}`,
        state: "stopped",
      };
    case "yielded":
      return {
        ...base,
        title: `Attempt ${attempt.attempt}: made way`,
        detail: `Gave its place to someone waiting for their first questions; it goes on from here when its turn comes${saved}${ran}`,
        state: "stopped",
      };
    default:
      return {
        ...base,
        title: `Attempt ${attempt.attempt}`,
        detail: `Ended without a record${saved}`,
        state: "stopped",
      };
  }
}

const ICONS: Record<StepState, { Icon: typeof Check; className: string }> = {
  done: { Icon: Check, className: "bg-success text-white dark:text-background" },
  current: {
    Icon: LoaderCircle,
    className: "bg-primary text-primary-foreground [&_svg]:animate-spin motion-reduce:[&_svg]:animate-none",
  },
  upcoming: { Icon: Circle, className: "border border-border bg-card text-muted-foreground/50" },
  stopped: { Icon: Circle, className: "border border-muted-foreground/60 bg-card text-muted-foreground" },
  failed: { Icon: CircleAlert, className: "bg-destructive text-destructive-foreground" },
  interrupted: { Icon: CirclePause, className: "bg-warning text-background" },
  cancelled: { Icon: Ban, className: "bg-muted-foreground text-background" },
};

const STATE_WORDS: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  upcoming: "not reached",
  stopped: "stopped here",
  failed: "failed",
  interrupted: "interrupted",
  cancelled: "cancelled",
};

export function JobTimeline({ job, now }: { job: PublicJob; now: number }) {
  const steps = jobTimelineSteps(job);
  return (
    <ol className="relative">
      {steps.map((step, index) => {
        const { Icon, className } = ICONS[step.state];
        const last = index === steps.length - 1;
        return (
          <li key={step.id} className="relative flex gap-3 pb-5 last:pb-0">
            {!last && <span aria-hidden="true" className="absolute top-7 bottom-1 left-[11px] w-px bg-border" />}
            <span
              aria-hidden="true"
              className={cn(
                "relative flex size-6 shrink-0 items-center justify-center rounded-full [&_svg]:size-3.5",
                className,
              )}
            >
              <Icon />
            </span>
            <div className="min-w-0 pt-0.5">
              <p className={cn("text-sm font-medium", step.state === "upcoming" && "text-muted-foreground")}>
                {step.title}
                <span className="sr-only"> ({STATE_WORDS[step.state]})</span>
              </p>
              {step.detail && <p className="mt-0.5 text-sm break-words text-muted-foreground">{step.detail}</p>}
              {step.at !== undefined && now > 0 && (
                <time
                  dateTime={new Date(step.at).toISOString()}
                  title={fullDateTime(step.at)}
                  className="mt-0.5 block text-xs text-muted-foreground tabular-nums"
                >
                  {clockTime(step.at, now)}
                </time>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
