/**
 * The learner's own material for a job: drop or choose a `.md`, `.txt` or `.pdf`
 * file, or paste text. The text is read in the browser (`useSourceFile`); what
 * was read shows as a card (name, kind, pages, size, characters), and a file or
 * text that cannot be used is refused inline, before anything is uploaded.
 *
 * Self-contained: the caller hears of the usable source through
 * `onSourceChange` (null while there is none) and uploads it on submit.
 */
"use client";

import { ClipboardPaste, FileText, FileUp, TriangleAlert, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type DragEvent, type ReactNode } from "react";
import { useSourceFile, type SourceFileState } from "@/hooks/use-source-file";
import { SOURCE_CONFIG } from "@/lib/constants/sources";
import { ACCEPTED_SOURCE_FILES, formatBytes, type ExtractedSource } from "@/lib/sources";
import { plural } from "@/lib/jobs";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Spinner } from "./ui/spinner";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "./ui/tabs";
import { Textarea } from "./ui/textarea";

type SourceInputProps = {
  /** Called with the usable source whenever it changes (null: none, or the current one was refused). */
  onSourceChange: (source: ExtractedSource | null) => void;
  disabled?: boolean;
  className?: string;
};

type Mode = "file" | "paste";

export const SOURCE_KIND_LABEL: Record<ExtractedSource["kind"], string> = {
  markdown: "Markdown",
  text: "Text",
  pdf: "PDF",
};
const count = (n: number) => n.toLocaleString("en-US");

export function SourceInput({ onSourceChange, disabled = false, className }: SourceInputProps) {
  const [mode, setMode] = useState<Mode>("file");
  const file = useSourceFile();
  const paste = useSourceFile();
  const active = mode === "file" ? file.state : paste.state;
  const source = active.status === "ready" ? active.source : null;

  const report = useRef(onSourceChange);
  useEffect(() => {
    report.current = onSourceChange;
  });
  useEffect(() => {
    report.current(source);
  }, [source]);

  return (
    <Tabs value={mode} onValueChange={(value) => setMode(value as Mode)} className={className}>
      <TabsList aria-label="Add your material">
        <TabsTrigger value="file" disabled={disabled}>
          <FileUp aria-hidden="true" className="size-3.5" /> File
        </TabsTrigger>
        <TabsTrigger value="paste" disabled={disabled}>
          <ClipboardPaste aria-hidden="true" className="size-3.5" /> Paste text
        </TabsTrigger>
      </TabsList>
      <TabsContent value="file" className="mt-3">
        <FilePicker state={file.state} onFile={(f) => void file.readFile(f)} onClear={file.clear} disabled={disabled} />
      </TabsContent>
      <TabsContent value="paste" className="mt-3">
        <PasteBox state={paste.state} onText={paste.readText} onClear={paste.clear} disabled={disabled} />
      </TabsContent>
    </Tabs>
  );
}

/** What each tab gets: its own reading of the source, and clearing it. */
type TabProps = { state: SourceFileState; onClear: () => void; disabled: boolean };

function FilePicker({ state, onFile, onClear, disabled }: TabProps & { onFile: (file: File) => void }) {
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  function handleDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped && !disabled) onFile(dropped);
  }

  if (state.status === "ready") return <SourceCard source={state.source} onRemove={onClear} disabled={disabled} />;

  return (
    <div>
      <div
        data-testid="source-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={handleDrop}
        className={cn(
          "flex flex-col items-center gap-2 rounded-lg border border-dashed border-border px-4 py-6 text-center transition-colors",
          dragging && "border-primary bg-primary/5",
        )}
      >
        {state.status === "reading" ? (
          <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
            <Spinner /> Reading {state.fileName}…
          </p>
        ) : (
          <>
            <p className="text-sm text-muted-foreground">Drop a file here, or</p>
            <label htmlFor={inputId} className="sr-only">
              Choose a file
            </label>
            <input
              ref={input}
              id={inputId}
              type="file"
              accept={ACCEPTED_SOURCE_FILES}
              className="sr-only"
              tabIndex={-1}
              disabled={disabled}
              aria-describedby={hintId}
              onChange={(event) => {
                const chosen = event.target.files?.[0];
                event.target.value = "";
                if (chosen) onFile(chosen);
              }}
            />
            <Button variant="secondary" size="sm" disabled={disabled} onClick={() => input.current?.click()}>
              <FileUp aria-hidden="true" /> Choose a file
            </Button>
          </>
        )}
        <p id={hintId} className="text-xs text-muted-foreground">
          Markdown (.md), text (.txt) or PDF with selectable text, up to {count(SOURCE_CONFIG.MAX_SOURCE_CHARS)}{" "}
          characters (about 150 pages).
        </p>
      </div>
      {state.status === "refused" && <Refusal message={state.refusal.message} fileName={state.fileName} />}
    </div>
  );
}

