/**
 * The signed-in user's background jobs, live (the seed's `useActiveJobs`).
 *
 * `activeJobs` comes from `getActiveJobs`, which reads only queued, pending
 * and processing jobs (what the navbar badge counts, running and queued apart); `jobs` is the recent
 * history (20, newest first) the panel and the job notifications read.
 * Both are `[]` while loading; `isLoading` says which is which.
 */
"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { PublicJob } from "@/lib/validators";
import { JOB_CONFIG } from "@/lib/constants/jobs";

const NO_JOBS: PublicJob[] = [];

export type ActiveJobs = {
  /** Recent jobs, newest first (at most 20). */
  jobs: PublicJob[];
  /** Queued, pending and processing jobs, newest first. */
  activeJobs: PublicJob[];
  activeCount: number;
  /** Of those, the ones holding a slot of the pool (pending or processing), and the ones waiting for one. */
  runningCount: number;
  queuedCount: number;
  hasActive: boolean;
  /** True until the active jobs have loaded (the badge shows nothing rather than a wrong 0). */
  isLoading: boolean;
  /** True until the recent jobs have loaded. */
  isLoadingJobs: boolean;
};

export function useActiveJobs(): ActiveJobs {
  const jobs = useQuery(api.generationJobs.getRecentJobs, { limit: JOB_CONFIG.RECENT_JOBS_DEFAULT_LIMIT });
  const activeJobs = useQuery(api.generationJobs.getActiveJobs);
  const activeCount = activeJobs?.length ?? 0;
  const queuedCount = activeJobs?.filter((job) => job.status === "queued").length ?? 0;
  return {
    jobs: jobs ?? NO_JOBS,
    activeJobs: activeJobs ?? NO_JOBS,
    activeCount,
    runningCount: activeCount - queuedCount,
    queuedCount,
    hasActive: activeCount > 0,
    isLoading: activeJobs === undefined,
    isLoadingJobs: jobs === undefined,
  };
}
