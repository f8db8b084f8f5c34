/**
 * axe-core in the end-to-end suite: injects `axe.min.js` into the page and
 * runs it on the page as it is. A page passes with no serious or critical
 * violation and none of the moderate rules we hold ourselves to (`region`:
 * all content inside a landmark; `heading-order`: no skipped heading levels;
 * `page-has-heading-one`: every state keeps its page title, menus open too).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe's source, evaluated in the page through the DevTools protocol: a `<script>` tag would be (rightly) refused by
 * the app's Content-Security-Policy. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const MODERATE_RULES_ENFORCED = new Set(["region", "heading-order", "page-has-heading-one"]);
/** How long a page's finite animations may take to settle before axe runs. */
const SETTLE_TIMEOUT_MS = 10_000;

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** The violations that fail a page, each as "rule (impact): help, at selectors". Runs once
 * animations have settled (a toast or dialog fading in has, for an instant, too little contrast);
 * an animation frozen mid-way (`freezeAnimations`) stays as it is, so that moment is checked. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  // Settled, and axe started in the same frame: a question arriving in between (the job page and My Questions
  // fade each one in) would be checked half-transparent.
  const violations = await page.evaluate(async (timeoutMs) => {
    // Spinners and pulses run forever: only finite animations are waited for. The "Just added" mark
    // (`arrival*`) is not: questions keep arriving, and it must pass at every moment of its life.
    const settled = () =>
      document
        .getAnimations()
        .every(
          (animation) =>
            animation.playState !== "running" ||
            animation.effect?.getTiming().iterations === Infinity ||
            (animation instanceof CSSAnimation && animation.animationName.startsWith("arrival")),
        );
    const deadline = performance.now() + timeoutMs;
    while (!settled()) {
      if (performance.now() > deadline) throw new Error(`Animations still running after ${timeoutMs} ms`);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<{ violations: unknown[] }> } }).axe;
    const results = await axe.run({ resultTypes: ["violations"] });
    return results.violations as Violation[];
  }, SETTLE_TIMEOUT_MS);
  // An open select (a Radix listbox) hides the page from screen readers by design, its title too: the list is
  // all there is until it closes. Every other state keeps its level-one heading.
  const listboxOpen = await page.getByRole("listbox").count();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || MODERATE_RULES_ENFORCED.has(v.id))
    .filter((v) => !(v.id === "page-has-heading-one" && listboxOpen > 0))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.map((n) => n.target.join(" ")).join(" | ")} (${v.nodes[0]?.failureSummary ?? ""})`,
    );
}

/**
 * Pauses every running animation whose name starts with `name` at `fraction`
 * of its duration (0.9: nine tenths through): a fade checked at its worst
 * moment, deterministically. Returns how many it froze.
 */
export async function freezeAnimations(page: Page, name: string, fraction: number): Promise<number> {
  return await page.evaluate(
    ({ name, fraction }) => {
      const frozen = document
        .getAnimations()
        .filter((a) => a instanceof CSSAnimation && a.animationName.startsWith(name));
      for (const animation of frozen) {
        animation.pause();
        animation.currentTime = Number(animation.effect?.getComputedTiming().duration ?? 0) * fraction;
      }
      return frozen.length;
    },
    { name, fraction },
  );
}
