/**
 * One question under review: pick an answer, see whether it was right and
 * why, then rate how well you knew it. Each rating button shows when the
 * question would come back (FSRS `previewReview`, the schedule the server
 * applies). Keys: 1–n pick an answer, then 1–4 rate.
 *
 * The options are shuffled at each showing (nothing stored; the digits follow
 * the shown order). Once answered, the rating row sticks to the bottom of the
 * screen while the card is longer than it, so it is never below the fold.
 * "This question is wrong" flags it (with an optional reason) at any point.
 * Once answered, a question written from the learner's material shows its
 * "Source": the quote that supports the answer, in its context.
 */
"use client";

import { Check, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { QuestionDoc, ReviewRating } from "@/lib/validators";
import { previewReview } from "@/lib/fsrs";
import { shuffled } from "@/lib/shuffle";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { GeneralKnowledgeBadge, QuestionSourceView } from "@/components/questions/question-source";
import { FlagQuestionButton } from "./flag-question-button";
import { RatingButtons } from "./rating-buttons";

type Revealed = { choice: string; correct: boolean; preview: Record<ReviewRating, number>; at: number };

type ReviewCardProps = {
  question: QuestionDoc;
  onRate: (rating: ReviewRating) => Promise<void>;
  /** Told whether the chosen answer was right (the session's summary counts it). */
  onAnswer?: (correct: boolean) => void;
  /** "This question is wrong": flag it with a reason; true once saved. Hidden when absent. */
  onFlag?: (reason: string) => Promise<boolean>;
  /** Practice: go on without rating (nothing changes). Hidden when absent. */
  onSkip?: () => void;
  /** The order to show the options in (default: a fresh shuffle). */
  order?: (options: readonly string[]) => string[];
  /** Take keyboard focus when shown (after a rating, the next question; the rated one's buttons are gone). */
  focusOnMount?: boolean;
};

export function ReviewCard({
  question,
  onRate,
  onAnswer,
  onFlag,
  onSkip,
  order = shuffled,
  focusOnMount = false,
}: ReviewCardProps) {
  const [options] = useState(() => order(question.options));
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [rating, setRating] = useState<ReviewRating | null>(null);
  const feedbackRef = useRef<HTMLDivElement>(null);

  function answer(choice: string) {
    if (revealed) return;
    const at = Date.now();
    onAnswer?.(choice === question.correctAnswer);
    setRevealed({ choice, correct: choice === question.correctAnswer, preview: previewReview(question.card, at), at });
  }

  function rate(value: ReviewRating) {
    if (rating) return;
    setRating(value);
    void onRate(value).finally(() => setRating(null));
  }

  const questionRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (revealed) feedbackRef.current?.focus();
  }, [revealed]);

  useEffect(() => {
    // Only when focus has nowhere better to be: on the page, or on a button that is gone.
    const active = document.activeElement;
    if (focusOnMount && (!active || active === document.body || !active.isConnected)) questionRef.current?.focus();
  }, [focusOnMount]);

  // Number keys: answer first, then rate. Ignored while typing or inside a dialog.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (
        target?.closest(
          "input, textarea, select, [contenteditable=true], [role=dialog], [role=alertdialog], [role=menu]",
        )
      )
        return;
      const index = Number.parseInt(event.key, 10) - 1;
      if (Number.isNaN(index) || index < 0) return;
      if (!revealed) {
        const option = options[index];
        if (option !== undefined) {
          event.preventDefault();
          answer(option);
        }
      } else {
        const value = (["again", "hard", "good", "easy"] as const)[index];
        if (value) {
          event.preventDefault();
          rate(value);
        }
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  });

  return (
    <article
      aria-labelledby="review-question"
      className="rounded-2xl border border-border bg-card p-5 shadow-xs sm:p-8"
    >
      <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
        <span className="font-medium text-foreground">{question.topic}</span>
        <span aria-hidden="true">·</span>
        <Badge tone="outline" className="capitalize">
          {question.difficulty}
        </Badge>
        {question.card.state === "new" && <Badge tone="primary">New</Badge>}
        {question.source && <GeneralKnowledgeBadge source={question.source} />}
        {onFlag && <FlagQuestionButton className="ml-auto" onFlag={onFlag} />}
      </div>

      <h2
        ref={questionRef}
        tabIndex={-1}
        id="review-question"
        className="mt-4 text-xl leading-snug font-semibold tracking-tight text-pretty whitespace-pre-line break-words focus:outline-none sm:text-2xl"
      >
        {question.question}
      </h2>

      <ul className="mt-6 space-y-2.5" aria-label="Answers">
        {options.map((option, index) => {
          const isCorrect = option === question.correctAnswer;
          const isChoice = revealed?.choice === option;
          const state = !revealed ? "idle" : isCorrect ? "correct" : isChoice ? "wrong" : "other";
          return (
            <li key={`${index}:${option}`}>
              <button
                type="button"
                onClick={() => answer(option)}
                aria-disabled={revealed !== null}
                aria-label={
                  state === "correct"
                    ? `${option} (correct answer${isChoice ? ", your answer" : ""})`
                    : state === "wrong"
                      ? `${option} (your answer, incorrect)`
                      : undefined
                }
                className={cn(
                  "flex w-full items-center gap-3 rounded-xl border px-4 py-3 text-left text-[15px] leading-snug transition-colors",
                  state === "idle" && "border-border hover:border-primary/50 hover:bg-primary-soft/40",
                  state === "correct" && "border-success/60 bg-success-soft text-success-soft-foreground",
                  state === "wrong" && "border-destructive/60 bg-destructive-soft text-destructive-soft-foreground",
                  state === "other" && "border-border opacity-60",
                  revealed && "cursor-default",
                )}
              >
                <span
                  aria-hidden="true"
                  className={cn(
                    "flex size-6 shrink-0 items-center justify-center rounded-md border text-xs font-medium tabular-nums",
                    state === "idle" ? "border-border text-muted-foreground" : "border-current",
                  )}
                >
                  {state === "correct" ? (
                    <Check className="size-3.5" />
                  ) : state === "wrong" ? (
                    <X className="size-3.5" />
                  ) : (
                    index + 1
                  )}
                </span>
                <span className="min-w-0 flex-1 break-words">{option}</span>
              </button>
            </li>
          );
        })}
      </ul>

      {!revealed && (
        <p className="mt-5 hidden text-xs text-muted-foreground sm:block">
          Press <kbd className="font-sans font-medium">1</kbd>–
          <kbd className="font-sans font-medium">{options.length}</kbd> to answer.
        </p>
      )}

      {revealed && (
        <div className="mt-5 animate-fade-in">
          <div
            ref={feedbackRef}
            tabIndex={-1}
            className={cn(
              "rounded-xl px-4 py-3 focus:outline-none",
              revealed.correct
                ? "bg-success-soft text-success-soft-foreground"
                : "bg-destructive-soft text-destructive-soft-foreground",
            )}
          >
            <p className="font-semibold">
              {revealed.correct ? "Correct." : "Not quite."}{" "}
              {!revealed.correct && <span className="font-normal">The answer is “{question.correctAnswer}”.</span>}
            </p>
            {question.explanation && (
              <p className="mt-1.5 leading-relaxed whitespace-pre-line text-foreground/85">{question.explanation}</p>
            )}
          </div>
          {question.source && <QuestionSourceView source={question.source} className="mt-3" />}

          <div className="sticky bottom-0 z-10 -mx-5 mt-4 border-t border-border bg-card px-5 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:-mx-8 sm:px-8">
            <RatingButtons
              preview={revealed.preview}
              from={revealed.at}
              suggested={revealed.correct ? "good" : "again"}
              pending={rating}
              onRate={rate}
            />
            {onSkip && (
              <Button variant="link" size="sm" className="mt-2" onClick={onSkip}>
                Next without rating
              </Button>
            )}
          </div>
        </div>
      )}
    </article>
  );
}
