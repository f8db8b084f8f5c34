/**
 * The review screen: the due questions one at a time, most overdue first.
 *
 * The queue query is keyed on the clock rounded up to the minute, so it
 * re-runs once a minute (not on every render) and a question generated a few
 * seconds ago is already reviewable. After a rating, the next question shows
 * as soon as the server has rescheduled the current one. The live strip above
 * says which generations are still writing questions.
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { ReviewRating } from "@/lib/validators";
import { MINUTE_MS, useNow } from "@/hooks/use-now";
import { userFacingMessage } from "@/lib/errors";
import { AllCaughtUpEmptyState, NoQuestionsEmptyState } from "@/components/empty-states";
import { timeUntil } from "@/components/format";
import { ServerAwayNote } from "@/components/connection-status";
import { ActiveJobsStrip } from "@/components/job-live-strip";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { ReviewCard } from "./review-card";

export function ReviewSession() {
  const minute = useNow(MINUTE_MS);
  const queryNow = minute === 0 ? null : minute + MINUTE_MS;
  const queue = useQuery(api.review.getReviewQueue, queryNow === null ? "skip" : { now: queryNow });
  const recordReview = useMutation(api.review.recordReview);
  const [ratedId, setRatedId] = useState<Id<"questions"> | null>(null);
  const [reviewed, setReviewed] = useState(0);
  const [announcement, setAnnouncement] = useState("");

  async function rate(questionId: Id<"questions">, rating: ReviewRating) {
    setRatedId(questionId);
    try {
      const { nextDueAt } = await recordReview({ questionId, rating });
      setReviewed((count) => count + 1);
      setAnnouncement(`Saved. This question comes back in ${timeUntil(nextDueAt, Date.now())}.`);
    } catch (error) {
      setRatedId(null);
      toast.error("Couldn't save your rating", { description: userFacingMessage(error) });
    }
  }

  const header = (
    <div className="mb-6 flex flex-wrap items-baseline justify-between gap-2">
      <h1 className="text-2xl font-semibold tracking-tight">Review</h1>
      <div className="flex items-center gap-2 text-sm text-muted-foreground">
        {reviewed > 0 && <span>{reviewed} reviewed</span>}
        {queue && queue.dueCount > 0 && (
          <Badge tone="primary">{queue.dueCountIsCapped ? `${queue.dueCount}+` : queue.dueCount} due</Badge>
        )}
      </div>
    </div>
  );
  // Every state of the screen says which generations are still writing questions.
  const strip = <ActiveJobsStrip className="mx-auto mb-6 max-w-2xl" />;
  const live = (
    <p className="sr-only" aria-live="polite">
      {announcement}
    </p>
  );

  if (queue === undefined || queryNow === null) {
    return (
      <div className="mx-auto max-w-2xl">
        {header}
        {strip}
        <ServerAwayNote what="your review">
          <ReviewCardSkeleton />
        </ServerAwayNote>
      </div>
    );
  }
  if (!queue.hasQuestions) {
    return (
      <>
        {strip}
        <NoQuestionsEmptyState context="review" />
      </>
    );
  }
  if (queue.question === null) {
    return (
      <>
        {live}
        {strip}
        <AllCaughtUpEmptyState nextDueAt={queue.nextDueAt} now={minute} />
      </>
    );
  }

  const { question } = queue;
  const waitingForNext = question._id === ratedId;
  return (
    <div className="mx-auto max-w-2xl">
      {header}
      {strip}
      {live}
      {waitingForNext ? (
        <ReviewCardSkeleton />
      ) : (
        <ReviewCard key={question._id} question={question} onRate={(rating) => rate(question._id, rating)} />
      )}
    </div>
  );
}

function ReviewCardSkeleton() {
  return (
    <div
      role="status"
      aria-label="Loading the next question"
      className="rounded-2xl border border-border bg-card p-5 sm:p-8"
    >
      <Skeleton className="h-4 w-32" />
      <Skeleton className="mt-5 h-6 w-full" />
      <Skeleton className="mt-2 h-6 w-2/3" />
      <div className="mt-8 space-y-3">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-12 w-full rounded-xl" />
        ))}
      </div>
    </div>
  );
}
