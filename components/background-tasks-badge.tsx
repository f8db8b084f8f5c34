/**
 * Navbar button for the background tasks panel, with the live counts of
 * running jobs (top) and queued ones (bottom, muted). The counts sit on the
 * button's corner (absolutely positioned, outside it), so they appear and
 * disappear without moving anything; the button's accessible name always says
 * how many run and wait.
 */
"use client";

import { Activity } from "lucide-react";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

/** "2 running, 1 queued", "1 running", "none running". */
export function runningSummary(runningCount: number, queuedCount: number): string {
  const running = runningCount === 0 && queuedCount === 0 ? "none running" : `${runningCount} running`;
  return queuedCount > 0 ? `${running}, ${queuedCount} queued` : running;
}

export function backgroundTasksLabel(runningCount: number, queuedCount = 0): string {
  return `Background tasks, ${runningCount === 0 && queuedCount === 0 ? "none running" : runningSummary(runningCount, queuedCount)}`;
}

export function BackgroundTasksBadge({ onOpenPanel }: { onOpenPanel: () => void }) {
  const { runningCount, queuedCount, hasActive } = useActiveJobs();
  const label = backgroundTasksLabel(runningCount, queuedCount);
  const hasRunning = runningCount > 0;

  return (
    // The counts sit on the button's corner but outside it: text inside a button must be part of its
    // accessible name (axe's label-content-name-mismatch), and "1" and "2" side by side would read "12".
    <span className="relative inline-flex">
      <Tooltip>
        <TooltipTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={label} aria-haspopup="dialog" onClick={onOpenPanel}>
            <Activity
              aria-hidden="true"
              className={cn("size-5!", hasRunning ? "text-primary" : "text-muted-foreground")}
            />
          </Button>
        </TooltipTrigger>
        <TooltipContent>{hasActive ? runningSummary(runningCount, queuedCount) : "Background tasks"}</TooltipContent>
      </Tooltip>
      <span
        aria-hidden="true"
        data-testid="active-jobs-count"
        className={cn(
          "pointer-events-none absolute top-0 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-primary px-1 text-[10px] leading-none font-semibold text-primary-foreground tabular-nums ring-2 ring-background transition-[opacity,scale] duration-200",
          hasRunning ? "scale-100 opacity-100" : "scale-50 opacity-0",
        )}
      >
        {hasRunning ? runningCount : ""}
      </span>
      <span
        aria-hidden="true"
        data-testid="queued-jobs-count"
        className={cn(
          "pointer-events-none absolute -right-0.5 bottom-0 flex h-4 min-w-4 items-center justify-center rounded-full bg-muted px-1 text-[10px] leading-none font-semibold text-foreground tabular-nums ring-2 ring-background transition-[opacity,scale] duration-200",
          queuedCount > 0 ? "scale-100 opacity-100" : "scale-50 opacity-0",
        )}
      >
        {queuedCount > 0 ? queuedCount : ""}
      </span>
      {hasRunning && (
        <span
          aria-hidden="true"
          className="pointer-events-none absolute top-0 -right-0.5 size-4 animate-ping rounded-full bg-primary/40 [animation-iteration-count:2] motion-reduce:hidden"
        />
      )}
    </span>
  );
}
