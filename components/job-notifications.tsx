/**
 * Toasts when a job finishes or fails while the user is looking elsewhere
 * (not at the panel, not at that job's page). Only changes seen during this
 * visit count: jobs that were already finished when the page loaded stay quiet,
 * and a cancel the user just made is not announced back to them.
 */
"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { toast } from "sonner";
import type { JobStatus, PublicJob } from "@/lib/validators";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { useJobActions } from "@/hooks/use-job-actions";
import { describeJobError, isActiveStatus, plural } from "@/lib/jobs";
import { jobQuestionsHref } from "./generation-task-card";
import { jobTitle } from "./job-status";

export function JobNotifications({ panelOpen }: { panelOpen: boolean }) {
  const { jobs, isLoadingJobs } = useActiveJobs();
  const pathname = usePathname();
  const router = useRouter();
  const { retry } = useJobActions();
  const seen = useRef<Map<string, JobStatus> | null>(null);

  useEffect(() => {
    if (isLoadingJobs) return;
    const previous = seen.current;
    seen.current = new Map(jobs.map((job) => [job._id, job.status]));
    if (previous === null) return; // first snapshot: nothing changed yet

    for (const job of jobs) {
      const before = previous.get(job._id);
      if (before === undefined || !isActiveStatus(before) || isActiveStatus(job.status)) continue;
      if (panelOpen || pathname === `/jobs/${job._id}`) continue;
      announce(job);
    }

    function announce(job: PublicJob) {
      const title = truncate(jobTitle(job), 60);
      if (job.status === "completed") {
        toast.success(`Questions ready: ${title}`, {
          description: `${plural(job.questionsSaved, "question")} added to My Questions.`,
          action: { label: "View", onClick: () => router.push(jobQuestionsHref(job._id)) },
        });
      } else if (job.status === "failed") {
        const { title: reason } = describeJobError(job.errorCode);
        toast.error(`Generation stopped: ${title}`, {
          description: job.questionsSaved > 0 ? `${reason}. ${plural(job.questionsSaved, "question")} kept.` : reason,
          action:
            job.retryable === true
              ? { label: "Retry", onClick: () => void retry(job._id) }
              : { label: "Details", onClick: () => router.push(`/jobs/${job._id}`) },
        });
      }
    }
  }, [jobs, isLoadingJobs, panelOpen, pathname, router, retry]);

  return null;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max
    ? `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`
    : text;
}
