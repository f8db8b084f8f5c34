/** A question's own actions, under its card: Edit (a dialog), Suspend / Unsuspend, Delete (Undo in the toast). */
"use client";

import { Pause, Pencil, Play, Trash2 } from "lucide-react";
import { useState } from "react";
import type { QuestionDoc } from "@/lib/validators";
import { useQuestionActions } from "@/hooks/use-question-actions";
import { Button } from "@/components/ui/button";
import { EditQuestionDialog } from "./edit-question-dialog";

export function QuestionActions({ question }: { question: QuestionDoc }) {
  const { remove, suspend } = useQuestionActions();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const scope = { kind: "questions" as const, ids: [question._id] };

  async function run(action: () => Promise<boolean>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-1">
      <Button variant="ghost" size="sm" onClick={() => setEditing(true)} disabled={busy}>
        <Pencil aria-hidden="true" /> Edit
      </Button>
      {question.suspended ? (
        <Button variant="ghost" size="sm" onClick={() => void run(() => suspend(scope, false))} disabled={busy}>
          <Play aria-hidden="true" /> Unsuspend
        </Button>
      ) : (
        <Button variant="ghost" size="sm" onClick={() => void run(() => suspend(scope, true))} disabled={busy}>
          <Pause aria-hidden="true" /> Suspend
        </Button>
      )}
      <Button variant="destructive-ghost" size="sm" onClick={() => void run(() => remove(scope))} disabled={busy}>
        <Trash2 aria-hidden="true" /> Delete
      </Button>
      <EditQuestionDialog question={question} open={editing} onOpenChange={setEditing} />
    </div>
  );
}
