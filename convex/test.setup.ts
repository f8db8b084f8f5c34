/// <reference types="vite/client" />
/**
 * convex-test setup shared by every test of the Convex functions: the app's
 * modules, the schema, the components it uses, and Convex's real
 * per-transaction limits (documents and bytes read and written, functions
 * scheduled), so a test fails where production would.
 */
import rateLimiter from "@convex-dev/rate-limiter/test";
import { convexTest } from "convex-test";
import schema from "./schema";

export const modules = import.meta.glob(["./**/*.ts", "./**/*.js", "!./**/*.test.ts", "!./**/*.d.ts"]);

export function initConvexTest() {
  const t = convexTest({ schema, modules, transactionLimits: true });
  rateLimiter.register(t);
  return t;
}

export type TestConvex = ReturnType<typeof initConvexTest>;
