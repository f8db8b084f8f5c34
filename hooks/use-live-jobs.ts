/**
 * The signed-in user's jobs that are running, queued or paused (active first,
 * then paused, each newest first), live: what the live strip shows. `[]`
 * while loading or signed out.
 */
"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { PublicJob } from "@/lib/validators";

const NO_JOBS: PublicJob[] = [];

export function useLiveJobs(): PublicJob[] {
  return useQuery(api.generationJobs.getLiveJobs) ?? NO_JOBS;
}
