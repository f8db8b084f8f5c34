/**
 * The background tasks panel: a right-side sheet (full width on phones) with
 * the 20 most recent jobs, active (and paused) ones first, filterable by
 * status, each as a live `GenerationTaskCard`. A card whose job leaves the
 * tab's status while the tab is open (retried in Failed, finished in Active)
 * stays, with its new state, until the user leaves the tab, so nothing
 * vanishes under the pointer or the keyboard focus.
 */
"use client";

import { useQuery } from "convex/react";
import { useState } from "react";
import { Sparkles } from "lucide-react";
import { api } from "@/convex/_generated/api";
import type { PublicJob } from "@/lib/validators";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { useAppShell } from "@/hooks/use-app-shell";
import { JOB_CONFIG } from "@/lib/constants/jobs";
import { isActiveStatus } from "@/lib/jobs";
import { GenerationTaskCard } from "./generation-task-card";
import type { JobStatusFilter } from "@/lib/jobs";
import { Button } from "./ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "./ui/sheet";
import { Skeleton } from "./ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "./ui/tabs";

type BackgroundTasksPanelProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  filter: JobStatusFilter;
  onFilterChange: (filter: JobStatusFilter) => void;
  /** Where focus goes on close (the panel has no Radix trigger to return to). */
  onCloseAutoFocus?: (event: Event) => void;
};

const FILTERS: { value: JobStatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "completed", label: "Done" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

export function BackgroundTasksPanel({
  open,
  onOpenChange,
  filter,
  onFilterChange,
  onCloseAutoFocus,
}: BackgroundTasksPanelProps) {
  const { activeCount } = useActiveJobs();
  const close = () => onOpenChange(false);

  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent onCloseAutoFocus={onCloseAutoFocus}>
        <SheetHeader>
          <SheetTitle>Background tasks</SheetTitle>
          <SheetDescription>Generations keep running while you study, even if you close this panel.</SheetDescription>
        </SheetHeader>
        <Tabs
          value={filter}
          onValueChange={(value) => onFilterChange(value as JobStatusFilter)}
          className="flex min-h-0 flex-1 flex-col"
        >
          <div className="overflow-x-auto px-5 pt-4">
            <TabsList aria-label="Show tasks">
              {FILTERS.map(({ value, label }) => (
                <TabsTrigger key={value} value={value}>
                  {label}
                  {value === "active" && activeCount > 0 && (
                    <span className="rounded-full bg-primary px-1.5 text-[11px] leading-4 font-semibold text-primary-foreground tabular-nums">
                      {activeCount}
                    </span>
                  )}
                </TabsTrigger>
              ))}
            </TabsList>
          </div>
          {FILTERS.map(({ value }) => (
            <TabsContent key={value} value={value} className="min-h-0 flex-1 overflow-y-auto px-5 pt-4 pb-6">
              <JobList filter={value} onNavigate={close} />
            </TabsContent>
          ))}
        </Tabs>
        <p className="border-t border-border px-5 py-3 text-xs text-muted-foreground">
          Finished tasks are kept for {JOB_CONFIG.COMPLETED_JOB_RETENTION_DAYS} days, failed ones for{" "}
          {JOB_CONFIG.FAILED_JOB_RETENTION_DAYS}. Their questions stay in My Questions.
        </p>
      </SheetContent>
    </Sheet>
  );
}

