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

/** A signed-in caller. Their `userId` in the database is `tokenIdentifier(name)`. */
export function asUser(t: TestConvex, name: string) {
  return t.withIdentity({ subject: name, name });
}

export function tokenIdentifier(name: string): string {
  return `https://convex.test|${name}`;
}

/** Runs every scheduled function (and what they schedule) to completion, on real timers. */
export async function runScheduled(t: TestConvex): Promise<void> {
  await t.finishAllScheduledFunctions(() => {});
}

/** Polls `read` until `done` holds, checking every few milliseconds (fails after `timeoutMs`). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor: condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
