/**
 * Empty states with somewhere to go: "no questions yet" with an inline form
 * that starts a job, "all caught up" with when the next review is, and a
 * live note about generations still running.
 */
"use client";

import { CalendarCheck, ListChecks, Plus, Sparkles } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { useAppShell } from "@/hooks/use-app-shell";
import { jobProgress } from "@/lib/jobs";
import { clockTime, timeUntil } from "./format";
import { jobTitle } from "./job-status";
import { PromptForm } from "./prompt-form";
import { Button } from "./ui/button";
import { Progress } from "./ui/progress";

/** Starting points for a first generation (one click fills the prompt). */
const SUGGESTED_PROMPTS = ["NATO phonetic alphabet", "React hooks", "The periodic table: first 20 elements"];

export function NoQuestionsEmptyState({
  context,
  children,
}: {
  context: "review" | "my-questions";
  /** Other ways to start, under the form (My Questions: add a question, import a file). */
  children?: ReactNode;
}) {
  const [prompt, setPrompt] = useState("");
  const { hasActive } = useActiveJobs();

  return (
    <section aria-labelledby="no-questions-title" className="mx-auto max-w-xl py-6 sm:py-10">
      <div className="flex size-11 items-center justify-center rounded-xl bg-primary-soft text-primary-soft-foreground">
        <Sparkles aria-hidden="true" className="size-5" />
      </div>
      <h1 id="no-questions-title" className="mt-5 text-2xl font-semibold tracking-tight text-balance">
        {context === "review" ? "Nothing to review yet" : "No questions yet"}
      </h1>
      <p className="mt-2 leading-relaxed text-muted-foreground">
        Tell the app what you want to learn. It writes questions in the background; they show up here one by one, and
        you can keep studying while it works.
      </p>
      {hasActive ? (
        <>
          <ActiveGenerationsNote className="mt-6" />
          <GenerateSomethingElse />
        </>
      ) : (
        <div className="mt-6 rounded-2xl border border-border bg-card p-4 shadow-xs sm:p-5">
          <PromptForm prompt={prompt} onPromptChange={setPrompt} onCreated={() => setPrompt("")} rows={3} />
          <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-border pt-4">
            <span className="text-xs text-muted-foreground">Try:</span>
            {SUGGESTED_PROMPTS.map((suggestion) => (
              <button
                key={suggestion}
                type="button"
                onClick={() => setPrompt(suggestion)}
                className="rounded-full border border-border px-3 py-1 text-xs text-foreground transition-colors hover:bg-muted"
              >
                {suggestion}
              </button>
            ))}
          </div>
        </div>
      )}
      {children && <div className="mt-6">{children}</div>}
    </section>
  );
}

export function AllCaughtUpEmptyState({ nextDueAt, now }: { nextDueAt: number | null; now: number }) {
  const { openGenerate } = useAppShell();
  const { hasActive } = useActiveJobs();
  return (
    <section aria-labelledby="caught-up-title" className="mx-auto max-w-xl py-6 text-center sm:py-12">
      <div className="mx-auto flex size-11 items-center justify-center rounded-xl bg-success-soft text-success-soft-foreground">
        <CalendarCheck aria-hidden="true" className="size-5" />
      </div>
      <h1 id="caught-up-title" className="mt-5 text-2xl font-semibold tracking-tight">
        All caught up
      </h1>
      <p className="mt-2 leading-relaxed text-muted-foreground">
        {nextDueAt !== null && now > 0 ? (
          <>
            Nothing is due. The next question comes back in{" "}
            <span className="font-medium text-foreground">{timeUntil(nextDueAt, now)}</span>{" "}
            <span className="whitespace-nowrap">({clockTime(nextDueAt, now)}).</span>
          </>
        ) : (
          "Nothing is due right now."
        )}
      </p>
      {hasActive && <ActiveGenerationsNote className="mt-6 text-left" />}
      <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
        <Button onClick={() => openGenerate()}>
          <Plus aria-hidden="true" />
          Generate more
        </Button>
        <Button asChild variant="secondary">
          <Link href="/my-questions">
            <ListChecks aria-hidden="true" />
            Browse my questions
          </Link>
        </Button>
      </div>
    </section>
  );
}

function GenerateSomethingElse() {
  const { openGenerate } = useAppShell();
  return (
    <Button variant="secondary" className="mt-4" onClick={() => openGenerate()}>
      <Plus aria-hidden="true" />
      Generate something else
    </Button>
  );
}

/** "Writing questions on …": the running jobs, live, for screens that wait on them. */
export function ActiveGenerationsNote({ className }: { className?: string }) {
  const { activeJobs } = useActiveJobs();
  const { openTasksPanel } = useAppShell();
  if (activeJobs.length === 0) return null;
  return (
    <div className={className}>
      <div className="rounded-2xl border border-primary/25 bg-primary-soft/40 p-4">
        <p className="text-sm font-medium">
          Questions are on their way. They appear here as soon as each one is saved.
        </p>
        <ul className="mt-3 space-y-3">
          {activeJobs.map((job) => {
            const progress = jobProgress(job);
            return (
              <li key={job._id}>
                <p className="truncate text-sm text-muted-foreground">
                  <span className="text-foreground">{jobTitle(job)}</span> · {progress.label}
                </p>
                <Progress
                  className="mt-1.5"
                  value={progress.percent}
                  label={`Progress of ${jobTitle(job)}`}
                  valueText={progress.label}
                />
              </li>
            );
          })}
        </ul>
        <Button variant="link" size="sm" className="mt-2" onClick={() => openTasksPanel("active")}>
          Open background tasks
        </Button>
      </div>
    </div>
  );
}
