/**
 * No page ships zod: the model's schema lives in `convex/` and `lib/` imports
 * nothing from there (ESLint enforces it), so the browser never loads it. No
 * page's first load ships PDF.js either: it is imported when a PDF is chosen.
 * The charting library (recharts) is in the statistics page's JavaScript only.
 * Prints each route's first-load JavaScript (the README's table).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { measureRoutes, type RouteBundle } from "./bundles";
import { startWeb, type WebApp } from "./harness";
import { markdownTable } from "../support/markdownTable";

let web: WebApp;
beforeAll(async () => {
  web = await startWeb({ ENABLE_LOCAL_SIGN_IN: "1", CONVEX_URL: "http://127.0.0.1:9" });
});
afterAll(() => web?.close());

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

test("no route's first-load JavaScript contains zod or PDF.js", async () => {
  const routes: RouteBundle[] = await measureRoutes(web);
  console.log(
    `\nFirst-load JavaScript per route (production build)\n${markdownTable(
      ["route", "chunks", "KB", "KB gzipped", "chunks with zod", "with PDF.js"],
      routes.map((r) => [r.route, r.chunks, kb(r.rawBytes), kb(r.gzipBytes), r.zodChunks.length, r.pdfjsChunks.length]),
      { alignNumbers: true },
    )}`,
  );
  for (const route of routes) {
    expect(route.chunks, route.route).toBeGreaterThan(0);
    expect(route.zodChunks, route.route).toEqual([]);
    if (route.route === "/statistics") expect(route.rechartsChunks.length, route.route).toBeGreaterThan(0);
    else expect(route.rechartsChunks, route.route).toEqual([]);
    expect(route.pdfjsChunks, route.route).toEqual([]);
  }
});
