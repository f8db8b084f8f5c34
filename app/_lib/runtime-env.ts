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

/**
 * How people sign in: Clerk when its publishable key is set; the local
 * development sign-in (a name, no password) only when explicitly enabled with
 * `ENABLE_LOCAL_SIGN_IN=1` (`npm run dev` sets it); otherwise "none": the
 * sign-in page says sign-in is not configured, and no token is ever minted.
 */
export type AuthMode = "clerk" | "local" | "none";

export function authMode(): AuthMode {
  if (clerkPublishableKey()) return "clerk";
  return localSignInEnabled() ? "local" : "none";
}

/** Whether the local development sign-in is switched on. Loudly warns, once, when it is in a production build. */
export function localSignInEnabled(): boolean {
  const flag = read("ENABLE_LOCAL_SIGN_IN")?.toLowerCase();
  const enabled = flag === "1" || flag === "true";
  if (enabled && process.env.NODE_ENV === "production" && !warnedAboutLocalSignIn) {
    warnedAboutLocalSignIn = true;
    console.warn(LOCAL_SIGN_IN_IN_PRODUCTION_WARNING);
  }
  return enabled;
}

let warnedAboutLocalSignIn = false;

export const LOCAL_SIGN_IN_IN_PRODUCTION_WARNING = [
  "",
  "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
  "!! WARNING: ENABLE_LOCAL_SIGN_IN is set in a production build.",
  "!! Anyone can sign in as anyone by typing a name: there is no password.",
  "!! Use it only on your own machine. For real users set",
  "!! NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY instead.",
  "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
  "",
].join("\n");

/** The `iss` of local-auth tokens: what `convex/auth.config.ts` trusts, or the request's origin. */
export function localAuthIssuer(requestOrigin: string): string {
  return read("LOCAL_AUTH_ISSUER") ?? requestOrigin;
}
