/**
 * Which items of a live list arrived while it was open: those created after
 * the newest item of the list's first load (per `view`: another filter is
 * another first load). Older pages loaded later ("Load more") are never taken
 * for arrivals. The highlight fades by itself (CSS), so nothing here keeps a timer.
 */
"use client";

import { useState } from "react";

export function useArrivals<T extends { createdAt: number }>(
  items: readonly T[] | undefined,
  view = "",
): (item: T) => boolean {
  const [loaded, setLoaded] = useState<{ view: string; since: number } | null>(null);
  if (items !== undefined && (loaded === null || loaded.view !== view)) {
    // Adjusting state while rendering: React re-renders at once with it, before painting.
    setLoaded({ view, since: items.reduce((newest, item) => Math.max(newest, item.createdAt), 0) });
  }
  return (item) => loaded !== null && loaded.view === view && item.createdAt > loaded.since;
}
