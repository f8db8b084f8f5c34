/**
 * The signed-in app around every screen: navbar, sample-model notice, the
 * generation modal and the background tasks panel (both reachable from any
 * screen through `useAppShell`), job notifications and the server-away banner
 * (`ConnectionStatus`, which also tells every screen through `useServerStatus`).
 */
"use client";

import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { AppShellContext, type AppShellActions } from "@/hooks/use-app-shell";
import { useGenerateShortcut } from "@/hooks/use-generate-shortcut";
import { BackgroundTasksPanel } from "./background-tasks-panel";
import { ConnectionStatus } from "./connection-status";
import { GenerationModal } from "./generation-modal";
import { JobNotifications } from "./job-notifications";
import type { JobStatusFilter } from "@/lib/jobs";
import { Navbar } from "./navbar";
import { SampleModelNotice } from "./sample-model-notice";

type AppShellProps = { userMenu: ReactNode; children: ReactNode };

export function AppShell({ userMenu, children }: AppShellProps) {
  const [generateOpen, setGenerateOpen] = useState(false);
  const [prefill, setPrefill] = useState<{ text: string; nonce: number; sourceId?: string }>();
  const [panelOpen, setPanelOpen] = useState(false);
  const [panelFilter, setPanelFilter] = useState<JobStatusFilter>("all");

  // The modal and the panel are opened from many places (navbar, toasts,
  // empty states, the G key), not from a Radix trigger: remember what had
  // focus and give it back on close, as a trigger would; when nothing had it
  // (opened with G) or it is gone, focus goes to the page's content, never
  // to nowhere. A restored focus is marked `data-focus-restored` while it
  // happens, so a tooltip does not take it for the user arriving (navbar).
  const returnFocus = useRef<HTMLElement | null>(null);
  const rememberFocus = () => {
    const active = document.activeElement;
    returnFocus.current = active instanceof HTMLElement && active !== document.body ? active : null;
  };
  const restoreFocus = (event: Event) => {
    event.preventDefault();
    const target = returnFocus.current?.isConnected ? returnFocus.current : document.getElementById("main");
    if (!target) return;
    target.dataset.focusRestored = "";
    target.focus();
    delete target.dataset.focusRestored;
  };

  const actions = useMemo<AppShellActions>(
    () => ({
      openGenerate: (text, options) => {
        rememberFocus();
        if (text !== undefined || options?.sourceId !== undefined)
          setPrefill((current) => ({
            text: text ?? "",
            nonce: (current?.nonce ?? 0) + 1,
            ...(options?.sourceId !== undefined ? { sourceId: options.sourceId } : {}),
          }));
        setPanelOpen(false);
        setGenerateOpen(true);
      },
      openTasksPanel: (filter) => {
        rememberFocus();
        if (filter) setPanelFilter(filter);
        setGenerateOpen(false);
        setPanelOpen(true);
      },
    }),
    [],
  );
  const openGenerate = actions.openGenerate;
  useGenerateShortcut(useCallback(() => openGenerate(), [openGenerate]));

  return (
    <AppShellContext value={actions}>
      <ConnectionStatus>
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <Navbar
          onGenerate={() => actions.openGenerate()}
          onOpenTasks={() => actions.openTasksPanel()}
          userMenu={userMenu}
        />
        <SampleModelNotice />
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto w-full max-w-5xl flex-1 px-4 pt-6 pb-16 focus:outline-none sm:px-6 sm:pt-10"
        >
          {children}
        </main>
        <GenerationModal
          open={generateOpen}
          onOpenChange={setGenerateOpen}
          prefill={prefill}
          onCloseAutoFocus={restoreFocus}
        />
        <BackgroundTasksPanel
          onCloseAutoFocus={restoreFocus}
          open={panelOpen}
          onOpenChange={setPanelOpen}
          filter={panelFilter}
          onFilterChange={setPanelFilter}
        />
        <JobNotifications panelOpen={panelOpen} />
      </ConnectionStatus>
    </AppShellContext>
  );
}