function PasteBox({ state, onText, onClear, disabled }: TabProps & { onText: (text: string) => void }) {
  const fieldId = useId();
  const messageId = useId();
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const length = text.trim().length;
  // Too long is said at once; too short or empty only once the learner has left the field.
  const refusal =
    state.status === "refused" && (touched || state.refusal.code === "TOO_LONG") && length > 0 ? state.refusal : null;

  return (
    <div>
      <label htmlFor={fieldId} className="mb-2 block text-sm font-medium">
        Paste your notes
      </label>
      <Textarea
        id={fieldId}
        value={text}
        rows={6}
        disabled={disabled}
        placeholder="Lecture notes, a chapter, an article…"
        aria-invalid={refusal !== null}
        aria-describedby={messageId}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() === "") onClear();
          else onText(event.target.value);
        }}
        onBlur={() => setTouched(true)}
        className="min-h-32"
      />
      <p id={messageId} className="mt-2 text-xs text-muted-foreground tabular-nums">
        {count(length)} / {count(SOURCE_CONFIG.MAX_SOURCE_CHARS)} characters
        {state.status === "ready" && ` · ${SOURCE_KIND_LABEL[state.source.kind]}`}
      </p>
      {refusal && <Refusal message={refusal.message} />}
    </div>
  );
}

function SourceCard({
  source,
  onRemove,
  disabled,
}: {
  source: ExtractedSource;
  onRemove: () => void;
  disabled: boolean;
}) {
  const details = [
    SOURCE_KIND_LABEL[source.kind],
    source.pageCount !== undefined ? plural(source.pageCount, "page") : null,
    source.fileBytes !== undefined ? formatBytes(source.fileBytes) : null,
    `${count(source.text.length)} characters`,
  ];
  return (
    <MaterialCard
      testId="source-card"
      name={source.name}
      details={details}
      action={
        <Button
          variant="ghost"
          size="icon-sm"
          aria-label={`Remove ${source.name}`}
          onClick={onRemove}
          disabled={disabled}
        >
          <X aria-hidden="true" />
        </Button>
      }
    >
      {source.pagesWithoutText ? (
        <p className="mt-1 text-xs text-warning-soft-foreground">
          {plural(source.pagesWithoutText, "page")} had no text (pictures only) and{" "}
          {source.pagesWithoutText === 1 ? "was" : "were"} skipped.
        </p>
      ) : null}
    </MaterialCard>
  );
}

/** A learner's material as a card: its name, what it is (kind, pages, size...), a note, and one action. */
export function MaterialCard({
  testId,
  name,
  details,
  action,
  children,
}: {
  testId: string;
  name: string;
  details: readonly (string | null)[];
  action: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div data-testid={testId} className="flex items-start gap-3 rounded-lg border border-border bg-card px-3 py-2.5">
      <FileText aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-muted-foreground" />
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" title={name}>
          {name}
        </p>
        <p className="text-xs text-muted-foreground">{details.filter((detail) => detail !== null).join(" · ")}</p>
        {children}
      </div>
      {action}
    </div>
  );
}

/** A refusal, inline (a file or text that cannot be used, a delete refused). */
export function Refusal({ message, fileName }: { message: string; fileName?: string }) {
  return (
    <p
      role="alert"
      className="mt-3 flex gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-soft-foreground"
    >
      <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>
        {fileName && !message.includes(fileName) && <strong className="font-semibold">{fileName}: </strong>}
        {message}
      </span>
    </p>
  );
}
