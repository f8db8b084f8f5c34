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

/**
 * One idempotency key per submission, kept outside the forms (a modal unmounts its form when closed): the same
 * payload sent again before any form saw it succeed reuses its key; once one did, the next gets a new key. Each
 * key's job start is announced once (a request retried, or answered late, answers twice).
 */
export class SubmissionKeys {
  private unconfirmed: { payload: string; key: string } | null = null;
  private readonly announced = new Set<string>();

  /** The key for `payload`: the unconfirmed submission's if it is the same, else a new one. */
  keyFor(payload: string): string {
    if (this.unconfirmed?.payload !== payload) this.unconfirmed = { payload, key: crypto.randomUUID() };
    return this.unconfirmed.key;
  }

  /** A form saw `key`'s job start: the next submission gets a new key. */
  confirm(key: string): void {
    if (this.unconfirmed?.key === key) this.unconfirmed = null;
  }

  /** Whether `key`'s job start is to be announced now (the first time only). */
  firstAnnouncement(key: string): boolean {
    if (this.announced.has(key)) return false;
    this.announced.add(key);
    return true;
  }
}

/** Prompts' submissions, shared by every prompt form. */
const promptKeys = new SubmissionKeys();
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
    if (!promptKeys.firstAnnouncement(submission.key)) return;
    started();
    let taken = false;
    for (const listener of lateStartListeners) taken = listener({ prompt: submission.prompt, jobId }) || taken;
    if (taken) promptKeys.confirm(submission.key);
  }

  async function submit(rawPrompt: string): Promise<CreateJobResult> {
    const checked = validatePrompt(rawPrompt);
    if (!checked.ok) return { ok: false, reason: "invalid", message: checked.message };
    if (inFlight.current) return { ok: false, reason: "busy" };

    const submission = { prompt: checked.prompt, key: promptKeys.keyFor(checked.prompt) };
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
      promptKeys.confirm(submission.key);
      if (promptKeys.firstAnnouncement(submission.key)) started();
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
