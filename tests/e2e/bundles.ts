/**
 * First-load JavaScript of each route of the production build, as a browser
 * gets it: the `<script src>` chunks of the page's HTML (served by `next
 * start`, signed in where the route needs it), their raw and gzipped sizes,
 * and which of them carry zod (its core's `$ZodType` constructor name
 * survives minification), PDF.js (loaded only when a PDF is chosen) or recharts (its `recharts-surface` class
 * name). Next.js 16 no longer prints these sizes in its
 * build output, so they are read off the build's own pages.
 */
import { gzipSync } from "node:zlib";
import type { WebApp } from "./harness";

export type RouteBundle = {
  route: string;
  chunks: number;
  rawBytes: number;
  gzipBytes: number;
  zodChunks: string[];
  rechartsChunks: string[];
  pdfjsChunks: string[];
};

/** The routes a visitor can open, with a path that renders each. */
export const ROUTES = [
  { route: "/sign-in", path: "/sign-in", signedIn: false },
  { route: "/ (review)", path: "/", signedIn: true },
  { route: "/my-questions", path: "/my-questions", signedIn: true },
  { route: "/jobs/[id]", path: "/jobs/j57a4b0wz2c4w3pd4s1xn4q6dh7q2p3r", signedIn: true },
  { route: "/statistics", path: "/statistics", signedIn: true },
] as const;

const ZOD_MARKER = "$ZodType";
const RECHARTS_MARKER = "recharts-surface";
/** A PDF.js internal id prefix, kept by minification (its worker is a separate file, never in a page's scripts). */
const PDFJS_MARKER = "pdfjs_internal_id_";

/** Measures every route of `web` (which must have the local sign-in enabled). */
export async function measureRoutes(web: WebApp): Promise<RouteBundle[]> {
  const cookie = await signIn(web);
  const cache = new Map<string, string>();
  const results: RouteBundle[] = [];
  for (const { route, path, signedIn } of ROUTES) {
    const response = await fetch(`${web.url}${path}`, { headers: signedIn ? { cookie } : {} });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    const sources = [
      ...new Set([...(await response.text()).matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!)),
    ];
    let rawBytes = 0;
    let gzipBytes = 0;
    const zodChunks: string[] = [];
    const rechartsChunks: string[] = [];
    const pdfjsChunks: string[] = [];
    for (const src of sources) {
      if (!cache.has(src)) cache.set(src, await (await fetch(new URL(src, web.url))).text());
      const code = cache.get(src)!;
      rawBytes += Buffer.byteLength(code);
      gzipBytes += gzipSync(code).length;
      if (code.includes(ZOD_MARKER)) zodChunks.push(src);
      if (code.includes(RECHARTS_MARKER)) rechartsChunks.push(src);
      if (code.includes(PDFJS_MARKER)) pdfjsChunks.push(src);
    }
    results.push({ route, chunks: sources.length, rawBytes, gzipBytes, zodChunks, rechartsChunks, pdfjsChunks });
  }
  return results;
}

async function signIn(web: WebApp): Promise<string> {
  const response = await fetch(`${web.url}/api/local-auth/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Bundle measurer" }),
  });
  const value = response.headers.get("set-cookie")?.match(/qj_local_session=([^;]+)/)?.[1];
  if (!value) throw new Error(`sign-in failed: ${response.status}`);
  return `qj_local_session=${value}`;
}
