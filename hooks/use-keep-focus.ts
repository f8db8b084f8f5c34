/**
 * Keeps keyboard focus inside a job's card when its buttons change under it
 * (cancel, pause, resume, retry, or the job moving on by itself): when `key`
 * changes and focus has fallen to the page body (the focused button was
 * removed), focus moves to the card's `[data-focus-next]` element, or its
 * first button or link.
 */
"use client";

import { useEffect, useRef, type RefObject } from "react";

export function useKeepFocus(container: RefObject<HTMLElement | null>, key: string): void {
  const previous = useRef(key);
  useEffect(() => {
    if (previous.current === key) return;
    previous.current = key;
    // Radix dialogs give focus back on close a frame later; look once that has happened.
    const frame = requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      const root = container.current;
      const target =
        root?.querySelector<HTMLElement>("[data-focus-next]") ?? root?.querySelector<HTMLElement>("button, a[href]");
      target?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [container, key]);
}
