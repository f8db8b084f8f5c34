/**
 * Starting a job over the learner's own material, from the Generate modal:
 * material just read in the browser is stored first (`uploadSource`: begin, its
 * chunks, finish; the same text again is found at once), then the job starts
 * (`createSourceJob`) with `questionCount` questions and, optionally, what to
 * focus on. Material stored before ("more from this source") starts at once.
 *
 * One idempotency key per submission, as in `useCreateJob`: the same
 * material, count and prompt sent again before the form saw it succeed reuse
 * the key, so the server makes one job. A refusal (a limit, the server's check
 * of the text) comes back as a result for the form to show inline; no answer
 * within `START_TIMEOUT_MS` once the material is stored is a timeout.
 */
"use client";

import { useMutation } from "convex/react";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { validatePrompt } from "@/lib/prompt";
import { sourceContentHash, uploadSource, type ExtractedSource } from "@/lib/sources";
import type { SourceSummary } from "@/lib/validators";
import { refusedStart, type CreateJobResult } from "./use-create-job";
import { useAppShell } from "./use-app-shell";

/** The material a job is asked over: read just now (stored on submit), or stored before. */
export type ChosenSource = { kind: "new"; source: ExtractedSource } | { kind: "stored"; source: SourceSummary };

/** Where a submission is: storing the material (chunks sent of all), or starting the job. */
export type SourceJobStage = { stage: "uploading"; sent: number; total: number } | { stage: "starting" } | null;

const TIMED_OUT = Symbol("timed out");

export function useCreateSourceJob() {
  const begin = useMutation(api.sources.beginSource);
  const append = useMutation(api.sources.appendSourceChunks);
  const finish = useMutation(api.sources.finishSource);
  const createSourceJob = useMutation(api.generationJobs.createSourceJob);
  const { openTasksPanel } = useAppShell();
  const [stage, setStage] = useState<SourceJobStage>(null);
  const inFlight = useRef(false);
  /** The last submission not seen to succeed: sent again, it reuses its key. */
  const unconfirmed = useRef<{ payload: string; key: string } | null>(null);

  async function submit(chosen: ChosenSource, questionCount: number, rawPrompt: string): Promise<CreateJobResult> {
    const focus = rawPrompt.trim() === "" ? null : validatePrompt(rawPrompt);
    if (focus && !focus.ok) return { ok: false, reason: "invalid", message: focus.message };
    if (inFlight.current) return { ok: false, reason: "busy" };
    inFlight.current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      let sourceId: Id<"sources">;
      if (chosen.kind === "stored") sourceId = chosen.source._id;
      else {
        setStage({ stage: "uploading", sent: 0, total: 1 });
        const stored = await uploadSource({ begin, append, finish }, chosen.source, (sent, total) =>
          setStage({ stage: "uploading", sent, total }),
        );
        sourceId = stored.sourceId;
      }
      setStage({ stage: "starting" });
      const prompt = focus?.ok ? focus.prompt : undefined;
      const payload = JSON.stringify([
        chosen.kind === "stored" ? chosen.source.contentHash : sourceContentHash(chosen.source.text),
        questionCount,
        prompt ?? "",
      ]);
      if (unconfirmed.current?.payload !== payload) unconfirmed.current = { payload, key: crypto.randomUUID() };
      const { key } = unconfirmed.current;
      const request = createSourceJob({
        sourceId,
        questionCount,
        idempotencyKey: key,
        ...(prompt !== undefined ? { prompt } : {}),
      });
      const jobId = await Promise.race([
        request,
        new Promise<typeof TIMED_OUT>(
          (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), JOB_CONFIG.START_TIMEOUT_MS)),
        ),
      ]);
      if (jobId === TIMED_OUT) {
        request.catch(() => undefined);
        return {
          ok: false,
          reason: "timeout",
          message: "Can't reach the server. Your material is kept; try again when the connection is back.",
        };
      }
      unconfirmed.current = null;
      toast.success("Generation started", {
        description: "Questions from your material appear in My Questions as they're written, section by section.",
        action: { label: "View progress", onClick: () => openTasksPanel() },
      });
      return { ok: true, jobId };
    } catch (error) {
      return refusedStart(error);
    } finally {
      clearTimeout(timer);
      inFlight.current = false;
      setStage(null);
    }
  }

  return { submit, stage };
}
