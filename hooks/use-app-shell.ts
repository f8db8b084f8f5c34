/**
 * What any screen may ask of the app shell: open the generation modal
 * (optionally with a prompt filled in, or the learner's stored material
 * chosen: "More from this source") or the background tasks panel.
 */
"use client";

import { createContext, useContext } from "react";
import type { JobStatusFilter } from "@/lib/jobs";

export type AppShellActions = {
  openGenerate: (prefill?: string, options?: { sourceId?: string }) => void;
  openTasksPanel: (filter?: JobStatusFilter) => void;
};

const noop = () => undefined;

/** Outside the shell (tests, the sign-in page) the actions do nothing. */
export const AppShellContext = createContext<AppShellActions>({ openGenerate: noop, openTasksPanel: noop });

export function useAppShell(): AppShellActions {
  return useContext(AppShellContext);
}