/** The jobs of one filter; only the visible tab is mounted, so only it subscribes. */
function JobList({ filter, onNavigate }: { filter: JobStatusFilter; onNavigate: () => void }) {
  const { jobs: recent, activeJobs, isLoading, isLoadingJobs } = useActiveJobs();
  const finished = useQuery(
    api.generationJobs.getRecentJobs,
    filter === "all" || filter === "active" ? "skip" : { limit: JOB_CONFIG.RECENT_JOBS_DEFAULT_LIMIT, status: filter },
  );

  const listed = filter === "all" ? recent : filter === "active" ? activeJobs : finished;
  const loading = filter === "all" ? isLoadingJobs : filter === "active" ? isLoading : finished === undefined;
  const jobs = useStayingJobs(loading ? undefined : listed, recent);
  if (loading || jobs === undefined) return <JobListSkeleton />;
  if (jobs.length === 0) return <EmptyJobList filter={filter} onNavigate={onNavigate} />;

  if (filter !== "all") return <JobCards jobs={jobs} onNavigate={onNavigate} />;
  const inProgress = (job: PublicJob) => isActiveStatus(job.status) || job.status === "paused";
  const active = jobs.filter(inProgress);
  const rest = jobs.filter((job) => !inProgress(job));
  return (
    <div className="space-y-6">
      {active.length > 0 && (
        <section aria-labelledby="tasks-in-progress">
          <h3
            id="tasks-in-progress"
            className="mb-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase"
          >
            In progress
          </h3>
          <JobCards jobs={active} onNavigate={onNavigate} grouped />
        </section>
      )}
      {rest.length > 0 && (
        <section aria-labelledby="tasks-recent">
          <h3 id="tasks-recent" className="mb-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            Recent
          </h3>
          <JobCards jobs={rest} onNavigate={onNavigate} grouped />
        </section>
      )}
    </div>
  );
}

/**
 * `listed`, plus the jobs it showed earlier in this mount that have left it
 * since (their live state taken from `recent`), newest first.
 */
function useStayingJobs(listed: PublicJob[] | undefined, recent: PublicJob[]): PublicJob[] | undefined {
  const [seen, setSeen] = useState<ReadonlyMap<string, PublicJob>>(new Map());
  if (listed !== undefined && listed.some((job) => seen.get(job._id) !== job)) {
    // Adjusting state while rendering: remember what was shown (React re-renders at once).
    setSeen(new Map([...seen, ...listed.map((job) => [job._id, job] as const)]));
  }
  if (listed === undefined) return undefined;
  const ids = new Set(listed.map((job) => job._id));
  const departed = [...seen.values()]
    .filter((job) => !ids.has(job._id))
    .map((job) => recent.find((r) => r._id === job._id) ?? job);
  return departed.length === 0 ? listed : [...listed, ...departed].sort((a, b) => b.createdAt - a.createdAt);
}

type JobCardsProps = { jobs: PublicJob[]; onNavigate: () => void; grouped?: boolean };

function JobCards({ jobs, onNavigate, grouped = false }: JobCardsProps) {
  return (
    <ul className="space-y-3">
      {jobs.map((job) => (
        <li key={job._id}>
          <GenerationTaskCard job={job} onNavigate={onNavigate} headingLevel={grouped ? 4 : 3} />
        </li>
      ))}
    </ul>
  );
}

const EMPTY_TEXT: Record<JobStatusFilter, string> = {
  all: "Nothing yet. Start a generation and follow it here.",
  active: "Nothing is running right now.",
  completed: "No finished generations in the last week.",
  failed: "No failed generations. Good.",
  cancelled: "No cancelled generations.",
  paused: "No paused generations.",
};

function EmptyJobList({ filter, onNavigate }: { filter: JobStatusFilter; onNavigate: () => void }) {
  const { openGenerate } = useAppShell();
  return (
    <div className="flex flex-col items-center rounded-xl border border-dashed border-border px-6 py-10 text-center">
      <Sparkles aria-hidden="true" className="size-6 text-muted-foreground" />
      <p className="mt-3 text-sm text-muted-foreground">{EMPTY_TEXT[filter]}</p>
      {(filter === "all" || filter === "active") && (
        <Button
          className="mt-4"
          size="sm"
          onClick={() => {
            onNavigate();
            openGenerate();
          }}
        >
          Generate questions
        </Button>
      )}
    </div>
  );
}

function JobListSkeleton() {
  return (
    <div className="space-y-3" role="status" aria-label="Loading tasks">
      {[0, 1, 2].map((i) => (
        <div key={i} className="rounded-xl border border-border p-4">
          <Skeleton className="h-4 w-20" />
          <Skeleton className="mt-3 h-4 w-3/4" />
          <Skeleton className="mt-3 h-1.5 w-full" />
        </div>
      ))}
    </div>
  );
}
