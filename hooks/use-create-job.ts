/**
 * Starting a generation job, shared by the modal and the inline forms.
 *
 * - The prompt is checked with `validatePrompt`, the rule the server enforces.
 * - One idempotency key per submission: the same prompt re-sent before it
 *   succeeded (double click, Enter twice, a retry after a dropped connection)
 *   reuses the key, so the server makes one job; a new prompt or a new
 *   submission after a success gets a new key. A second call while one is in
 *   flight is ignored.
 * - Success toasts "Generation started" with an action to open the panel.
 *   A refusal comes back as a result for the form to show inline next to the
 *   prompt (with `retryAfterMs` for a rate limit), never as a throw. With no
 *   answer within `START_TIMEOUT_MS` it gives up (`reason: "timeout"`); if the
 *   request still goes through later, a toast says the job started.
 */
"use client";

import { useMutation } from "convex/react";
import { useRef, useState } from "react";
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

const TIMED_OUT = Symbol("timed out");

export function useCreateJob() {
  const createJob = useMutation(api.generationJobs.createJob);
  const { openTasksPanel } = useAppShell();
  const [isSubmitting, setIsSubmitting] = useState(false);
  const inFlight = useRef(false);
  const submission = useRef<{ prompt: string; key: string } | null>(null);

  function started() {
    toast.success("Generation started", {
      description: "Questions appear in My Questions as they're written.",
      action: { label: "View progress", onClick: () => openTasksPanel() },
    });
  }

  async function submit(rawPrompt: string): Promise<CreateJobResult> {
    const checked = validatePrompt(rawPrompt);
    if (!checked.ok) return { ok: false, reason: "invalid", message: checked.message };
    if (inFlight.current) return { ok: false, reason: "busy" };

    if (submission.current?.prompt !== checked.prompt) {
      submission.current = { prompt: checked.prompt, key: crypto.randomUUID() };
    }
    const current = submission.current;
    inFlight.current = true;
    setIsSubmitting(true);
    const request = createJob({ prompt: checked.prompt, idempotencyKey: current.key });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const jobId = await Promise.race([
        request,
        new Promise<typeof TIMED_OUT>(
          (resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), JOB_CONFIG.START_TIMEOUT_MS)),
        ),
      ]);
      if (jobId === TIMED_OUT) {
        // The client keeps the request and sends it once it reconnects: say so if it goes through.
        request.then(
          () => {
            if (submission.current === current) submission.current = null;
            started();
          },
          () => undefined,
        );
        return {
          ok: false,
          reason: "timeout",
          message: "Can't reach the server. Your prompt is kept; try again when the connection is back.",
        };
      }
      submission.current = null;
      started();
      return { ok: true, jobId };
    } catch (error) {
      const code = appErrorCode(error);
      const message = userFacingMessage(error);
      if (code === "INVALID_PROMPT") return { ok: false, reason: "invalid", message };
      const retryAfterMs = isAppError(error) ? error.data.retryAfterMs : undefined;
      return { ok: false, reason: "server", code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } finally {
      clearTimeout(timer);
      inFlight.current = false;
      setIsSubmitting(false);
    }
  }

  return { submit, isSubmitting };
}
