/**
 * Actions on many questions at once, above the list: on a selection ("3
 * selected: Suspend, Unsuspend, Delete"), or, with nothing selected and a
 * topic or job filter, on all of that view's questions (delete asks first).
 * Deletes offer Undo in their toast.
 */
"use client";

import { GraduationCap } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
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
  onClearSelection: () => void;
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

export function BulkActions({ selected, onClearSelection, view, className }: BulkActionsProps) {
  const { remove, suspend } = useQuestionActions();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const scope: QuestionScope | null = selected.length > 0 ? { kind: "questions", ids: selected } : view;
  if (scope === null) return null;

  async function run(action: () => Promise<boolean>) {
    setBusy(true);
    try {
      if ((await action()) && scope?.kind === "questions") onClearSelection();
    } finally {
      setBusy(false);
    }
  }

  const what = selected.length > 0 ? plural(selected.length, "selected question") : "every question in this view";
  return (
    <div
      role="group"
      aria-label={selected.length > 0 ? "Selected questions" : "All questions in this view"}
      className={cn("flex flex-wrap items-center gap-2 rounded-xl border border-border bg-card px-3 py-2", className)}
    >
      <span className="mr-auto text-sm text-muted-foreground">
        {selected.length > 0 ? `${selected.length} selected` : "All in this view"}
      </span>
      {selected.length === 0 && view !== null && (
        <Button asChild variant="secondary" size="sm">
          <Link href={reviewHref(view)}>
            <GraduationCap aria-hidden="true" /> Review these
          </Link>
        </Button>
      )}
      <Button variant="ghost" size="sm" disabled={busy} onClick={() => void run(() => suspend(scope, true))}>
        Suspend{selected.length > 0 ? "" : " all"}
      </Button>
      <Button variant="ghost" size="sm" disabled={busy} onClick={() => void run(() => suspend(scope, false))}>
        Unsuspend{selected.length > 0 ? "" : " all"}
      </Button>
      <Button variant="destructive-ghost" size="sm" disabled={busy} onClick={() => setConfirming(true)}>
        Delete{selected.length > 0 ? "" : " all"}
      </Button>
      {selected.length > 0 && (
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
            <AlertDialogAction destructive onClick={() => void run(() => remove(scope))}>
              Delete
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </div>
  );
}
