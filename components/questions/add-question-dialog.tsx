/**
 * Add a question by hand: the edit form (`QuestionForm`) with a choice of type and a topic, one of the learner's
 * (offered as they type) or a new one. The server checks it like an edit and refuses one they already have.
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { appError } from "@/lib/errors";
import { checkTopicName } from "@/lib/topics";
import type { GeneratedQuestion } from "@/lib/validators";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { QuestionForm } from "./edit-question-dialog";

const EMPTY: GeneratedQuestion = {
  question: "",
  type: "multiple-choice",
  options: ["", "", "", ""],
  correctAnswer: "",
  explanation: "",
  difficulty: "medium",
};

type AddQuestionDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The topic the form starts with (the one being viewed). */
  topic?: string;
};

export function AddQuestionDialog({ open, onOpenChange, topic }: AddQuestionDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Add a question</DialogTitle>
          <DialogDescription>It joins your reviews as a new card.</DialogDescription>
        </DialogHeader>
        {open && <AddQuestionForm initialTopic={topic} onDone={() => onOpenChange(false)} />}
      </DialogContent>
    </Dialog>
  );
}

function AddQuestionForm({ initialTopic, onDone }: { initialTopic?: string; onDone: () => void }) {
  const createQuestion = useMutation(api.addQuestions.createQuestion);
  const topics = useQuery(api.myQuestions.listMyTopics);
  const [topic, setTopic] = useState(initialTopic ?? "");
  const topicId = useId();
  const listId = useId();

  async function save(question: GeneratedQuestion) {
    const checked = checkTopicName(topic);
    if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
    // The form starts with four option fields: the ones left blank are not options.
    const options = question.options.filter((option) => option.trim() !== "");
    await createQuestion({ question: { ...question, options }, topic: checked.name });
    toast.success(`Question added to “${checked.name}”`);
    onDone();
  }

  return (
    <QuestionForm label="Add a question" initial={EMPTY} submitLabel="Add" onSubmit={save} onCancel={onDone} chooseType>
      <div className="space-y-1.5">
        <Label htmlFor={topicId}>Topic</Label>
        <Input
          id={topicId}
          list={listId}
          value={topic}
          autoComplete="off"
          placeholder="One of your topics, or a new one"
          onChange={(event) => setTopic(event.target.value)}
        />
        <datalist id={listId}>
          {topics?.map(({ name }) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
    </QuestionForm>
  );
}
