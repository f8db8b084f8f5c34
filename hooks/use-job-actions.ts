/**
 * Cancel and retry for one job, with the toasts that report them. Shared by
 * the task card, the job page and the notifications.
 */
"use client";

import { useMutation } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { plural } from "@/lib/jobs";
import { userFacingMessage } from "@/lib/errors";

export function useJobActions() {
  const cancelJob = useMutation(api.generationJobs.cancelJob);
  const retryJob = useMutation(api.generationJobs.retryJob);
  const [busy, setBusy] = useState<"cancel" | "retry" | null>(null);

  async function cancel(jobId: Id<"generationJobs">): Promise<boolean> {
    setBusy("cancel");
    try {
      const { questionsSaved } = await cancelJob({ jobId });
      toast("Generation cancelled", {
        description:
          questionsSaved > 0 ? `${plural(questionsSaved, "question")} kept.` : "No questions had been saved yet.",
      });
      return true;
    } catch (error) {
      toast.error("Couldn't cancel", { description: userFacingMessage(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function retry(jobId: Id<"generationJobs">): Promise<boolean> {
    setBusy("retry");
    try {
      await retryJob({ jobId });
      toast.success("Retrying", { description: "It continues where it stopped; saved questions are kept." });
      return true;
    } catch (error) {
      toast.error("Couldn't retry", { description: userFacingMessage(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  return { cancel, retry, isCancelling: busy === "cancel", isRetrying: busy === "retry" };
}
