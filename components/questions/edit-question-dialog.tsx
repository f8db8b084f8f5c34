/**
 * Edit one question: its text, options (multiple choice: 2 to 6), which
 * option is the answer (a radio, so the answer is always one of the options),
 * explanation and difficulty. Nothing is changed behind the learner's back:
 * removing the option marked right leaves no answer chosen until they choose
 * one, and the server refuses (rather than drops) options that differ only in
 * case and text that shows nothing. Problems are shown inline in the dialog,
 * which stays open with the edit kept. The quality check runs as the learner
 * types (`findQuestionFlaws`, the same rules as a job's): a severe flaw is
 * explained and keeps the edit from being saved; milder ones are shown as
 * advice, and the edit saves with them (the question is then marked "Needs a
 * look"). The server checks again, and also whether the learner already has a
 * question that asks the same; its refusal is shown inline too.
 * `QuestionForm` is the same form, with the same checks, for a new question (`add-question-dialog.tsx`).
 */
"use client";

import { Plus, Trash2 } from "lucide-react";
import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { GeneratedQuestion, QuestionDoc } from "@/lib/validators";
import { findQuestionFlaws, isSevereFlaw } from "@/lib/questionFlaws";
import { DIFFICULTIES } from "@/lib/validators";
import { userFacingMessage } from "@/lib/errors";
import { useQuestionActions } from "@/hooks/use-question-actions";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";

const MAX_OPTIONS = 6;
const NO_ANSWER = "Choose which option is the right answer before saving.";

type EditQuestionDialogProps = {
  question: QuestionDoc;
  open: boolean;
  onOpenChange: (open: boolean) => void;
};

export function EditQuestionDialog({ question, open, onOpenChange }: EditQuestionDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Edit question</DialogTitle>
          <DialogDescription>Your review schedule for it stays as it is.</DialogDescription>
        </DialogHeader>
        {open && <EditQuestionForm question={question} onDone={() => onOpenChange(false)} />}
      </DialogContent>
    </Dialog>
  );
}

function EditQuestionForm({ question, onDone }: { question: QuestionDoc; onDone: () => void }) {
  const { edit } = useQuestionActions();
  return (
    <QuestionForm
      label="Edit question"
      initial={question}
      submitLabel="Save"
      onSubmit={async (edited) => {
        await edit(question._id, edited);
        onDone();
      }}
      onCancel={onDone}
    />
  );
}

type QuestionFormProps = {
  /** The form's accessible name. */
  label: string;
  initial: GeneratedQuestion;
  submitLabel: string;
  /** Saves the question; a throw is shown in the form, which keeps what was typed. */
  onSubmit: (question: GeneratedQuestion) => Promise<void>;
  onCancel: () => void;
  /** A new question: its type can be chosen. */
  chooseType?: boolean;
  /** More fields, after the difficulty (a new question's topic). */
  children?: ReactNode;
};

