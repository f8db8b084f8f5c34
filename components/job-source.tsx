/**
 * Which of the learner's material a job writes from, and, while it runs, the
 * section it is on ("From “notes.pdf” · Section 3 of 12: “The Calvin cycle”,
 * pages 3–4"): on the task card and the job page.
 */
import { FileText } from "lucide-react";
import { placeLabel, sectionLabel } from "@/lib/jobs";
import type { JobSource } from "@/lib/validators";
import { cn } from "./ui/cn";

export function JobSourceLine({
  source,
  running,
  className,
}: {
  source: JobSource;
  /** Show the section it is on (a live job). */
  running: boolean;
  className?: string;
}) {
  const place = placeLabel(source);
  return (
    <p data-testid="job-source" className={cn("flex items-start gap-1.5 text-xs text-muted-foreground", className)}>
      <FileText aria-hidden="true" className="mt-px size-3.5 shrink-0" />
      <span className="min-w-0 break-words">
        From “{source.name}”
        {running && (
          <>
            {" · "}
            {sectionLabel(source)}
            {place && `: ${place}`}
          </>
        )}
      </span>
    </p>
  );
}
