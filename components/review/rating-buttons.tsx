/** Again / Hard / Good / Easy, each with when the question would come back. */
"use client";

import type { ReviewRating } from "@/lib/validators";
import { timeUntil } from "@/components/format";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";

const RATINGS: { value: ReviewRating; label: string; hint: string }[] = [
  { value: "again", label: "Again", hint: "I didn't know it" },
  { value: "hard", label: "Hard", hint: "Got it, with effort" },
  { value: "good", label: "Good", hint: "Got it" },
  { value: "easy", label: "Easy", hint: "Too easy" },
];

type RatingButtonsProps = {
  preview: Record<ReviewRating, number>;
  /** When the preview was computed (the "in …" labels count from here). */
  from: number;
  suggested: ReviewRating;
  pending: ReviewRating | null;
  onRate: (rating: ReviewRating) => void;
  className?: string;
};

export function RatingButtons({ preview, from, suggested, pending, onRate, className }: RatingButtonsProps) {
  return (
    <fieldset className={className}>
      <legend className="text-sm font-medium">How well did you know it?</legend>
      <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
        {RATINGS.map(({ value, label, hint }, index) => {
          const isSuggested = value === suggested;
          const next = timeUntil(preview[value], from);
          return (
            // The name is the content (no aria-label): what is visible, label, time and
            // shortcut digit, is in it, plus the hint for screen readers.
            <button
              key={value}
              type="button"
              onClick={() => onRate(value)}
              disabled={pending !== null}
              className={cn(
                "flex flex-col items-center rounded-xl border px-3 py-2 text-center transition-colors disabled:opacity-60",
                isSuggested
                  ? "border-primary bg-primary text-primary-foreground hover:bg-primary/90"
                  : "border-border bg-card hover:bg-muted",
              )}
            >
              <span className="flex items-center gap-1.5 text-sm font-semibold">
                {pending === value && <Spinner className="size-3.5" />}
                {label}
                <span className="sr-only">: {hint}. Comes back in</span>
              </span>{" "}
              <span
                className={cn("mt-0.5 text-xs", isSuggested ? "text-primary-foreground/80" : "text-muted-foreground")}
              >
                {next}
              </span>
              <span className="sr-only">. Key</span>{" "}
              <kbd className="sr-only font-sans sm:not-sr-only sm:mt-0.5 sm:text-[10px] sm:opacity-60">{index + 1}</kbd>
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
