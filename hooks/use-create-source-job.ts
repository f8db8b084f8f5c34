/**
 * Starting a job over the learner's own material, from the Generate modal:
 * material just read in the browser is stored first (`uploadSource`: begin, its
 * chunks, finish; the same text again is found at once), then the job starts
 * (`createSourceJob`) with `questionCount` questions and, optionally, what to
 * focus on. Material stored before ("more from this source") starts at once.
 *
 * One idempotency key per submission, as in `useCreateJob`: the same
 * material, count and prompt sent again before the form saw it succeed reuse
 * the key, so the server makes one job. The key is kept outside the form (the
 * modal unmounts it when closed), so a retry from a form opened again reuses
 * it too. A refusal (a limit, the server's check of the text) comes back as a
 * result for the form to show inline; no answer within `START_TIMEOUT_MS` once
 * the material is stored is a timeout, and a job that starts later is
 * announced once.
 */
"use client";

import { useMutation } from "convex/react";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { validatePrompt } from "@/lib/prompt";
import { sourceContentHash, uploadSource, type ExtractedSource } from "@/lib/sources";
import type { SourceSummary } from "@/lib/validators";
import { answerInTime, refusedStart, SubmissionKeys, TIMED_OUT, type CreateJobResult } from "./use-create-job";
import { useAppShell } from "./use-app-shell";

/** The material a job is asked over: read just now (stored on submit), or stored before. */
export type ChosenSource = { kind: "new"; source: ExtractedSource } | { kind: "stored"; source: SourceSummary };

/** Where a submission is: storing the material (chunks sent of all), or starting the job. */
export type SourceJobStage = { stage: "uploading"; sent: number; total: number } | { stage: "starting" } | null;

/** Submissions of material (what, how many, the focus), shared by every form. */
const materialKeys = new SubmissionKeys();

export function useCreateSourceJob() {
  const begin = useMutation(api.sources.beginSource);
  const append = useMutation(api.sources.appendSourceChunks);
  const finish = useMutation(api.sources.finishSource);
  const createSourceJob = useMutation(api.generationJobs.createSourceJob);
  const { openTasksPanel } = useAppShell();
  const [stage, setStage] = useState<SourceJobStage>(null);
  const inFlight = useRef(false);

  function started(key: string) {
    if (!materialKeys.firstAnnouncement(key)) return;
    toast.success("Generation started", {
      description: "Questions from your material appear in My Questions as they're written, section by section.",
      action: { label: "View progress", onClick: () => openTasksPanel() },
    });
  }

  async function submit(chosen: ChosenSource, questionCount: number, rawPrompt: string): Promise<CreateJobResult> {
    const focus = rawPrompt.trim() === "" ? null : validatePrompt(rawPrompt);
    if (focus && !focus.ok) return { ok: false, reason: "invalid", message: focus.message };
    if (inFlight.current) return { ok: false, reason: "busy" };
    inFlight.current = true;
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
      const key = materialKeys.keyFor(payload);
      const request = createSourceJob({
        sourceId,
        questionCount,
        idempotencyKey: key,
        ...(prompt !== undefined ? { prompt } : {}),
      });
      const jobId = await answerInTime(request);
      if (jobId === TIMED_OUT) {
        request.then(
          () => started(key),
          () => undefined,
        );
        return {
          ok: false,
          reason: "timeout",
          message: "Can't reach the server. Your material is kept; try again when the connection is back.",
        };
      }
      materialKeys.confirm(key);
      started(key);
      return { ok: true, jobId };
    } catch (error) {
      return refusedStart(error);
    } finally {
      inFlight.current = false;
      setStage(null);
    }
  }

  return { submit, stage };
}
