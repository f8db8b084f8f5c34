/**
 * Starting a generation job, shared by the modal and the inline forms.
 *
 * - The prompt is checked with `validatePrompt`, the rule the server enforces.
 * - One idempotency key per submission: the same prompt re-sent before the
 *   form saw it succeed (double click, Enter twice, a retry after a dropped
 *   connection or after giving up, also from a form opened again) reuses the
 *   key, so the server makes one job; a new prompt, or the same one after the
 *   form saw its job start, gets a new key. The unanswered submission is kept
 *   outside the form (the modal unmounts its form when closed). A second call
 *   while one is in flight is ignored.
 * - Success toasts "Generation started" with an action to open the panel.
 *   A refusal comes back as a result for the form to show inline next to the
 *   prompt (with `retryAfterMs` for a rate limit), never as a throw. With no
 *   answer within `START_TIMEOUT_MS` it gives up (`reason: "timeout"`); if the
 *   request still goes through later (the client sends it once it
 *   reconnects), a toast says the job started, once, and `onLateStart` tells
 *   every mounted form, so one still showing that prompt closes as after a
 *   success.
 */
"use client";

import { useMutation } from "convex/react";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { appErrorCode, isAppError, userFacingMessage, type AppErrorCode } from "@/lib/errors";
import { validatePrompt } from "@/lib/prompt";
import { useAppShell } from "./use-app-shell";

export type CreateJobResult =
  | { ok: true; jobId: Id<"generationJobs"> }
  /** `message` belongs next to the field (a prompt the rule rejects). */
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "server"; code: AppErrorCode | null; message: string; retryAfterMs?: number }
  /** No answer within `START_TIMEOUT_MS`: the server is probably unreachable. */
  | { ok: false; reason: "timeout"; message: string }
  | { ok: false; reason: "busy" };

/** What a form shows when starting a job threw: a prompt refused (next to the field), or the server's refusal. */
export function refusedStart(error: unknown): CreateJobResult {
  const code = appErrorCode(error);
  const message = userFacingMessage(error);
  if (code === "INVALID_PROMPT") return { ok: false, reason: "invalid", message };
  const retryAfterMs = isAppError(error) ? error.data.retryAfterMs : undefined;
  return { ok: false, reason: "server", code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

/** A job that started after its form had given up waiting: the prompt it was made from, and its id. */
export type LateStart = { prompt: string; jobId: Id<"generationJobs"> };

export const TIMED_OUT = Symbol("timed out");

/** `request`'s answer, or `TIMED_OUT` if it has none within `START_TIMEOUT_MS` (it may still go through later). */
export async function answerInTime<T>(request: Promise<T>): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      request,
      new Promise<typeof TIMED_OUT>(
        (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), JOB_CONFIG.START_TIMEOUT_MS)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last submission no form has seen succeed: the same prompt sent again reuses its key. */
let unconfirmed: { prompt: string; key: string } | null = null;
/** Keys whose job start was already announced (a retried request answers twice). */
const announced = new Set<string>();
/** The mounted forms' `onLateStart`. */
const lateStartListeners = new Set<(start: LateStart) => boolean>();

export function useCreateJob({ onLateStart }: { onLateStart?: (start: LateStart) => boolean } = {}) {
  const createJob = useMutation(api.generationJobs.createJob);
  const { openTasksPanel } = useAppShell();
  const [isSubmitting, setIsSubmitting] = useState(false);
  const inFlight = useRef(false);
  const lateStart = useRef(onLateStart);
  useEffect(() => {
    lateStart.current = onLateStart;
  });
  useEffect(() => {
    const listener = (start: LateStart) => lateStart.current?.(start) ?? false;
    lateStartListeners.add(listener);
    return () => void lateStartListeners.delete(listener);
  }, []);

  function started() {
    toast.success("Generation started", {
      description: "Questions appear in My Questions as they're written.",
      action: { label: "View progress", onClick: () => openTasksPanel() },
    });
  }

  /** A request given up on went through: announce it once; a form still showing the prompt takes it as its success. */
  function startedLate(submission: { prompt: string; key: string }, jobId: Id<"generationJobs">) {
    if (announced.has(submission.key)) return;
    announced.add(submission.key);
    started();
    let taken = false;
    for (const listener of lateStartListeners) taken = listener({ prompt: submission.prompt, jobId }) || taken;
    if (taken && unconfirmed?.key === submission.key) unconfirmed = null;
  }

  async function submit(rawPrompt: string): Promise<CreateJobResult> {
    const checked = validatePrompt(rawPrompt);
    if (!checked.ok) return { ok: false, reason: "invalid", message: checked.message };
    if (inFlight.current) return { ok: false, reason: "busy" };

    if (unconfirmed?.prompt !== checked.prompt) {
      unconfirmed = { prompt: checked.prompt, key: crypto.randomUUID() };
    }
    const submission = unconfirmed;
    inFlight.current = true;
    setIsSubmitting(true);
    const request = createJob({ prompt: submission.prompt, idempotencyKey: submission.key });
    try {
      const jobId = await answerInTime(request);
      if (jobId === TIMED_OUT) {
        request.then(
          (lateJobId) => startedLate(submission, lateJobId),
          () => undefined,
        );
        return {
          ok: false,
          reason: "timeout",
          message: "Can't reach the server. Your prompt is kept; try again when the connection is back.",
        };
      }
      if (unconfirmed?.key === submission.key) unconfirmed = null;
      if (!announced.has(submission.key)) started();
      announced.add(submission.key);
      return { ok: true, jobId };
    } catch (error) {
      return refusedStart(error);
    } finally {
      inFlight.current = false;
      setIsSubmitting(false);
    }
  }

  return { submit, isSubmitting };
}
