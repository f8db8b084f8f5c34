/** Whether shortcuts should be shown with ⌘ (Apple platforms) rather than Ctrl. False on the server. */
"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

export function useIsMac(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => /Mac|iPhone|iPad|iPod/i.test(navigator.platform || navigator.userAgent),
    () => false,
  );
}
