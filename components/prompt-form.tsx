/**
 * The prompt field and submit button shared by the generation modal and the
 * inline "generate" forms of the empty states: the seed's placeholder,
 * Cmd/Ctrl+Enter to submit, a live character count, and inline validation
 * with the rule the server enforces (`validatePrompt`).
 *
 * The prompt itself is owned by the caller, so it survives a failed submit.
 * Limits show before they bite: "2 of 3 running"; with all running, or while
 * the rate limit says wait (a countdown from `getStartAllowance` or the
 * refusal's `retryAfterMs`), the button is disabled and says why. A refusal
 * that still happens (a race), or a server that does not answer, is shown
 * inline next to the prompt, never only as a toast; if a submit given up on
 * goes through later, the form closes as after a success. When the server has no AI
 * model configured, it says so before submit and the button stays disabled (a
 * job would fail at once with MODEL_NOT_CONFIGURED).
 *
 * In the Generate modal (`withSource`), "Use your own material" adds a file,
 * pasted text or material stored before (`SourceField`) and a question count
 * (suggested from its length); the prompt then says what to focus on and may
 * stay empty, and the submit stores the material and starts a job over it
 * (`useCreateSourceJob`), its stage on the button ("Uploading your material…").
 */
"use client";

import { useQuery } from "convex/react";
import { Sparkles, TimerReset, TriangleAlert } from "lucide-react";
import { useId, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { useAppShell } from "@/hooks/use-app-shell";
import { useCreateJob } from "@/hooks/use-create-job";
import { useCreateSourceJob, type ChosenSource } from "@/hooks/use-create-source-job";
import { useIsMac } from "@/hooks/use-is-mac";
import { useNow } from "@/hooks/use-now";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { validatePrompt } from "@/lib/prompt";
import { suggestedQuestionCount } from "@/lib/sourcePlan";
import { codePointLength } from "@/lib/text";
import { countdownMs, formatClock } from "@/lib/timing";
import { relativeTime, tokenCount } from "./format";
import { SourceField } from "./source-field";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Spinner } from "./ui/spinner";
import { Textarea } from "./ui/textarea";

export const PROMPT_PLACEHOLDER =
  "What would you like to learn about? (e.g., 'NATO alphabet', 'React hooks', 'Periodic table')";
/** With the learner's material chosen, the prompt is optional: what to focus on. */
export const FOCUS_PLACEHOLDER = "What should the questions focus on? (optional)";

type PromptFormProps = {
  prompt: string;
  onPromptChange: (prompt: string) => void;
  /** Offer "Use your own material" beside the prompt (the Generate modal). */
  withSource?: boolean;
  /** Start with this stored material chosen ("More from this source"); a new `nonce` chooses again. */
  presetSource?: { sourceId: string; nonce: number };
  /** Called once the job exists (the modal closes, the inline form clears). */
  onCreated: (jobId: Id<"generationJobs">) => void;
  /** Id of the element that labels the field (a dialog title); otherwise a visible label is shown. */
  labelledBy?: string;
  label?: string;
  rows?: number;
  /** Extra controls on the left of the submit button (the modal's Cancel). */
  secondaryAction?: ReactNode;
  className?: string;
};

