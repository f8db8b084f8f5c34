/**
 * axe-core in the end-to-end suite: injects `axe.min.js` into the page and
 * runs it on the page as it is. A page passes with no serious or critical
 * violation and none of the moderate rules we hold ourselves to (`region`:
 * all content inside a landmark; `heading-order`: no skipped heading levels).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe's source, evaluated in the page through the DevTools protocol: a `<script>` tag would be (rightly) refused by
 * the app's Content-Security-Policy. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const MODERATE_RULES_ENFORCED = new Set(["region", "heading-order"]);

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** The violations that fail a page, each as "rule (impact): help, at selectors". Runs once
 * animations have settled (a toast or dialog fading in has, for an instant, too little contrast). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.waitForFunction(
    // Spinners and pulses run forever: only finite animations are waited for.
    () =>
      document
        .getAnimations()
        .every(
          (animation) => animation.playState !== "running" || animation.effect?.getTiming().iterations === Infinity,
        ),
    undefined,
    { timeout: 10_000 },
  );
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<{ violations: unknown[] }> } }).axe;
    const results = await axe.run({ resultTypes: ["violations"] });
    return results.violations as Violation[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || MODERATE_RULES_ENFORCED.has(v.id))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.map((n) => n.target.join(" ")).join(" | ")} (${v.nodes[0]?.failureSummary ?? ""})`,
    );
}
