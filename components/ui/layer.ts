/**
 * What stays out of reach while a select is open: Radix hides the rest of the
 * page from screen readers (`aria-hidden`, marked `data-aria-hidden`); that
 * rest is made `inert` too, so nothing hidden can take keyboard focus (axe:
 * aria-hidden-focus). (Menus, selects and tooltips are rendered in place, not
 * in a portal, so they sit in the landmark of what opened them.)
 */
"use client";

import { useEffect } from "react";

/** While mounted, makes what Radix hid from screen readers inert as well; undoes only what it did. */
export function useInertWhileHidden(): void {
  useEffect(() => {
    const made: HTMLElement[] = [];
    // Radix hides the rest of the page in its own effect, which runs after this child's: look a frame later.
    const frame = requestAnimationFrame(() => {
      // Only under an open list: what a dialog alone hides is the dialog's business.
      if (!document.querySelector('[role="listbox"]')) return;
      for (const element of document.querySelectorAll<HTMLElement>('[data-aria-hidden="true"]')) {
        if (element.inert) continue;
        element.inert = true;
        made.push(element);
      }
    });
    return () => {
      cancelAnimationFrame(frame);
      for (const element of made) element.inert = false;
    };
  }, []);
}

/** Renders nothing; `useInertWhileHidden` while it is mounted (render it only while the select is open). */
export function InertOutside(): null {
  useInertWhileHidden();
  return null;
}