/** A question's fields, its answer chosen among its options; the server's refusal shown inline. */
export function QuestionForm({
  label,
  initial: question,
  submitLabel,
  onSubmit,
  onCancel,
  chooseType = false,
  children,
}: QuestionFormProps) {
  const [text, setText] = useState(question.question);
  const [options, setOptions] = useState<string[]>(question.options);
  /** The option marked right; null once that option is removed, until another is chosen. */
  const [answerIndex, setAnswerIndex] = useState<number | null>(() => {
    const index = question.options.indexOf(question.correctAnswer);
    return index === -1 ? null : index;
  });
  const [explanation, setExplanation] = useState(question.explanation);
  const [difficulty, setDifficulty] = useState(question.difficulty);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [type, setType] = useState(question.type);
  const trueFalse = type === "true-false";

  function chooseQuestionType(next: GeneratedQuestion["type"]) {
    setType(next);
    setOptions(next === "true-false" ? ["True", "False"] : ["", "", "", ""]);
    setAnswerIndex(0);
  }
  const noAnswerId = useId();
  const checkId = useId();
  const severeBox = useRef<HTMLDivElement>(null);
  const edited: GeneratedQuestion | null =
    answerIndex === null
      ? null
      : {
          question: text,
          type,
          options,
          correctAnswer: options[answerIndex] ?? "",
          explanation,
          difficulty,
        };
  // Cheap (a fraction of a millisecond): checked on every render.
  const flaws = edited ? findQuestionFlaws(edited) : [];
  const severe = flaws.filter(isSevereFlaw);
  const advice = flaws.filter((flaw) => !isSevereFlaw(flaw));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (edited === null) {
      setError(NO_ANSWER);
      return;
    }
    if (severe.length > 0) {
      severeBox.current?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await onSubmit(edited);
    } catch (caught) {
      setError(userFacingMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  function removeOption(index: number) {
    setOptions(options.filter((_, i) => i !== index));
    if (answerIndex === index) setAnswerIndex(null);
    else if (answerIndex !== null && answerIndex > index) setAnswerIndex(answerIndex - 1);
  }

  function chooseAnswer(index: number) {
    setAnswerIndex(index);
    if (error === NO_ANSWER) setError(null);
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-4" aria-label={label}>
      {chooseType && (
        <fieldset className="flex flex-wrap gap-x-5 gap-y-2">
          <legend className="mb-1.5 text-sm font-medium">Type</legend>
          {(["multiple-choice", "true-false"] as const).map((value) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="question-type"
                className="size-4 accent-primary"
                checked={type === value}
                onChange={() => chooseQuestionType(value)}
              />
              {value === "multiple-choice" ? "Multiple choice" : "True or false"}
            </label>
          ))}
        </fieldset>
      )}
      <div className="space-y-1.5">
        <Label htmlFor="edit-question-text">Question</Label>
        <Textarea id="edit-question-text" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      </div>
      <fieldset className="space-y-2" aria-describedby={answerIndex === null ? noAnswerId : undefined}>
        <legend className="text-sm font-medium">Options (choose the right answer)</legend>
        {answerIndex === null && (
          <p id={noAnswerId} className="text-sm text-destructive">
            No option is marked as the right answer. Choose one.
          </p>
        )}
        {options.map((option, index) => (
          <div key={index} className="flex items-center gap-2">
            <input
              type="radio"
              name="edit-question-answer"
              checked={answerIndex === index}
              onChange={() => chooseAnswer(index)}
              aria-label={`Option ${index + 1} is the right answer`}
              className="size-4 accent-primary"
            />
            <Input
              value={option}
              readOnly={trueFalse}
              aria-label={`Option ${index + 1}`}
              onChange={(e) => setOptions(options.map((o, i) => (i === index ? e.target.value : o)))}
            />
            {!trueFalse && options.length > 2 && (
              <Button
                variant="ghost"
                size="icon-sm"
                aria-label={`Remove option ${index + 1}`}
                onClick={() => removeOption(index)}
              >
                <Trash2 aria-hidden="true" />
              </Button>
            )}
          </div>
        ))}
        {!trueFalse && options.length < MAX_OPTIONS && (
          <Button variant="ghost" size="sm" onClick={() => setOptions([...options, ""])}>
            <Plus aria-hidden="true" /> Add an option
          </Button>
        )}
      </fieldset>
      <div className="space-y-1.5">
        <Label htmlFor="edit-question-explanation">Explanation</Label>
        <Textarea
          id="edit-question-explanation"
          value={explanation}
          onChange={(e) => setExplanation(e.target.value)}
          rows={3}
        />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="edit-question-difficulty">Difficulty</Label>
        <select
          id="edit-question-difficulty"
          value={difficulty}
          onChange={(e) => setDifficulty(e.target.value as GeneratedQuestion["difficulty"])}
          className="h-9 w-full rounded-lg border border-input bg-background px-3 text-sm capitalize"
        >
          {DIFFICULTIES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      {children}
      <div id={checkId} aria-live="polite" className="space-y-2">
        {severe.length > 0 && (
          <div
            ref={severeBox}
            tabIndex={-1}
            className="rounded-lg bg-destructive-soft px-3 py-2 text-sm text-destructive-soft-foreground outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <p className="font-medium">This question can&apos;t be saved yet:</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {severe.map((flaw) => (
                <li key={flaw.code}>{flaw.reason}</li>
              ))}
            </ul>
          </div>
        )}
        {advice.length > 0 && (
          <div className="rounded-lg bg-warning-soft px-3 py-2 text-sm text-warning-soft-foreground">
            <p className="font-medium">Worth a look (you can still save):</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {advice.map((flaw) => (
                <li key={flaw.code}>{flaw.reason}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {error && (
        <p role="alert" className="rounded-lg bg-destructive-soft px-3 py-2 text-sm text-destructive-soft-foreground">
          {error}
        </p>
      )}
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={saving}>
          Cancel
        </Button>
        <Button type="submit" disabled={saving} aria-describedby={severe.length > 0 ? checkId : undefined}>
          {saving && <Spinner />} {submitLabel}
        </Button>
      </DialogFooter>
    </form>
  );
}
