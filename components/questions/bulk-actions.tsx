/**
 * Actions on many questions at once, above the list: on a selection ("3
 * selected: Suspend, Unsuspend, Delete"), on every question of the view once
 * "select all matching" is chosen, or, with nothing selected and a topic or
 * job filter, on all of that view's questions (delete asks first). Deletes
 * offer Undo in their toast.
 */
"use client";

import { GraduationCap } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import type { QuestionScope } from "@/lib/validators";
import { plural } from "@/lib/jobs";
import { useQuestionActions } from "@/hooks/use-question-actions";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

type BulkActionsProps = {
  selected: string[];
  /** Every question of the view is selected, across pages: the scope the actions then cover. */
  allMatching?: QuestionScope | null;
  onClearSelection: () => void;
  /** At the start of the bar: the "select all" control. */
  leading?: ReactNode;
  /** The view's filter, when it has one: "all in this view" acts on it. */
  view: { kind: "topic"; topic: string } | { kind: "job"; jobId: string } | null;
  className?: string;
};

/** The review page for a view's questions only. */
export function reviewHref(view: { kind: "topic"; topic: string } | { kind: "job"; jobId: string }): string {
  return view.kind === "topic"
    ? `/?topic=${encodeURIComponent(view.topic)}`
    : `/?job=${encodeURIComponent(view.jobId)}`;
}

export function BulkActions({
  selected,
  allMatching = null,
  onClearSelection,
  leading,
  view,
  className,
}: BulkActionsProps) {
  const { remove, suspend } = useQuestionActions();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const selecting = allMatching !== null || selected.length > 0;
  const scope: QuestionScope | null =
    allMatching ?? (selected.length > 0 ? { kind: "questions", ids: selected } : view);
  if (scope === null && leading === undefined) return null;

  async function run(action: () => Promise<boolean>) {
    setBusy(true);
    try {
      if ((await action()) && selecting) onClearSelection();
    } finally {
      setBusy(false);
    }
  }

  const what =
    allMatching !== null
      ? "every question in this view"
      : selected.length > 0
        ? plural(selected.length, "selected question")
        : "every question in this view";
  return (
    <div
      role="group"
      aria-label={selecting ? "Selected questions" : "All questions in this view"}
      className={cn("flex flex-wrap items-center gap-2 rounded-xl border border-border bg-card px-3 py-2", className)}
    >
      {leading}
      <span className="mr-auto text-sm text-muted-foreground">
        {allMatching !== null
          ? "All questions in this view selected"
          : selected.length > 0
            ? `${selected.length} selected`
            : view !== null
              ? "All in this view"
              : "Select questions to act on them"}
      </span>
      {!selecting && view !== null && (
        <Button asChild variant="secondary" size="sm">
          <Link href={reviewHref(view)}>
            <GraduationCap aria-hidden="true" /> Review these
          </Link>
        </Button>
      )}
      {scope !== null && (
        <>
          <Button variant="ghost" size="sm" disabled={busy} onClick={() => void run(() => suspend(scope, true))}>
            Suspend{selecting ? "" : " all"}
          </Button>
          <Button variant="ghost" size="sm" disabled={busy} onClick={() => void run(() => suspend(scope, false))}>
            Unsuspend{selecting ? "" : " all"}
          </Button>
          <Button variant="destructive-ghost" size="sm" disabled={busy} onClick={() => setConfirming(true)}>
            Delete{selecting ? "" : " all"}
          </Button>
        </>
      )}
      {selecting && (
        <Button variant="ghost" size="sm" onClick={onClearSelection}>
          Clear selection
        </Button>
      )}
      <AlertDialog open={confirming} onOpenChange={setConfirming}>
        <AlertDialogContent>
          <AlertDialogTitle>Delete {what}?</AlertDialogTitle>
          <AlertDialogDescription>
            They leave My Questions and review at once. You can undo from the notification that follows.
          </AlertDialogDescription>
          <AlertDialogFooter>
            <AlertDialogCancel>Keep them</AlertDialogCancel>
            <AlertDialogAction destructive onClick={() => scope && void run(() => remove(scope))}>
              Delete
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
