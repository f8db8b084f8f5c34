/**
 * Starting a generation job, shared by the modal and the inline forms.
 *
 * - The prompt is checked with `validatePrompt`, the rule the server enforces.
 * - One idempotency key per submission: the same prompt re-sent before it
 *   succeeded (double click, Enter twice, a retry after a dropped connection)
 *   reuses the key, so the server makes one job; a new prompt or a new
 *   submission after a success gets a new key. A second call while one is in
 *   flight is ignored.
 * - Success toasts "Generation started" with an action to open the panel;
 *   server errors toast in plain words. The caller keeps the typed prompt.
 */
"use client";

import { useMutation } from "convex/react";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { appErrorCode, userFacingMessage, type AppErrorCode } from "@/lib/errors";
import { validatePrompt } from "@/lib/prompt";
import { useAppShell } from "./use-app-shell";

export type CreateJobResult =
  | { ok: true; jobId: Id<"generationJobs"> }
  /** `message` belongs next to the field (a prompt the rule rejects). */
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "server"; code: AppErrorCode | null; message: string }
  | { ok: false; reason: "busy" };

const ERROR_TITLES: Partial<Record<AppErrorCode, string>> = {
  CONCURRENCY_LIMIT: "Too many generations running",
  RATE_LIMITED: "Slow down a little",
  BUDGET_EXCEEDED: "Today's AI budget is used up",
  INVALID_PROMPT: "That prompt won't work",
  UNAUTHENTICATED: "You're signed out",
};

export function useCreateJob() {
  const createJob = useMutation(api.generationJobs.createJob);
  const { openTasksPanel } = useAppShell();
  const [isSubmitting, setIsSubmitting] = useState(false);
  const inFlight = useRef(false);
  const submission = useRef<{ prompt: string; key: string } | null>(null);

  async function submit(rawPrompt: string): Promise<CreateJobResult> {
    const checked = validatePrompt(rawPrompt);
    if (!checked.ok) return { ok: false, reason: "invalid", message: checked.message };
    if (inFlight.current) return { ok: false, reason: "busy" };

    if (submission.current?.prompt !== checked.prompt) {
      submission.current = { prompt: checked.prompt, key: crypto.randomUUID() };
    }
    const idempotencyKey = submission.current.key;
    inFlight.current = true;
    setIsSubmitting(true);
    try {
      const jobId = await createJob({ prompt: checked.prompt, idempotencyKey });
      submission.current = null;
      toast.success("Generation started", {
        description: "Questions appear in My Questions as they're written.",
        action: { label: "View progress", onClick: () => openTasksPanel() },
      });
      return { ok: true, jobId };
    } catch (error) {
      const code = appErrorCode(error);
      const message = userFacingMessage(error);
      toast.error((code && ERROR_TITLES[code]) ?? "Couldn't start the generation", {
        description: message,
        ...(code === "CONCURRENCY_LIMIT"
          ? { action: { label: "View tasks", onClick: () => openTasksPanel("active") } }
          : code === "UNAUTHENTICATED"
            ? { action: { label: "Sign in", onClick: () => window.location.assign("/sign-in") } }
            : {}),
      });
      return code === "INVALID_PROMPT"
        ? { ok: false, reason: "invalid", message }
        : { ok: false, reason: "server", code, message };
    } finally {
      inFlight.current = false;
      setIsSubmitting(false);
    }
  }

  return { submit, isSubmitting };
}
