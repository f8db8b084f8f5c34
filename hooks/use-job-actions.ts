/**
 * Cancel, pause, resume (continue), retry and "more" for one job, with the
 * toasts that report them. Shared by the task card, the live strip, the job
 * page and the notifications. Each returns whether it worked; a refusal
 * (limits, a job that moved on) is a toast in plain words, never a throw.
 */
"use client";

import { useMutation } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { plural } from "@/lib/jobs";
import { isAppError, userFacingMessage } from "@/lib/errors";
import { countdownMs, formatClock } from "@/lib/timing";

/** A refusal in words; a rate limit's wait to the second ("2:08"), as the form counts it down, never rounded up. */
function refusalMessage(error: unknown): string {
  if (isAppError(error) && error.data.code === "RATE_LIMITED" && error.data.retryAfterMs !== undefined) {
    const now = Date.now();
    return `You're starting generations quickly; the next can start in ${formatClock(countdownMs(now + error.data.retryAfterMs, now))}.`;
  }
  return userFacingMessage(error);
}

type Action = "cancel" | "pause" | "resume" | "retry" | "extend";

export function useJobActions() {
  const cancelJob = useMutation(api.generationJobs.cancelJob);
  const pauseJob = useMutation(api.generationJobs.pauseJob);
  const resumeJob = useMutation(api.generationJobs.resumeJob);
  const retryJob = useMutation(api.generationJobs.retryJob);
  const extendJob = useMutation(api.generationJobs.extendJob);
  const [busy, setBusy] = useState<Action | null>(null);

  async function run(action: Action, failure: string, work: () => Promise<void>): Promise<boolean> {
    setBusy(action);
    try {
      await work();
      return true;
    } catch (error) {
      toast.error(failure, { description: refusalMessage(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  const kept = (saved: number) =>
    saved > 0 ? `${plural(saved, "question")} kept.` : "No questions had been saved yet.";

  return {
    cancel: (jobId: Id<"generationJobs">) =>
      run("cancel", "Couldn't cancel", async () => {
        const { questionsSaved } = await cancelJob({ jobId });
        toast("Generation cancelled", { description: kept(questionsSaved) });
      }),
    pause: (jobId: Id<"generationJobs">) =>
      run("pause", "Couldn't pause", async () => {
        const { questionsSaved } = await pauseJob({ jobId });
        toast("Generation paused", { description: `${kept(questionsSaved)} Resume it whenever you like.` });
      }),
    resume: (jobId: Id<"generationJobs">) =>
      run("resume", "Couldn't continue", async () => {
        await resumeJob({ jobId });
        toast.success("Continuing", { description: "It picks up where it stopped; saved questions are kept." });
      }),
    retry: (jobId: Id<"generationJobs">) =>
      run("retry", "Couldn't retry", async () => {
        await retryJob({ jobId });
        toast.success("Retrying", { description: "It continues where it stopped; saved questions are kept." });
      }),
    extend: (jobId: Id<"generationJobs">) =>
      run("extend", "Couldn't add more questions", async () => {
        const { added } = await extendJob({ jobId });
        toast.success(`Writing ${added} more`, { description: "On the same topic, without repeating saved ones." });
      }),
    isCancelling: busy === "cancel",
    isPausing: busy === "pause",
    isResuming: busy === "resume",
    isRetrying: busy === "retry",
    isExtending: busy === "extend",
  };
}
