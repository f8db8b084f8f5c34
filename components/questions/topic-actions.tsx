/**
 * The topic being viewed: rename it, or merge it into another of the learner's topics (its questions move
 * there and it is removed). Both say why the server refuses, in the dialog, keeping what was typed.
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { Merge, PencilLine, Settings2 } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { appError, userFacingMessage } from "@/lib/errors";
import { checkTopicName } from "@/lib/topics";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";

type TopicActionsProps = {
  topic: string;
  /** The topic's name once renamed, or the topic it was merged into. */
  onMoved: (topic: string) => void;
};

export function TopicActions({ topic, onMoved }: TopicActionsProps) {
  const [open, setOpen] = useState<"rename" | "merge" | null>(null);
  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="secondary" size="icon" aria-label={`Rename or merge “${topic}”`}>
            <Settings2 aria-hidden="true" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent>
          <DropdownMenuItem onSelect={() => setOpen("rename")}>
            <PencilLine aria-hidden="true" /> Rename topic…
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setOpen("merge")}>
            <Merge aria-hidden="true" /> Merge into another topic…
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <Dialog open={open !== null} onOpenChange={(next) => !next && setOpen(null)}>
        <DialogContent>
          {open === "rename" && <RenameForm topic={topic} onDone={onDoneWith(setOpen, onMoved)} />}
          {open === "merge" && <MergeForm topic={topic} onDone={onDoneWith(setOpen, onMoved)} />}
        </DialogContent>
      </Dialog>
    </>
  );
}

function onDoneWith(setOpen: (open: null) => void, onMoved: (topic: string) => void) {
  return (moved?: string) => {
    setOpen(null);
    if (moved !== undefined) onMoved(moved);
  };
}

type FormProps = { topic: string; onDone: (moved?: string) => void };

/** Runs `action`, showing its refusal inline; a large topic's move goes on in the background. */
function useTopicMove(onDone: FormProps["onDone"]) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<{ name: string; continuing: boolean }>, done: (name: string) => string) {
    setBusy(true);
    setError(null);
    try {
      const { name, continuing } = await action();
      toast.success(
        done(name),
        continuing ? { description: "A large topic: its questions move in a few seconds." } : {},
      );
      onDone(name);
    } catch (caught) {
      setError(userFacingMessage(caught));
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, run };
}

function RenameForm({ topic, onDone }: FormProps) {
  const renameTopic = useMutation(api.topics.renameTopic);
  const [name, setName] = useState(topic);
  const { error, busy, run } = useTopicMove(onDone);
  const nameId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(
      async () => {
        const checked = checkTopicName(name);
        if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
        return await renameTopic({ topic, name: checked.name });
      },
      (renamed) => `Renamed to “${renamed}”`,
    );
  }

  return (
    <form onSubmit={submit} aria-label="Rename topic">
      <DialogHeader>
        <DialogTitle>Rename topic</DialogTitle>
        <DialogDescription>
          Its questions keep their schedule; new generations on “{topic}” start a new topic.
        </DialogDescription>
      </DialogHeader>
      <div className="space-y-1.5">
        <Label htmlFor={nameId}>New name</Label>
        <Input id={nameId} value={name} onChange={(event) => setName(event.target.value)} autoFocus />
      </div>
      <TopicFormFooter error={error} busy={busy} submitLabel="Rename" onCancel={() => onDone()} />
    </form>
  );
}

function MergeForm({ topic, onDone }: FormProps) {
  const mergeTopic = useMutation(api.topics.mergeTopic);
  const topics = useQuery(api.myQuestions.listMyTopics);
  const others = (topics ?? []).map((t) => t.name).filter((name) => name !== topic);
  const [into, setInto] = useState("");
  const { error, busy, run } = useTopicMove(onDone);
  const intoId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(
      async () => {
        if (!into) throw appError("INVALID_ARGUMENT", "Choose the topic to merge into.");
        return await mergeTopic({ topic, into });
      },
      (target) => `Merged “${topic}” into “${target}”`,
    );
  }

  return (
    <form onSubmit={submit} aria-label="Merge topic">
      <DialogHeader>
        <DialogTitle>Merge “{topic}” into another topic</DialogTitle>
        <DialogDescription>Its questions move to the topic you choose, and “{topic}” is removed.</DialogDescription>
      </DialogHeader>
      <div className="space-y-1.5">
        <Label htmlFor={intoId}>Merge into</Label>
        <select
          id={intoId}
          value={into}
          onChange={(event) => setInto(event.target.value)}
          className="h-9 w-full rounded-lg border border-input bg-background px-3 text-sm"
        >
          <option value="">{topics === undefined ? "Loading your topics…" : "Choose a topic"}</option>
          {others.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {topics !== undefined && others.length === 0 && (
          <p className="text-sm text-muted-foreground">You have no other topic to merge into.</p>
        )}
      </div>
      <TopicFormFooter error={error} busy={busy} submitLabel="Merge" onCancel={() => onDone()} />
    </form>
  );
}

function TopicFormFooter({
  error,
  busy,
  submitLabel,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      {error && (
        <p
          role="alert"
          className="mt-4 rounded-lg bg-destructive-soft px-3 py-2 text-sm text-destructive-soft-foreground"
        >
          {error}
        </p>
      )}
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {busy && <Spinner />} {submitLabel}
        </Button>
      </DialogFooter>
    </>
  );
}
