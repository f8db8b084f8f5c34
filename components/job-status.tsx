/**
 * How each job state looks: label, tone and icon, in one place. A failed job
 * whose action died (INTERRUPTED) is shown as its own state, "Interrupted".
 */
import {
  Ban,
  CircleAlert,
  CircleCheck,
  CirclePause,
  Clock3,
  LoaderCircle,
  Unplug,
  type LucideIcon,
} from "lucide-react";
import type { JobStatus, PublicJob } from "@/lib/validators";
import { isInterruptedJob } from "@/lib/jobs";
import { Badge } from "./ui/badge";
import { cn } from "./ui/cn";

export type JobDisplayState = JobStatus | "interrupted";

type StateMeta = { label: string; tone: "neutral" | "primary" | "success" | "warning" | "danger"; Icon: LucideIcon };

export const JOB_STATE_META: Record<JobDisplayState, StateMeta> = {
  queued: { label: "Queued", tone: "neutral", Icon: Clock3 },
  pending: { label: "Starting", tone: "primary", Icon: LoaderCircle },
  processing: { label: "Generating", tone: "primary", Icon: LoaderCircle },
  paused: { label: "Paused", tone: "neutral", Icon: CirclePause },
  completed: { label: "Done", tone: "success", Icon: CircleCheck },
  cancelled: { label: "Cancelled", tone: "neutral", Icon: Ban },
  failed: { label: "Failed", tone: "danger", Icon: CircleAlert },
  interrupted: { label: "Interrupted", tone: "warning", Icon: Unplug },
};

export function jobDisplayState(job: Pick<PublicJob, "status" | "errorCode">): JobDisplayState {
  return isInterruptedJob(job) ? "interrupted" : job.status;
}

/** What to call a job: its topic once the model has named it, else the prompt. */
export function jobTitle(job: Pick<PublicJob, "topic" | "prompt">): string {
  return job.topic ?? job.prompt;
}

export function JobStatusBadge({
  job,
  className,
}: {
  job: Pick<PublicJob, "status" | "errorCode">;
  className?: string;
}) {
  const state = jobDisplayState(job);
  const { label, tone, Icon } = JOB_STATE_META[state];
  return (
    <Badge tone={tone} className={className}>
      <Icon aria-hidden="true" className={cn(state === "processing" && "animate-spin motion-reduce:animate-none")} />
      {label}
    </Badge>
  );
}
