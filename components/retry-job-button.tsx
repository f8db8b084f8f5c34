/** "Retry" for a failed, retryable job: continues where it stopped. */
"use client";

import { RotateCcw } from "lucide-react";
import type { Id } from "@/convex/_generated/dataModel";
import { useJobActions } from "@/hooks/use-job-actions";
import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

export function RetryJobButton({ jobId, size = "sm" }: { jobId: Id<"generationJobs">; size?: "sm" | "md" }) {
  const { retry, isRetrying } = useJobActions();
  return (
    <Button
      variant="primary"
      size={size}
      disabled={isRetrying}
      onClick={() => {
        void retry(jobId);
      }}
    >
      {isRetrying ? <Spinner /> : <RotateCcw aria-hidden="true" />}
      {isRetrying ? "Retrying…" : "Retry"}
    </Button>
  );
}
