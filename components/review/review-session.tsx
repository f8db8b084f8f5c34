/**
 * The review screen: the due questions one at a time, most overdue first.
 *
 * The queue query is keyed on the clock rounded up to the minute, so it
 * re-runs once a minute (not on every render) and a question generated a few
 * seconds ago is already reviewable. After a rating, the next question shows
 * as soon as the server has rescheduled the current one.
 *
 * Optionally one topic's or one job's questions (`/?topic=…`, `/?job=…`).
 * When the queue runs out, a summary (answered, right, next due); when nothing
 * is due, "Practice anyway" walks the next questions to come due, and only a
 * rating changes their schedule ("Next without rating" changes nothing).
 *
 * New questions come at most the learner's new cards per day (their local
 * day: the browser's UTC offset goes with each call); when more wait, the
 * screen says so and links to the setting. The latest rating can be undone
 * for `UNDO_REVIEW_WINDOW_MS` ("Undo rating"): the question shows again with
 * its schedule as it was. After a rating, focus moves to the next question. A
 * rating made while the server is away keeps the card on screen with a note
 * that it will be saved once the connection is back (the client queues it).
 *
 * The live strip above says which generations are still writing questions.
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { Dumbbell, Undo2, WifiOff } from "lucide-react";
import Link from "next/link";
import { useRef, useState, type ReactNode } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { QuestionDoc, ReviewRating } from "@/lib/validators";
import { useLastLoaded } from "@/hooks/use-last-loaded";
import { MINUTE_MS, useNow } from "@/hooks/use-now";
import { useQuestionActions } from "@/hooks/use-question-actions";
import { useServerStatus } from "@/hooks/use-server-status";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { browserUtcOffset } from "@/lib/days";
import { userFacingMessage } from "@/lib/errors";
import { AllCaughtUpEmptyState, NoQuestionsEmptyState } from "@/components/empty-states";
import { timeUntil } from "@/components/format";
import { ServerAwayNote } from "@/components/connection-status";
import { ActiveJobsStrip } from "@/components/job-live-strip";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { ReviewCard } from "./review-card";

type ReviewSessionProps = {
  /** Review only this topic's questions. */
  topic?: string;
  /** Review only this job's questions. */
  jobId?: string;
};

type Stats = { answered: number; right: number };

/** The latest rating of this session, while it can still be undone. */
type LastRating = {
  reviewId: Id<"reviewLog">;
  question: QuestionDoc;
  rating: ReviewRating;
  correct: boolean;
  at: number;
};

