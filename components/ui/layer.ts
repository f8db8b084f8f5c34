/**
 * Where floating content (menus, selects, tooltips) is put, and what stays
 * out of reach while a modal one is open. Portalled into the page's `main`
 * landmark (when there is one), so it sits inside a landmark like all
 * content; and while a Radix select hides the rest of the page from screen
 * readers (`aria-hidden`, marked `data-aria-hidden`), that rest is `inert`
 * too, so nothing hidden can take keyboard focus (axe: aria-hidden-focus).
 */
"use client";

import { useEffect } from "react";

/** The `main` landmark to portal into, or undefined (Radix then uses the body). */
export function landmarkContainer(): HTMLElement | undefined {
  if (typeof document === "undefined") return undefined;
  return document.getElementById("main") ?? undefined;
}

/** While mounted, makes what Radix hid from screen readers inert as well; undoes only what it did. */
export function useInertWhileHidden(): void {
  useEffect(() => {
    const made: HTMLElement[] = [];
    // Radix hides the rest of the page in its own effect, which runs after this child's: look a frame later.
    const frame = requestAnimationFrame(() => {
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

/** Renders nothing; `useInertWhileHidden` for a spot inside floating content that mounts only while open. */
export function InertOutside(): null {
  useInertWhileHidden();
  return null;
}
