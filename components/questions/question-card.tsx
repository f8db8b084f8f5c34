/** One saved question in a list: the question, its options, the answer behind "Show answer", its marks
 * (suspended, flagged as wrong, "Needs a look" with the quality check's advice) and, written from the
 * learner's material, its quote behind "Source". */
"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import type { QuestionDoc } from "@/lib/validators";
import { fullDateTime, relativeTime, timeUntil } from "@/components/format";
import { useQuestionActions } from "@/hooks/use-question-actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Skeleton } from "@/components/ui/skeleton";
import { GeneralKnowledgeBadge, QuestionSourceView } from "./question-source";

const OPTION_LETTERS = "ABCDEF";

type QuestionCardProps = {
  question: QuestionDoc;
  now: number;
  /** Position in a job's list ("Question 3"), when shown in generation order. */
  number?: number;
  showTopic?: boolean;
  /** Before the header: a selection checkbox. */
  leading?: ReactNode;
  /** Under the answer: the question's own actions (edit, suspend, delete). */
  actions?: ReactNode;
  /** It arrived while the list was open: highlighted and marked "Just added" for a moment. */
  arrived?: boolean;
  /** The words of a search: marked where a word of the question, its options or explanation starts with one. */
  highlight?: readonly string[];
  className?: string;
};

export function QuestionCard({
  question,
  now,
  number,
  showTopic = true,
  leading,
  actions,
  arrived = false,
  highlight = [],
  className,
}: QuestionCardProps) {
  const due = question.card.due;
  const marked = (text: string) => <Highlighted text={text} terms={highlight} />;
  return (
    <article
      data-arrived={arrived || undefined}
      className={cn(
        "rounded-xl border border-border bg-card p-4 shadow-xs sm:p-5",
        arrived && "animate-arrival motion-reduce:animate-none",
        className,
      )}
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1.5 text-xs text-muted-foreground">
        {leading}
        {arrived && (
          <span className="animate-arrival-mark rounded-full bg-primary px-2 py-0.5 text-[11px] font-semibold text-primary-foreground">
            Just added
          </span>
        )}
        {number !== undefined && <span className="font-medium text-foreground tabular-nums">Question {number}</span>}
        {showTopic && (
          <Link
            href={`/my-questions?topic=${encodeURIComponent(question.topic)}`}
            className="max-w-[16rem] truncate font-medium text-foreground underline-offset-4 hover:underline"
          >
            {question.topic}
          </Link>
        )}
        <Badge tone="outline" className="capitalize">
          {question.difficulty}
        </Badge>
        <Badge tone="outline">{question.type === "true-false" ? "True / false" : "Multiple choice"}</Badge>
        {question.source && <GeneralKnowledgeBadge source={question.source} />}
        {question.suspended && <Badge tone="warning">Suspended</Badge>}
        {question.flag && <Badge tone="danger">Flagged as wrong</Badge>}
        {question.needsLook && <Badge tone="warning">Needs a look</Badge>}
        {now > 0 && (
          <>
            {question.suspended ? null : question.card.state === "new" ? (
              <Badge tone="primary">New</Badge>
            ) : due <= now ? (
              <Badge tone="primary">Due now</Badge>
            ) : (
              <span>Due in {timeUntil(due, now)}</span>
            )}
            <time
              dateTime={new Date(question.createdAt).toISOString()}
              title={fullDateTime(question.createdAt)}
              className="ml-auto"
            >
              Added {relativeTime(question.createdAt, now)}
            </time>
          </>
        )}
      </div>
      <h3 className="mt-3 text-base leading-snug font-medium text-pretty whitespace-pre-line break-words">
        {marked(question.question)}
      </h3>
      <ol className="mt-3 grid gap-1.5 text-sm sm:grid-cols-2">
        {question.options.map((option, index) => (
          <li key={`${index}:${option}`} className="flex gap-2 rounded-lg bg-muted/60 px-3 py-2 break-words">
            <span aria-hidden="true" className="font-medium text-muted-foreground">
              {OPTION_LETTERS[index]}
            </span>
            <span className="min-w-0">{marked(option)}</span>
          </li>
        ))}
      </ol>
      <details className="group mt-3 text-sm">
        <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded-md font-medium text-primary select-none [&::-webkit-details-marker]:hidden">
          <span className="group-open:hidden">Show answer</span>
          <span className="hidden group-open:inline">Hide answer</span>
        </summary>
        <div className="mt-2 rounded-lg border-l-2 border-success bg-success-soft/60 px-3 py-2">
          <p className="font-medium break-words">{question.correctAnswer}</p>
          {question.explanation && (
            <p className="mt-1 leading-relaxed whitespace-pre-line text-muted-foreground">
              {marked(question.explanation)}
            </p>
          )}
        </div>
      </details>
      {question.source && <QuestionSourceView source={question.source} className="mt-2" />}
      {question.flag?.reason && (
        <p className="mt-2 text-sm text-muted-foreground">
          <span className="font-medium text-foreground">Why it was flagged:</span> {question.flag.reason}
        </p>
      )}
      {question.needsLook && question.flaws && question.flaws.length > 0 && (
        <div className="mt-2 text-sm text-muted-foreground">
          <p className="font-medium text-foreground">Why it needs a look:</p>
          <ul className="mt-0.5 list-disc space-y-0.5 pl-5">
            {question.flaws.map((flaw) => (
              <li key={flaw.code}>{flaw.reason}</li>
            ))}
          </ul>
          {actions && <KeepAsIsButton questionId={question._id} />}
        </div>
      )}
      {actions && <div className="mt-3 border-t border-border pt-2">{actions}</div>}
    </article>
  );
}

/** Clears the "Needs a look" mark of a question its owner keeps as it is (edit it to change it instead). */
function KeepAsIsButton({ questionId }: { questionId: string }) {
  const { keepAsIs } = useQuestionActions();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      className="mt-1 -ml-2"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void keepAsIs(questionId).finally(() => setBusy(false));
      }}
    >
      Keep as it is
    </Button>
  );
}

/** `text` with the start of each word that begins with one of `terms` marked (case aside). */
function Highlighted({ text, terms }: { text: string; terms: readonly string[] }) {
  if (terms.length === 0) return text;
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const parts = text.split(new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})`, "giu"));
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      <mark key={i} className="rounded-sm bg-warning-soft px-0.5 text-inherit">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

export function QuestionCardSkeletonList({ count = 3 }: { count?: number }) {
  return (
    <div role="status" aria-label="Loading questions" className="space-y-3">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="rounded-xl border border-border p-5">
          <Skeleton className="h-3 w-40 rounded" />
          <Skeleton className="mt-4 h-5 w-4/5 rounded" />
          <div className="mt-4 grid gap-1.5 sm:grid-cols-2">
            {[0, 1, 2, 3].map((j) => (
              <Skeleton key={j} className="h-9 rounded-lg" />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