export function PromptForm({
  prompt,
  onPromptChange,
  withSource = false,
  presetSource,
  onCreated,
  labelledBy,
  label = "What do you want to learn?",
  rows = 4,
  secondaryAction,
  className,
}: PromptFormProps) {
  const fieldId = useId();
  const messageId = useId();
  const countId = useId();
  const isMac = useIsMac();
  const { submit, isSubmitting } = useCreateJob({
    // A submit this form gave up on went through after all: done, as if it had answered in time.
    onLateStart: ({ prompt: submitted, jobId }) => {
      const current = validatePrompt(prompt);
      if (!current.ok || current.prompt !== submitted) return false;
      setRefusal(null);
      setSubmitError(null);
      onCreated(jobId);
      return true;
    },
  });
  const sourceJob = useCreateSourceJob();
  const [chosen, setChosen] = useState<ChosenSource | null>(null);
  const [questionCount, setQuestionCount] = useState<number>(JOB_CONFIG.DEFAULT_QUESTIONS);
  const [countTouched, setCountTouched] = useState(false);
  // "More from this source": once the learner's material is listed, the preset one is chosen.
  const stored = useQuery(api.sources.listMySources, presetSource ? {} : "skip");
  const [appliedPreset, setAppliedPreset] = useState<number | undefined>(undefined);
  if (presetSource && stored && appliedPreset !== presetSource.nonce) {
    setAppliedPreset(presetSource.nonce);
    const source = stored.find((s) => s._id === presetSource.sourceId);
    if (source) choose({ kind: "stored", source });
  }
  function choose(next: ChosenSource | null) {
    setChosen(next);
    if (next && !countTouched) {
      setQuestionCount(suggestedQuestionCount(next.kind === "new" ? next.source.text.length : next.source.charCount));
    }
  }
  const countProblem =
    chosen &&
    (!Number.isInteger(questionCount) ||
      questionCount < JOB_CONFIG.MIN_QUESTIONS ||
      questionCount > JOB_CONFIG.MAX_QUESTIONS)
      ? `Ask for ${JOB_CONFIG.MIN_QUESTIONS} to ${JOB_CONFIG.MAX_QUESTIONS} questions.`
      : null;
  const busy = isSubmitting || sourceJob.stage !== null;
  const noModel = useQuery(api.generationJobs.getModelInfo) === null;
  const allowance = useQuery(api.admission.getStartAllowance);
  const usage = allowance?.tokensToday;
  const overBudget = usage != null && usage.usedTokens >= usage.budgetTokens;
  /** Set by a rejected submit; cleared as soon as the prompt changes. */
  const [submitError, setSubmitError] = useState<{ prompt: string; message: string } | null>(null);
  /** A refusal from the server or no answer at all: shown inline until the next submit. */
  const [refusal, setRefusal] = useState<{ message: string; code: string | null; until: number | null } | null>(null);
  const now = useNow(1000);
  const waitUntil = Math.max(allowance?.rateLimitedUntil ?? 0, refusal?.until ?? 0);
  const waitMs = now > 0 ? countdownMs(waitUntil, now) : 0;
  const atLimit = allowance != null && allowance.running >= allowance.maxRunning;
  const blocked = noModel || overBudget || atLimit || waitMs > 0;

  const length = codePointLength(prompt.trim());
  const overLimit = length > JOB_CONFIG.MAX_PROMPT_LENGTH;
  const nearLimit = !overLimit && length > JOB_CONFIG.MAX_PROMPT_LENGTH * 0.9;
  // Too long is said at once; too short only after a submit (an empty field is not an error yet).
  const liveCheck = validatePrompt(prompt);
  const error =
    submitError?.prompt === prompt
      ? submitError.message
      : overLimit && !liveCheck.ok
        ? liveCheck.message
        : countProblem;

  async function handleSubmit(event?: FormEvent) {
    event?.preventDefault();
    if (busy || blocked || countProblem) return;
    setRefusal(null);
    const result = chosen ? await sourceJob.submit(chosen, questionCount, prompt) : await submit(prompt);
    if (result.ok) {
      setSubmitError(null);
      setChosen(null);
      onCreated(result.jobId);
    } else if (result.reason === "invalid") {
      setSubmitError({ prompt, message: result.message });
    } else if (result.reason === "server") {
      const until = result.retryAfterMs !== undefined ? Date.now() + result.retryAfterMs : null;
      setRefusal({ message: result.message, code: result.code, until });
    } else if (result.reason === "timeout") {
      setRefusal({ message: result.message, code: null, until: null });
    }
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      void handleSubmit();
    }
  }

  return (
    <form onSubmit={(event) => void handleSubmit(event)} noValidate className={className}>
      {!labelledBy && (
        <label htmlFor={fieldId} className="mb-2 block text-sm font-medium">
          {label}
        </label>
      )}
      <Textarea
        id={fieldId}
        name="prompt"
        value={prompt}
        onChange={(event) => onPromptChange(event.target.value)}
        onKeyDown={handleKeyDown}
        placeholder={chosen ? FOCUS_PLACEHOLDER : PROMPT_PLACEHOLDER}
        rows={rows}
        aria-labelledby={labelledBy}
        aria-invalid={error !== null}
        aria-describedby={`${messageId} ${countId}`}
        className="min-h-28"
      />
      <div className="mt-2 flex items-start justify-between gap-3 text-xs">
        <p
          id={messageId}
          aria-live="polite"
          className={cn("min-h-4", error ? "text-destructive" : "text-muted-foreground")}
        >
          {error ?? (
            <span className="hidden sm:inline">
              <kbd className="font-sans">{isMac ? "⌘" : "Ctrl"}</kbd> + <kbd className="font-sans">Enter</kbd> to start
            </span>
          )}
        </p>
        <p
          id={countId}
          className={cn(
            "shrink-0 tabular-nums",
            overLimit
              ? "font-medium text-destructive"
              : nearLimit
                ? "text-warning-soft-foreground"
                : "text-muted-foreground",
          )}
        >
          <span className="sr-only">Characters used: </span>
          {length.toLocaleString("en-US")} / {JOB_CONFIG.MAX_PROMPT_LENGTH.toLocaleString("en-US")}
        </p>
      </div>
      {withSource && (
        <SourceField
          key={presetSource?.nonce}
          chosen={chosen}
          onChosenChange={choose}
          questionCount={questionCount}
          onQuestionCountChange={(count) => {
            setCountTouched(true);
            setQuestionCount(count);
          }}
          defaultOpen={presetSource !== undefined}
          disabled={busy}
        />
      )}
      {noModel && <NoModelNotice />}
      {!noModel && overBudget && <BudgetNotice resetsAt={usage.resetsAt} />}
      {!noModel && !overBudget && (
        <LimitNotice
          atLimit={atLimit}
          maxRunning={allowance?.maxRunning ?? JOB_CONFIG.MAX_CONCURRENT_PER_USER}
          waitMs={waitMs}
          refusal={refusal?.code === "BUDGET_EXCEEDED" || refusal?.until != null ? null : refusal}
        />
      )}
      <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:items-center sm:justify-end">
        {secondaryAction}
        <div className="mr-auto flex flex-col gap-0.5 text-xs text-muted-foreground">
          {allowance != null && (
            <p data-testid="running-count" className={cn(atLimit && "font-medium text-foreground")}>
              {allowance.running} of {allowance.maxRunning} running
            </p>
          )}
          {usage != null && !overBudget && (
            <p title="Tokens the AI service used for your generations today (UTC)">
              AI use today: {tokenCount(usage.usedTokens)} of {tokenCount(usage.budgetTokens)} tokens
            </p>
          )}
        </div>
        <Button type="submit" disabled={busy || blocked} aria-disabled={busy || blocked}>
          {busy ? <Spinner /> : waitMs > 0 ? <TimerReset aria-hidden="true" /> : <Sparkles aria-hidden="true" />}
          {sourceJob.stage?.stage === "uploading"
            ? `Uploading your material${sourceJob.stage.total > 1 ? ` (${sourceJob.stage.sent} of ${sourceJob.stage.total})` : ""}…`
            : busy
              ? "Starting…"
              : waitMs > 0
                ? `Try again in ${formatClock(waitMs)}`
                : "Generate questions"}
        </Button>
      </div>
    </form>
  );
}

