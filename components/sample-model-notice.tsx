/**
 * Says plainly when new jobs run on the built-in offline sample model (no AI
 * key configured), so nobody mistakes its questions for real AI output, and
 * that questions from the learner's material are its own sentences, quoted.
 */
"use client";

import { useQuery } from "convex/react";
import { FlaskConical } from "lucide-react";
import { api } from "@/convex/_generated/api";

export function SampleModelNotice() {
  const model = useQuery(api.generationJobs.getModelInfo);
  if (model?.kind !== "sample") return null;
  return (
    // A landmark of its own (complementary), so no content sits outside one (axe `region`).
    <aside
      aria-label="Sample model"
      className="border-b border-warning/30 bg-warning-soft text-warning-soft-foreground"
    >
      <p className="mx-auto flex max-w-5xl items-start gap-2 px-4 py-2 text-[13px] leading-snug sm:items-center sm:px-6">
        <FlaskConical aria-hidden="true" className="mt-0.5 size-4 shrink-0 sm:mt-0" />
        <span>
          <strong className="font-semibold">Offline sample model:</strong> questions are sample data, not written by an
          AI. From your own material it builds them out of its sentences, each quoting the sentence it came from.
          <span className="hidden sm:inline">
            {" "}
            Set <code className="font-mono text-[12px]">GOOGLE_GENERATIVE_AI_API_KEY</code> for real ones.
          </span>
        </span>
      </p>
    </aside>
  );
}
