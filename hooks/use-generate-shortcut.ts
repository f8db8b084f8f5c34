/**
 * The keyboard shortcut that opens Generate from anywhere: `GENERATE_SHORTCUT`
 * ("g"), without modifiers, ignored while typing in a field or while a dialog
 * is open (the navbar's tooltip and `aria-keyshortcuts` say so).
 */
"use client";

import { useEffect } from "react";

export const GENERATE_SHORTCUT = "g";

export function useGenerateShortcut(open: () => void): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key.toLowerCase() !== GENERATE_SHORTCUT) return;
      if (event.metaKey || event.ctrlKey || event.altKey || event.repeat || event.defaultPrevented) return;
      const target = event.target;
      if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) {
        return;
      }
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      event.preventDefault();
      open();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);
}
