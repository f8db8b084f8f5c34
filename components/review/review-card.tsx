/**
 * One question under review: pick an answer, see whether it was right and
 * why, then rate how well you knew it. Each rating button shows when the
 * question would come back (FSRS `previewReview`, the schedule the server
 * applies). Keys: 1–n pick an answer, then 1–4 rate.
 */
"use client";

import { Check, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { QuestionDoc, ReviewRating } from "@/lib/validators";
import { previewReview } from "@/lib/fsrs";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { RatingButtons } from "./rating-buttons";

type Revealed = { choice: string; correct: boolean; preview: Record<ReviewRating, number>; at: number };

type ReviewCardProps = {
  question: QuestionDoc;
  onRate: (rating: ReviewRating) => Promise<void>;
};

export function ReviewCard({ question, onRate }: ReviewCardProps) {
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [rating, setRating] = useState<ReviewRating | null>(null);
  const feedbackRef = useRef<HTMLDivElement>(null);

  function answer(choice: string) {
    if (revealed) return;
    const at = Date.now();
    setRevealed({ choice, correct: choice === question.correctAnswer, preview: previewReview(question.card, at), at });
  }

  function rate(value: ReviewRating) {
    if (rating) return;
    setRating(value);
    void onRate(value).finally(() => setRating(null));
  }

  useEffect(() => {
    if (revealed) feedbackRef.current?.focus();
  }, [revealed]);

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
        const option = question.options[index];
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
      </div>

      <h2
        id="review-question"
        className="mt-4 text-xl leading-snug font-semibold tracking-tight text-pretty break-words sm:text-2xl"
      >
        {question.question}
      </h2>

      <ul className="mt-6 space-y-2.5" aria-label="Answers">
        {question.options.map((option, index) => {
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
          <kbd className="font-sans font-medium">{question.options.length}</kbd> to answer.
        </p>
      )}

      {revealed && (
        <div className="mt-6 animate-fade-in">
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
              <p className="mt-1.5 leading-relaxed text-foreground/85">{question.explanation}</p>
            )}
          </div>

          <RatingButtons
            className="mt-6"
            preview={revealed.preview}
            from={revealed.at}
            suggested={revealed.correct ? "good" : "again"}
            pending={rating}
            onRate={rate}
          />
        </div>
      )}
    </article>
  );
}
