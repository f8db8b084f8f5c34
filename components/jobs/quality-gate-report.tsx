/**
 * What the quality gate did in a job, on its page: how many questions it rewrote, skipped and
 * marked "Needs a look", and each rewritten or skipped question with its reasons and, when it
 * was rewritten, the question that took its place (the job keeps the latest `MAX_GATE_NOTES`).
 */
"use client";

import { ShieldCheck } from "lucide-react";
import type { GateNote, PublicJob } from "@/lib/validators";
import { gateCounts, plural } from "@/lib/jobs";
import { Badge } from "@/components/ui/badge";

export function QualityGateReport({ job }: { job: PublicJob }) {
  const gate = job.qualityGate;
  if (!gate) return null;
  const { rewritten, marked } = gateCounts(job);
  const listed = gate.notes.length;
  const total = gate.rewritten + gate.dropped;
  return (
    <section aria-labelledby="quality-gate-title" className="mt-6 rounded-xl border border-border bg-card px-4 py-3">
      <h2 id="quality-gate-title" className="flex items-center gap-2 font-semibold">
        <ShieldCheck aria-hidden="true" className="size-4 text-muted-foreground" />
        Quality check
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">
        {summary(rewritten, gate.dropped, marked)}
        {total > listed && ` The latest ${listed} are listed.`}
      </p>
      {listed > 0 && (
        <ul className="mt-3 space-y-3" aria-label="Rewritten and skipped questions">
          {gate.notes.map((note, index) => (
            <GateNoteItem key={index} note={note} />
          ))}
        </ul>
      )}
    </section>
  );
}

function GateNoteItem({ note }: { note: GateNote }) {
  const rewritten = note.outcome === "rewritten";
  return (
    <li className="rounded-lg bg-muted/50 px-3 py-2 text-sm">
      <div className="flex flex-wrap items-start gap-2">
        <Badge tone={rewritten ? "success" : "warning"}>{rewritten ? "Rewritten" : "Skipped"}</Badge>
        <p className="min-w-0 flex-1 font-medium break-words whitespace-pre-line">{note.question}</p>
      </div>
      <ul className="mt-1.5 list-disc space-y-0.5 pl-5 text-muted-foreground">
        {note.flaws.map((flaw) => (
          <li key={flaw.code}>{flaw.reason}</li>
        ))}
      </ul>
      {rewritten && note.replacement !== undefined && (
        <p className="mt-1.5 break-words">
          <span className="font-medium">Rewritten as:</span> {note.replacement}
        </p>
      )}
      {!rewritten && <p className="mt-1.5 text-muted-foreground">Not saved, and not replaced.</p>}
    </li>
  );
}

/** "2 questions rewritten and 1 skipped by the quality check (…). 3 saved questions need a look." */
function summary(rewritten: number, dropped: number, marked: number): string {
  const parts: string[] = [];
  if (rewritten > 0) parts.push(`${plural(rewritten, "question")} rewritten`);
  if (dropped > 0) parts.push(parts.length > 0 ? `${dropped} skipped` : `${plural(dropped, "question")} skipped`);
  const fixed =
    parts.length > 0
      ? `${parts.join(" and ")} by the quality check (flaws that make a question poor to learn, or a question you already have).`
      : "";
  const advice = marked > 0 ? ` ${plural(marked, "saved question")} ${marked === 1 ? "needs" : "need"} a look.` : "";
  return (fixed + advice).trim();
}