export function ReviewSession({ topic, jobId }: ReviewSessionProps) {
  const minute = useNow(MINUTE_MS);
  const queryNow = minute === 0 ? null : minute + MINUTE_MS;
  const filter = jobId !== undefined ? { jobId } : topic !== undefined ? { topic } : {};
  const scoped = jobId !== undefined || topic !== undefined;
  const latestQueue = useQuery(
    api.review.getReviewQueue,
    queryNow === null ? "skip" : { now: queryNow, utcOffsetMinutes: browserUtcOffset(), ...filter },
  );
  // The next minute's queue (new arguments) loads while the last one stays on screen, so a
  // tick, or the server going away, never blanks the question being answered.
  const queue = useLastLoaded(latestQueue, JSON.stringify(filter));
  const recordReview = useMutation(api.review.recordReview);
  const undoLastReview = useMutation(api.review.undoLastReview);
  const { flag } = useQuestionActions();
  const { away } = useServerStatus();
  /** The rating being saved: its question stays on screen until the queue has moved on. */
  const [saving, setSaving] = useState<{ questionId: Id<"questions">; rating: ReviewRating } | null>(null);
  /** Ratings saved in this session: a new card each time, even when the same question comes straight back. */
  const [rounds, setRounds] = useState(0);
  const [lastRating, setLastRating] = useState<LastRating | null>(null);
  /** A question whose rating was undone: shown again before the queue. */
  const [redo, setRedo] = useState<QuestionDoc | null>(null);
  const [undoing, setUndoing] = useState(false);
  const [stats, setStats] = useState<Stats>({ answered: 0, right: 0 });
  const [announcement, setAnnouncement] = useState("");
  /** The answer given to the question on screen (the session counts it; undo takes it back). */
  const answerGiven = useRef<boolean | null>(null);
  // "Practice anyway": a snapshot of the next questions to come due, walked one by one.
  const [practicing, setPracticing] = useState(false);
  const practiceQuery = useQuery(
    api.review.getPracticeQuestions,
    practicing && queryNow !== null ? { now: queryNow, ...filter } : "skip",
  );
  const [practice, setPractice] = useState<{ questions: QuestionDoc[]; index: number } | null>(null);
  if (practicing && practice === null && practiceQuery !== undefined)
    setPractice({ questions: practiceQuery, index: 0 });

  const reviewed = stats.answered;
  const countAnswer = (correct: boolean) => {
    answerGiven.current = correct;
    setStats((s) => ({ answered: s.answered + 1, right: s.right + (correct ? 1 : 0) }));
  };
  const nextPractice = () => setPractice((p) => (p ? { ...p, index: p.index + 1 } : p));

  async function rate(question: QuestionDoc, rating: ReviewRating) {
    const correct = answerGiven.current ?? rating !== "again";
    setSaving({ questionId: question._id, rating });
    try {
      const { nextDueAt, reviewId } = await recordReview({
        questionId: question._id,
        rating,
        correct,
        utcOffsetMinutes: browserUtcOffset(),
      });
      setLastRating({ reviewId, question, rating, correct, at: Date.now() });
      setAnnouncement(`Saved. This question comes back in ${timeUntil(nextDueAt, Date.now())}.`);
      setRedo(null);
      setRounds((n) => n + 1);
      answerGiven.current = null;
      if (practicing) nextPractice();
    } catch (error) {
      toast.error("Couldn't save your rating", { description: userFacingMessage(error) });
    } finally {
      setSaving(null);
    }
  }

  async function undo() {
    if (!lastRating || undoing) return;
    setUndoing(true);
    try {
      await undoLastReview({ reviewId: lastRating.reviewId });
      const { question, correct } = lastRating;
      setStats((s) => ({ answered: s.answered - 1, right: s.right - (correct ? 1 : 0) }));
      setLastRating(null);
      setRedo(question);
      setRounds((n) => n + 1);
      setAnnouncement("Rating undone. The question is back with its schedule as it was.");
    } catch (error) {
      setLastRating(null);
      toast.error("Couldn't undo the rating", { description: userFacingMessage(error) });
    } finally {
      setUndoing(false);
    }
  }

  async function flagQuestion(questionId: Id<"questions">, reason: string) {
    const flagged = await flag(questionId, reason);
    if (flagged) setRedo(null);
    if (flagged && practicing) nextPractice();
    return flagged;
  }

  function startPractice() {
    setPractice(null);
    setPracticing(true);
  }

  const canUndo = lastRating !== null && minute > 0 && minute - lastRating.at < JOB_CONFIG.UNDO_REVIEW_WINDOW_MS;
  const undoButton = canUndo && (
    <Button variant="ghost" size="sm" onClick={() => void undo()} disabled={undoing}>
      <Undo2 aria-hidden="true" /> Undo rating
    </Button>
  );
  const header = (
    <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
      <h1 className="text-2xl font-semibold tracking-tight">
        {practicing ? "Practice" : "Review"}
        {scoped && (
          <span className="text-muted-foreground"> · {topic ?? queue?.question?.topic ?? "one generation"}</span>
        )}
      </h1>
      <div className="flex items-center gap-2 text-sm text-muted-foreground">
        {undoButton}
        {reviewed > 0 && <span>{reviewed} reviewed</span>}
        {!practicing && queue && queue.dueCount > 0 && (
          <Badge tone="primary">{queue.dueCountIsCapped ? `${queue.dueCount}+` : queue.dueCount} due</Badge>
        )}
        {scoped && (
          <Link href="/" className="underline-offset-4 hover:underline">
            Review everything
          </Link>
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

  if (queue === undefined || queryNow === null || (practicing && practice === null)) {
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
  if (!queue.hasQuestions && !scoped && !practicing) {
    return (
      <>
        {strip}
        <NoQuestionsEmptyState context="review" />
      </>
    );
  }

  const current = redo ?? (practicing ? practice?.questions[practice.index] : (queue.question ?? undefined));
  const limitNote = queue.newHeldBack && !practicing && (
    <NewCardsLimitNote newToday={queue.newToday} newCardsPerDay={queue.newCardsPerDay} />
  );
  if (current === undefined) {
    if (stats.answered > 0 || practicing) {
      return (
        <>
          {live}
          {strip}
          <SessionSummary
            stats={stats}
            nextDueAt={queue.question ? minute : queue.nextDueAt}
            now={minute}
            onPractice={queue.hasQuestions ? startPractice : undefined}
            undo={undoButton}
          />
          {limitNote}
        </>
      );
    }
    return (
      <>
        {live}
        {strip}
        <AllCaughtUpEmptyState nextDueAt={queue.nextDueAt} now={minute} />
        {limitNote}
        {queue.hasQuestions && (
          <div className="flex justify-center">
            <Button variant="secondary" onClick={startPractice}>
              <Dumbbell aria-hidden="true" /> Practice anyway
            </Button>
          </div>
        )}
      </>
    );
  }

  const savingThis = saving?.questionId === current._id ? saving : null;
  return (
    <div className="mx-auto max-w-2xl">
      {header}
      {strip}
      {live}
      {savingThis && away && (
        <p
          role="status"
          className="mb-3 flex items-center gap-2 rounded-xl border border-warning/40 bg-warning-soft px-4 py-2.5 text-sm text-warning-soft-foreground"
        >
          <WifiOff aria-hidden="true" className="size-4 shrink-0" />
          You&apos;re offline. Your rating ({savingThis.rating}) will be saved when the connection is back.
        </p>
      )}
      <ReviewCard
        key={`${current._id}:${practice?.index ?? ""}:${rounds}`}
        question={current}
        focusOnMount={rounds > 0}
        onRate={(rating) => rate(current, rating)}
        onAnswer={countAnswer}
        onFlag={(reason) => flagQuestion(current._id, reason)}
        onSkip={practicing ? nextPractice : undefined}
      />
    </div>
  );
}

/** New questions wait: the day's new cards are done. Says how many and where to change it. */
function NewCardsLimitNote({ newToday, newCardsPerDay }: { newToday: number; newCardsPerDay: number }) {
  return (
    <p className="mx-auto mt-4 max-w-xl rounded-xl border border-border bg-card px-4 py-3 text-center text-sm text-muted-foreground">
      {newCardsPerDay === 0
        ? "New questions are paused (0 new cards per day)."
        : `That's today's ${newCardsPerDay} new ${newCardsPerDay === 1 ? "question" : "questions"}${
            newToday > newCardsPerDay ? ` (${newToday} with practice)` : ""
          }; more new ones come tomorrow.`}{" "}
      <Link href="/statistics#study-settings" className="font-medium text-foreground underline underline-offset-4">
        Change new cards per day
      </Link>
    </p>
  );
}

/** The end of a session: how many were answered, how many right, and when the next one is due. */
function SessionSummary({
  stats,
  nextDueAt,
  now,
  onPractice,
  undo,
}: {
  stats: Stats;
  nextDueAt: number | null;
  now: number;
  onPractice?: () => void;
  /** "Undo rating", while the latest can be undone. */
  undo?: ReactNode;
}) {
  return (
    <section aria-labelledby="session-summary-title" className="mx-auto max-w-xl py-6 text-center sm:py-12">
      <h1 id="session-summary-title" className="text-2xl font-semibold tracking-tight">
        Session done
      </h1>
      <dl className="mx-auto mt-6 grid max-w-sm grid-cols-3 gap-3">
        <div className="rounded-xl border border-border bg-card p-3">
          <dt className="text-xs text-muted-foreground">Answered</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{stats.answered}</dd>
        </div>
        <div className="rounded-xl border border-border bg-card p-3">
          <dt className="text-xs text-muted-foreground">Right</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{stats.right}</dd>
        </div>
        <div className="rounded-xl border border-border bg-card p-3">
          <dt className="text-xs text-muted-foreground">Next due</dt>
          <dd className="mt-1 text-sm font-semibold">
            {nextDueAt === null ? "nothing scheduled" : nextDueAt <= now ? "now" : `in ${timeUntil(nextDueAt, now)}`}
          </dd>
        </div>
      </dl>
      <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
        {undo}
        {onPractice && (
          <Button variant="secondary" onClick={onPractice}>
            <Dumbbell aria-hidden="true" /> Practice anyway
          </Button>
        )}
        <Button asChild variant="secondary">
          <Link href="/my-questions">Browse my questions</Link>
        </Button>
      </div>
    </section>
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
