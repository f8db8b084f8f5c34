/**
 * A queued job's wait in words, live: "3rd in line · starts in about 2 min"
 * (the place and the estimate from `getQueueStatus`, counted down each second).
 */
"use client";

import { useQueueStanding } from "@/hooks/use-queue-status";
import { useNow } from "@/hooks/use-now";
import { formatQueuePlace, formatStartEstimate } from "@/lib/queue";
import { cn } from "./ui/cn";

export function QueueStanding({ jobId, className }: { jobId: string; className?: string }) {
  const standing = useQueueStanding(jobId);
  const now = useNow(1000);
  return (
    <span data-testid="queue-standing" className={cn("tabular-nums", className)}>
      {standing
        ? `${formatQueuePlace(standing.place, standing.placeCapped)}${now > 0 ? ` · ${formatStartEstimate(standing.estimatedStartAt, now)}` : ""}`
        : "waiting for a free slot"}
    </span>
  );
}
