/**
 * Navbar button for the background tasks panel, with the live count of
 * active jobs. The count sits on top of the icon (absolutely positioned), so
 * it appears and disappears without moving anything; the button's accessible
 * name always says how many are running.
 */
"use client";

import { Activity } from "lucide-react";
import { useActiveJobs } from "@/hooks/use-active-jobs";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

export function backgroundTasksLabel(activeCount: number): string {
  if (activeCount === 0) return "Background tasks, none running";
  return `Background tasks, ${activeCount} running`;
}

export function BackgroundTasksBadge({ onOpenPanel }: { onOpenPanel: () => void }) {
  const { activeCount, hasActive } = useActiveJobs();
  const label = backgroundTasksLabel(activeCount);

  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={label} aria-haspopup="dialog" onClick={onOpenPanel}>
          <span className="relative inline-flex">
            <Activity
              aria-hidden="true"
              className={cn("size-5!", hasActive ? "text-primary" : "text-muted-foreground")}
            />
            <span
              aria-hidden="true"
              data-testid="active-jobs-count"
              className={cn(
                "absolute -top-2 -right-2.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-primary px-1 text-[10px] leading-none font-semibold text-primary-foreground tabular-nums ring-2 ring-background transition-[opacity,scale] duration-200",
                hasActive ? "scale-100 opacity-100" : "scale-50 opacity-0",
              )}
            >
              {activeCount > 0 ? activeCount : ""}
            </span>
            {hasActive && (
              <span
                aria-hidden="true"
                className="absolute -top-2 -right-2.5 size-4 animate-ping rounded-full bg-primary/40 [animation-iteration-count:2] motion-reduce:hidden"
              />
            )}
          </span>
        </Button>
      </TooltipTrigger>
      <TooltipContent>{hasActive ? `${activeCount} running` : "Background tasks"}</TooltipContent>
    </Tooltip>
  );
}
