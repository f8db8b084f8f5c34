/**
 * Top navigation: app name, the three screens, "Generate", the live background
 * tasks badge and the user menu. On phones the screen links move to a second
 * row and "Generate" shrinks to its icon. The "Generate" tooltip shows its
 * shortcut (G) only where there is a keyboard-like pointer.
 */
"use client";

import { BrainCircuit, Plus } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { APP_NAME } from "./app-name";
import { BackgroundTasksBadge } from "./background-tasks-badge";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { GENERATE_SHORTCUT } from "@/hooks/use-generate-shortcut";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

const LINKS = [
  { href: "/", label: "Review" },
  { href: "/my-questions", label: "My Questions" },
  { href: "/statistics", label: "Statistics" },
] as const;

type NavbarProps = {
  onGenerate: () => void;
  onOpenTasks: () => void;
  userMenu: ReactNode;
};

export function Navbar({ onGenerate, onOpenTasks, userMenu }: NavbarProps) {
  const pathname = usePathname();
  const links = (
    <>
      {LINKS.map(({ href, label }) => {
        const current = href === "/" ? pathname === "/" : pathname.startsWith(href);
        return (
          <Link
            key={href}
            href={href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "inline-flex h-9 items-center rounded-lg px-3 text-sm font-medium transition-colors",
              current ? "bg-muted text-foreground" : "text-muted-foreground hover:bg-muted/60 hover:text-foreground",
            )}
          >
            {label}
          </Link>
        );
      })}
    </>
  );

  return (
    <header className="sticky top-0 z-40 border-b border-border bg-background/85 backdrop-blur supports-[backdrop-filter]:bg-background/70">
      <div className="mx-auto flex h-14 max-w-5xl items-center gap-2 px-4 sm:px-6">
        <Link href="/" className="mr-2 flex items-center gap-2 rounded-md font-semibold tracking-tight">
          <span className="flex size-7 items-center justify-center rounded-lg bg-primary text-primary-foreground">
            <BrainCircuit aria-hidden="true" className="size-4" />
          </span>
          {APP_NAME}
        </Link>
        <nav aria-label="Main" className="hidden items-center gap-1 sm:flex">
          {links}
        </nav>
        <div className="ml-auto flex items-center gap-1.5">
          <Tooltip>
            <TooltipTrigger asChild>
              <Button
                onClick={onGenerate}
                // The tooltip opens on focus only when the user moved focus here with the keyboard,
                // not when it comes back from the closing modal (`data-focus-restored`, app-shell).
                onFocus={(event) => {
                  const button = event.currentTarget;
                  if ("focusRestored" in button.dataset || !button.matches(":focus-visible")) event.preventDefault();
                }}
                size="sm"
                className="max-sm:size-9 max-sm:px-0"
                aria-label="Generate questions"
                aria-keyshortcuts={GENERATE_SHORTCUT.toUpperCase()}
              >
                <Plus aria-hidden="true" />
                <span className="max-sm:sr-only">Generate</span>
              </Button>
            </TooltipTrigger>
            <TooltipContent>
              Generate questions {/* No shortcut to advertise where there is no keyboard. */}
              <kbd className="ml-1 rounded border border-border px-1 font-sans pointer-coarse:hidden">
                {GENERATE_SHORTCUT.toUpperCase()}
              </kbd>
            </TooltipContent>
          </Tooltip>
          <BackgroundTasksBadge onOpenPanel={onOpenTasks} />
          {userMenu}
        </div>
      </div>
      <nav aria-label="Main" className="flex gap-1 border-t border-border px-3 py-1.5 sm:hidden">
        {links}
      </nav>
    </header>
  );
}
