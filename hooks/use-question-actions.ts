/**
 * Edit, delete (with an Undo toast), suspend and flag questions, one, a
 * selection, a job's or a topic's, and keep one marked "Needs a look" as it
 * is, with the toasts that report them. Shared by My Questions, the job page
 * and review.
 */
"use client";

import { useMutation } from "convex/react";
import Link from "next/link";
import { createElement } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { GeneratedQuestion, QuestionScope } from "@/lib/validators";
import { plural } from "@/lib/jobs";
import { userFacingMessage } from "@/lib/errors";
import { viewHref } from "@/lib/questionFilters";

/** How many a scope's action changed, in words ("3 questions", "all of them"). */
function changedText(changed: number, continuing: boolean): string {
  return continuing ? "all of them (a large set: this takes a few seconds)" : plural(changed, "question");
}

export function useQuestionActions() {
  const editQuestion = useMutation(api.manageQuestions.editQuestion);
  const deleteQuestions = useMutation(api.manageQuestions.deleteQuestions);
  const restoreQuestions = useMutation(api.manageQuestions.restoreQuestions);
  const setSuspended = useMutation(api.manageQuestions.setQuestionsSuspended);
  const flagQuestion = useMutation(api.manageQuestions.flagQuestion);
  const clearQuestionAdvice = useMutation(api.manageQuestions.clearQuestionAdvice);

  /** Saves an edit; throws the server's error (the caller keeps the form open and shows it). */
  async function edit(questionId: string, question: GeneratedQuestion): Promise<void> {
    await editQuestion({ questionId, question });
    toast.success("Question saved");
  }

  /** Deletes, then offers Undo in the toast. True when deleted. */
  async function remove(scope: QuestionScope): Promise<boolean> {
    try {
      const { changed, continuing, deletedAt } = await deleteQuestions({ scope });
      toast(`Deleted ${changedText(changed, continuing)}`, {
        duration: 10_000,
        action: {
          label: "Undo",
          onClick: () => {
            restoreQuestions({ scope, deletedAt }).then(
              () => toast.success("Restored"),
              (error: unknown) => toast.error("Couldn't undo", { description: userFacingMessage(error) }),
            );
          },
        },
      });
      return true;
    } catch (error) {
      toast.error("Couldn't delete", { description: userFacingMessage(error) });
      return false;
    }
  }

  async function suspend(scope: QuestionScope, suspended: boolean): Promise<boolean> {
    try {
      const { changed, continuing } = await setSuspended({ scope, suspended });
      toast(
        suspended
          ? `Suspended ${changedText(changed, continuing)}: not shown in review until unsuspended`
          : `Unsuspended ${changedText(changed, continuing)}`,
      );
      return true;
    } catch (error) {
      toast.error(suspended ? "Couldn't suspend" : "Couldn't unsuspend", { description: userFacingMessage(error) });
      return false;
    }
  }

  /** Flags a question as wrong (it is suspended). True when saved. */
  async function flag(questionId: string, reason: string): Promise<boolean> {
    try {
      await flagQuestion({ questionId, ...(reason.trim() ? { reason } : {}) });
      toast("Flagged as wrong", {
        description: "It is suspended: fix it from My Questions, or delete it.",
        // A link (styled as the toast's button) to My Questions' flagged view.
        action: createElement(Link, { href: viewHref({ show: "flagged" }), ...{ "data-button": "" } }, "Show flagged"),
      });
      return true;
    } catch (error) {
      toast.error("Couldn't flag the question", { description: userFacingMessage(error) });
      return false;
    }
  }

  /** Clears a question's "Needs a look" mark. */
  async function keepAsIs(questionId: string): Promise<void> {
    try {
      await clearQuestionAdvice({ questionId });
      toast.success("Kept as it is");
    } catch (error) {
      toast.error("Couldn't clear the mark", { description: userFacingMessage(error) });
    }
  }

  return { edit, remove, suspend, flag, keepAsIs };
}
