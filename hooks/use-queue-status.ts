/**
 * Where the signed-in user's queued jobs stand, live (`getQueueStatus`): each
 * one's place in line and expected start. One subscription, shared by every
 * component that asks.
 */
"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";

export type QueueStanding = { place: number; placeCapped: boolean; estimatedStartAt: number };

/** `jobId`'s standing in the queue, or null while loading or when it is not queued. */
export function useQueueStanding(jobId: string): QueueStanding | null {
  const status = useQuery(api.generationQueue.getQueueStatus);
  return status?.jobs.find((job) => job.jobId === jobId) ?? null;
}