type LimitNoticeProps = {
  atLimit: boolean;
  maxRunning: number;
  waitMs: number;
  refusal: { message: string; code: string | null } | null;
};

/** Why the form can't start a job right now, next to the prompt (which is kept). */
function LimitNotice({ atLimit, maxRunning, waitMs, refusal }: LimitNoticeProps) {
  const { openTasksPanel } = useAppShell();
  if (atLimit || refusal?.code === "CONCURRENCY_LIMIT") {
    return (
      <Notice>
        <strong className="font-semibold">All {maxRunning} generations are running.</strong> Wait for one to finish, or
        pause or cancel one; your prompt is kept.{" "}
        <button
          type="button"
          className="font-medium underline underline-offset-2"
          onClick={() => openTasksPanel("active")}
        >
          View tasks
        </button>
      </Notice>
    );
  }
  if (waitMs > 0) {
    return (
      <Notice>
        <strong className="font-semibold">You&apos;re starting generations quickly.</strong> The next one can start in{" "}
        <span className="tabular-nums">{formatClock(waitMs)}</span>; your prompt is kept.
      </Notice>
    );
  }
  if (refusal) return <Notice>{refusal.message}</Notice>;
  return null;
}

function Notice({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      data-testid="form-notice"
      className="mt-3 flex gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-soft-foreground"
    >
      <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>{children}</span>
    </p>
  );
}

function BudgetNotice({ resetsAt }: { resetsAt: number }) {
  const now = useNow(60_000);
  return (
    <p
      role="alert"
      className="mt-3 flex gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-soft-foreground"
    >
      <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>
        <strong className="font-semibold">You&apos;ve used today&apos;s AI budget.</strong> It resets at midnight UTC
        {now > 0 && <> ({relativeTime(resetsAt, now)})</>}; your prompt is kept until then.
      </span>
    </p>
  );
}

function NoModelNotice() {
  return (
    <p
      role="alert"
      className="mt-3 flex gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-soft-foreground"
    >
      <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>
        <strong className="font-semibold">No AI model is configured on the server,</strong> so questions can&apos;t be
        generated yet. Whoever runs the app needs to set{" "}
        <code className="font-mono text-xs">GOOGLE_GENERATIVE_AI_API_KEY</code> (or an OpenAI-compatible server) on the
        Convex deployment.
      </span>
    </p>
  );
}
