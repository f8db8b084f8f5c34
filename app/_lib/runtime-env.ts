/**
 * Environment read at request time on the server, never inlined at build
 * time: one `next build` (made with no env at all) runs against any Convex
 * deployment and in either auth mode.
 *
 * `process.env` is read through a variable on purpose: Next.js inlines
 * `process.env.NEXT_PUBLIC_*` member accesses at build time, but not dynamic
 * lookups.
 */
const env: Record<string, string | undefined> = process.env;

function read(name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The Convex deployment the browser talks to, or undefined when none is configured. */
export function convexUrl(): string | undefined {
  return read("CONVEX_URL") ?? read("NEXT_PUBLIC_CONVEX_URL");
}

/** Clerk's publishable key: set means Clerk mode, unset means the local sign-in. */
export function clerkPublishableKey(): string | undefined {
  return read("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY");
}

export type AuthMode = "clerk" | "local";

export function authMode(): AuthMode {
  return clerkPublishableKey() ? "clerk" : "local";
}

/** The `iss` of local-auth tokens: what `convex/auth.config.ts` trusts, or the request's origin. */
export function localAuthIssuer(requestOrigin: string): string {
  return read("LOCAL_AUTH_ISSUER") ?? requestOrigin;
}
