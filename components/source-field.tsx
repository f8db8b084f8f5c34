/**
 * "Use your own material" in the Generate form: beside the prompt, a file
 * (`.md`, `.txt`, `.pdf`) or pasted text (`SourceInput`: read in the browser,
 * refused inline before any upload), or material stored before ("more from
 * this source", which can also be deleted here), and how many questions to
 * spread over its sections. The form stores new material and starts the job on
 * submit (`useCreateSourceJob`).
 */
"use client";

import { useMutation, useQuery } from "convex/react";
import { BookOpen, Trash2, X } from "lucide-react";
import { useId, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { ChosenSource } from "@/hooks/use-create-source-job";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { userFacingMessage } from "@/lib/errors";
import { plural } from "@/lib/jobs";
import type { SourceSummary } from "@/lib/validators";
import { MaterialCard, Refusal, SOURCE_KIND_LABEL, SourceInput } from "./source-input";
import { Button } from "./ui/button";
import { Input } from "./ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./ui/select";

type SourceFieldProps = {
  chosen: ChosenSource | null;
  onChosenChange: (chosen: ChosenSource | null) => void;
  questionCount: number;
  onQuestionCountChange: (count: number) => void;
  /** Open from the start (material chosen elsewhere, e.g. "More from this source"). */
  defaultOpen?: boolean;
  disabled?: boolean;
};

const NEW = "new";

export function SourceField({
  chosen,
  onChosenChange,
  questionCount,
  onQuestionCountChange,
  defaultOpen = false,
  disabled = false,
}: SourceFieldProps) {
  const [open, setOpen] = useState(defaultOpen || chosen !== null);
  const stored = useQuery(api.sources.listMySources, open ? {} : "skip");
  const regionId = useId();
  const countId = useId();
  const countHintId = useId();

  if (!open) {
    return (
      <Button
        variant="secondary"
        size="sm"
        className="mt-3"
        aria-expanded={false}
        aria-controls={regionId}
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        <BookOpen aria-hidden="true" /> Use your own material
      </Button>
    );
  }

  const storedChoice = chosen?.kind === "stored" ? chosen.source : null;
  return (
    <section id={regionId} aria-label="Your material" className="mt-4 rounded-xl border border-border p-3 sm:p-4">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium">Your material</h3>
        <Button
          variant="ghost"
          size="sm"
          aria-expanded={true}
          disabled={disabled}
          onClick={() => {
            onChosenChange(null);
            setOpen(false);
          }}
        >
          <X aria-hidden="true" /> Don&apos;t use material
        </Button>
      </div>

      {stored !== undefined && stored.length > 0 && (
        <div className="mb-3">
          <Select
            value={storedChoice?._id ?? NEW}
            disabled={disabled}
            onValueChange={(value) => {
              const source = stored.find((s) => s._id === value);
              onChosenChange(source ? { kind: "stored", source } : null);
            }}
          >
            <SelectTrigger aria-label="More from material you added before">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={NEW}>New material: a file or pasted text</SelectItem>
              {stored.map((source) => (
                <SelectItem key={source._id} value={source._id}>
                  More from “{source.name}”
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      )}

      {storedChoice ? (
        <StoredSourceCard source={storedChoice} disabled={disabled} onDeleted={() => onChosenChange(null)} />
      ) : (
        <SourceInput
          disabled={disabled}
          onSourceChange={(source) => onChosenChange(source ? { kind: "new", source } : null)}
        />
      )}

      <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1">
        <label htmlFor={countId} className="text-sm font-medium">
          Questions
        </label>
        <Input
          id={countId}
          type="number"
          inputMode="numeric"
          min={JOB_CONFIG.MIN_QUESTIONS}
          max={JOB_CONFIG.MAX_QUESTIONS}
          value={questionCount}
          disabled={disabled}
          aria-describedby={countHintId}
          className="h-9 w-20"
          onChange={(event) => onQuestionCountChange(Number(event.target.value))}
        />
        <p id={countHintId} className="text-xs text-muted-foreground">
          {JOB_CONFIG.MIN_QUESTIONS}–{JOB_CONFIG.MAX_QUESTIONS}, spread over its sections; each one quotes its source.
        </p>
      </div>
    </section>
  );
}

/** Material stored before, chosen for "more from this source"; it can be deleted from here too. */
function StoredSourceCard({
  source,
  disabled,
  onDeleted,
}: {
  source: SourceSummary;
  disabled: boolean;
  onDeleted: () => void;
}) {
  const deleteSource = useMutation(api.sources.deleteSource);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const details = [
    SOURCE_KIND_LABEL[source.kind],
    source.pageCount !== undefined ? plural(source.pageCount, "page") : null,
    plural(source.sectionCount, "section"),
    `${source.charCount.toLocaleString("en-US")} characters`,
  ];

  async function remove() {
    setDeleting(true);
    setRefusal(null);
    try {
      await deleteSource({ sourceId: source._id });
      onDeleted();
    } catch (error) {
      setRefusal(userFacingMessage(error));
    } finally {
      setDeleting(false);
    }
  }

  return (
    <div>
      <MaterialCard
        testId="stored-source-card"
        name={source.name}
        details={details}
        action={
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label={`Delete ${source.name}`}
            disabled={disabled || deleting}
            onClick={() => void remove()}
          >
            <Trash2 aria-hidden="true" />
          </Button>
        }
      />
      {refusal && <Refusal message={refusal} />}
    </div>
  );
}
