/** "Retry" (or the caller's `label`, e.g. "Continue: 28 left") for a failed,
 * retryable job: continues where it stopped. */
"use client";

import { RotateCcw } from "lucide-react";
import type { Id } from "@/convex/_generated/dataModel";
import { useJobActions } from "@/hooks/use-job-actions";
import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

type RetryJobButtonProps = {
  jobId: Id<"generationJobs">;
  size?: "sm" | "md";
  label?: string;
  /** Disabled ahead of a refusal (limits), with `describedBy` the id of the reason. */
  disabled?: boolean;
  describedBy?: string;
};

export function RetryJobButton({
  jobId,
  size = "sm",
  label = "Retry",
  disabled = false,
  describedBy,
}: RetryJobButtonProps) {
  const { retry, isRetrying } = useJobActions();
  return (
    <Button
      variant="primary"
      size={size}
      data-focus-next
      disabled={isRetrying || disabled}
      aria-describedby={describedBy}
      onClick={() => {
        void retry(jobId);
      }}
    >
      {isRetrying ? <Spinner /> : <RotateCcw aria-hidden="true" />}
      {isRetrying ? "Retrying…" : label}
    </Button>
  );
}
