/** "Cancel" for an active job, behind a confirmation that says what is kept. */
"use client";

import { CircleStop } from "lucide-react";
import { useState } from "react";
import type { PublicJob } from "@/lib/validators";
import { useJobActions } from "@/hooks/use-job-actions";
import { plural } from "@/lib/jobs";
import { jobTitle } from "./job-status";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./ui/alert-dialog";
import { Button } from "./ui/button";
import { Spinner } from "./ui/spinner";

type CancelJobButtonProps = {
  job: Pick<PublicJob, "_id" | "status" | "questionsSaved" | "topic" | "prompt">;
  size?: "sm" | "md";
};

export function CancelJobButton({ job, size = "sm" }: CancelJobButtonProps) {
  const [open, setOpen] = useState(false);
  const { cancel, isCancelling } = useJobActions();
  const kept =
    job.questionsSaved > 0
      ? `The ${plural(job.questionsSaved, "question")} saved so far ${job.questionsSaved === 1 ? "stays" : "stay"} in My Questions.`
      : "Nothing has been saved yet, so no questions will be added.";

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        <Button variant="destructive-ghost" size={size} disabled={isCancelling}>
          {isCancelling ? <Spinner /> : <CircleStop aria-hidden="true" />}
          {isCancelling ? "Cancelling…" : "Cancel"}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogTitle>Stop this generation?</AlertDialogTitle>
        <AlertDialogDescription>
          <span className="font-medium text-foreground">“{jobTitle(job)}”</span> stops now. {kept}
        </AlertDialogDescription>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep generating</AlertDialogCancel>
          <AlertDialogAction
            destructive
            onClick={() => {
              void cancel(job._id);
            }}
          >
            Stop generation
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
