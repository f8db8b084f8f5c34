/**
 * Import questions from a file: CSV (this app's export, or question, options, answer, explanation) or Anki's
 * "Notes in Plain Text" export. The file is read in the browser (`lib/importFile.ts`) and checked by the server
 * (`previewImport`) before anything is written: what will be added, the duplicates skipped, the rows that can't
 * be imported with their line. Then one transaction adds them all, or nothing.
 */
"use client";

import { useConvex, useMutation } from "convex/react";
import { FileUp } from "lucide-react";
import { useId, useRef, useState, type ChangeEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { appError, userFacingMessage } from "@/lib/errors";
import { parseImportFile, type ParsedImport } from "@/lib/importFile";
import { plural } from "@/lib/jobs";
import { checkTopicName } from "@/lib/topics";
import type { ImportReport } from "@/lib/validators";
import { useServerStatus } from "@/hooks/use-server-status";
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

const MB = 1024 * 1024;
/** Questions shown in the preview (the rest are counted). */
const PREVIEW_ROWS = 5;

type ImportDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** After an import: the topics its questions went to. */
  onImported?: (topics: string[]) => void;
};

export function ImportDialog({ open, onOpenChange, onImported }: ImportDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Import questions</DialogTitle>
          <DialogDescription>
            A CSV file (this app&apos;s export, or columns question, options, answer, explanation; options separated by
            |) or Anki&apos;s &ldquo;Notes in Plain Text&rdquo; export. Up to{" "}
            {JOB_CONFIG.MAX_IMPORT_QUESTIONS.toLocaleString("en")} questions per file; nothing is added until you
            confirm.
          </DialogDescription>
        </DialogHeader>
        {open && (
          <ImportForm
            onDone={(topics) => {
              onOpenChange(false);
              if (topics) onImported?.(topics);
            }}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

type Step =
  | { kind: "choose" }
  | { kind: "reading"; fileName: string }
  | { kind: "preview"; fileName: string; parsed: ParsedImport; report: ImportReport };

function ImportForm({ onDone }: { onDone: (topics?: string[]) => void }) {
  const convex = useConvex();
  const importQuestions = useMutation(api.addQuestions.importQuestions);
  const { away } = useServerStatus();
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [topic, setTopic] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const topicId = useId();

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    setError(null);
    if (file.size > JOB_CONFIG.MAX_IMPORT_FILE_BYTES) {
      setError(
        `This file is too large (at most ${JOB_CONFIG.MAX_IMPORT_FILE_BYTES / MB} MB). Split it and import each part.`,
      );
      return;
    }
    setStep({ kind: "reading", fileName: file.name });
    try {
      const parsed = parseImportFile(await file.text(), file.name);
      if ("error" in parsed) throw appError("INVALID_ARGUMENT", parsed.error);
      const report = await convex.query(api.addQuestions.previewImport, {
        rows: parsed.rows,
        topic: parsed.suggestedTopic,
      });
      setTopic(parsed.suggestedTopic);
      setStep({ kind: "preview", fileName: file.name, parsed, report });
    } catch (caught) {
      setError(userFacingMessage(caught));
      setStep({ kind: "choose" });
    }
  }

  async function confirm() {
    if (step.kind !== "preview") return;
    const checked = checkTopicName(topic);
    if ("problem" in checked) {
      setError(checked.problem);
      return;
    }
    setImporting(true);
    setError(null);
    try {
      const report = await importQuestions({ rows: step.parsed.rows, topic: checked.name });
      toast.success(`Imported ${plural(report.imported, "question")}`, {
        description: [
          report.duplicates > 0 ? `${plural(report.duplicates, "duplicate")} skipped` : "",
          report.invalid.length > 0 ? `${plural(report.invalid.length, "row")} couldn't be imported` : "",
        ]
          .filter(Boolean)
          .join(" · "),
      });
      onDone(report.topics);
    } catch (caught) {
      setError(userFacingMessage(caught));
    } finally {
      setImporting(false);
    }
  }

  const preview = step.kind === "preview" ? step : null;
  const problems = preview
    ? [...preview.parsed.problems, ...preview.report.invalid].sort((a, b) => a.line - b.line)
    : [];
  const skipped = new Set([...problems.map((p) => p.line), ...(preview?.report.duplicateLines ?? [])]);
  const toAdd = preview?.parsed.rows.filter((row) => !skipped.has(row.line)) ?? [];
  const needsTopic = toAdd.some((row) => row.topic === undefined);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant={preview ? "secondary" : "primary"}
          disabled={step.kind === "reading" || importing}
          onClick={() => fileInput.current?.click()}
        >
          <FileUp aria-hidden="true" /> {preview ? "Choose another file" : "Choose a file"}
        </Button>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
          hidden
          aria-label="File to import"
          onChange={(event) => void choose(event)}
        />
        {step.kind !== "choose" && <span className="min-w-0 truncate text-sm font-medium">{step.fileName}</span>}
      </div>

      {step.kind === "reading" && (
        <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground">
          <Spinner /> {away ? "Waiting for the server to check the questions…" : "Checking the questions…"}
        </p>
      )}

      {preview && (
        <section aria-label="Preview" className="space-y-4">
          <p role="status" className="text-sm">
            <strong className="font-semibold">{plural(preview.report.imported, "question")} to add</strong>
            {preview.report.duplicates > 0 && (
              <>
                {" "}
                · {plural(preview.report.duplicates, "duplicate")} skipped ({linesText(preview.report.duplicateLines)})
              </>
            )}
            {problems.length > 0 && <> · {plural(problems.length, "row")} can&apos;t be imported</>}
          </p>
          {preview.parsed.optionsFromOtherCards > 0 && (
            <p className="text-sm text-muted-foreground">
              {plural(preview.parsed.optionsFromOtherCards, "card")} had only an answer: each gets up to three other
              cards&apos; answers as its wrong options.
            </p>
          )}
          {needsTopic && (
            <div className="space-y-1.5">
              <Label htmlFor={topicId}>Topic for questions the file doesn&apos;t give one</Label>
              <Input id={topicId} value={topic} onChange={(event) => setTopic(event.target.value)} />
            </div>
          )}
          {toAdd.length > 0 && (
            <div className="overflow-x-auto rounded-lg border border-border">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">The first questions to add</caption>
                <thead className="bg-muted/60 text-xs text-muted-foreground">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Line
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Question
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Answer
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {toAdd.slice(0, PREVIEW_ROWS).map((row) => (
                    <tr key={row.line} className="border-t border-border align-top">
                      <td className="px-3 py-2 text-muted-foreground tabular-nums">{row.line}</td>
                      <td className="max-w-[22rem] px-3 py-2 break-words">{row.question.question}</td>
                      <td className="max-w-[12rem] px-3 py-2 break-words">{row.question.correctAnswer}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {toAdd.length > PREVIEW_ROWS && (
                <p className="border-t border-border px-3 py-2 text-xs text-muted-foreground">
                  and {plural(toAdd.length - PREVIEW_ROWS, "more question")}
                </p>
              )}
            </div>
          )}
          {problems.length > 0 && (
            <div>
              <h3 className="text-sm font-medium">Rows that can&apos;t be imported</h3>
              <ul className="mt-1.5 max-h-40 space-y-1 overflow-y-auto text-sm text-muted-foreground">
                {problems.map((problem, i) => (
                  <li key={`${problem.line}:${i}`}>
                    <span className="font-medium text-foreground">Line {problem.line}:</span> {problem.problem}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}

      {error && (
        <p role="alert" className="rounded-lg bg-destructive-soft px-3 py-2 text-sm text-destructive-soft-foreground">
          {error}
        </p>
      )}

      <DialogFooter>
        <Button variant="secondary" onClick={() => onDone()} disabled={importing}>
          Cancel
        </Button>
        <Button onClick={() => void confirm()} disabled={!preview || preview.report.imported === 0 || importing}>
          {importing && <Spinner />}{" "}
          {preview && preview.report.imported > 0 ? `Import ${plural(preview.report.imported, "question")}` : "Import"}
        </Button>
      </DialogFooter>
    </div>
  );
}

/** "line 4", "lines 3, 4", "lines 3, 4, 5, … (12)". */
function linesText(lines: readonly number[]): string {
  const shown = lines.slice(0, 8).join(", ");
  return `${lines.length === 1 ? "line" : "lines"} ${shown}${lines.length > 8 ? `, … (${lines.length})` : ""}`;
}
