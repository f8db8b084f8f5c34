/**
 * Where a question written from the learner's material comes from: "Source"
 * opens the verified quote, highlighted in its context, with the material's
 * name and the section's place (heading, pages). A question whose quote was not
 * found rests on general knowledge: it is labelled so, never shown as sourced.
 * In My Questions and in review (once answered).
 */
"use client";

import { BookOpenText } from "lucide-react";
import Link from "next/link";
import { placeLabel } from "@/lib/jobs";
import { viewHref } from "@/lib/questionFilters";
import type { QuestionSource } from "@/lib/validators";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";

/** The label of a question that rests on general knowledge rather than the learner's material. */
export function GeneralKnowledgeBadge({ source }: { source: QuestionSource }) {
  if (source.quote !== undefined) return null;
  return (
    <Badge tone="neutral" title={`Not found in “${source.name}”: this question rests on general knowledge`}>
      General knowledge
    </Badge>
  );
}

/** "Source": the quote in its context, behind a disclosure; nothing for a question not from a source. */
export function QuestionSourceView({ source, className }: { source: QuestionSource; className?: string }) {
  const { quote } = source;
  if (quote === undefined) return null;
  const place = placeLabel(source);
  return (
    <details className={cn("group text-sm", className)} data-testid="question-source">
      <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded-md font-medium text-primary select-none [&::-webkit-details-marker]:hidden">
        <BookOpenText aria-hidden="true" className="size-4" />
        <span className="group-open:hidden">Source</span>
        <span className="hidden group-open:inline">Hide source</span>
      </summary>
      <figure className="mt-2 rounded-lg border-l-2 border-primary/60 bg-muted/50 px-3 py-2">
        <figcaption className="text-xs text-muted-foreground">
          From “{source.name}”{place && ` · ${place}`}
          {" · "}
          <Link
            href={viewHref({ sourceId: source.sourceId })}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            All its questions
          </Link>
        </figcaption>
        <blockquote className="mt-1.5 leading-relaxed break-words whitespace-pre-line text-muted-foreground">
          {quote.cutBefore && "… "}
          {quote.before}
          <mark className="rounded-sm bg-warning-soft px-0.5 text-foreground">{quote.text}</mark>
          {quote.after}
          {quote.cutAfter && " …"}
        </blockquote>
      </figure>
    </details>
  );
}
