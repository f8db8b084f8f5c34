/**
 * Names and lifetimes of the local (development) sign-in. Kept free of Node
 * APIs so the proxy can import them cheaply.
 */

/** httpOnly cookie holding the signed session (display name + user id). */
export const SESSION_COOKIE = "qj_local_session";

/** How long a local sign-in lasts: under a day, so a copied cookie is short-lived even without a sign-out. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** Lifetime of the tokens handed to Convex; the client fetches a fresh one before expiry. */
export const CONVEX_TOKEN_TTL_SECONDS = 5 * 60;

/** `aud` of Convex tokens: the `applicationID` in `convex/auth.config.ts`. */
export const CONVEX_AUDIENCE = "convex";

/** `aud` of the session cookie's JWT, so a session can never be used as a Convex token. */
export const SESSION_AUDIENCE = "local-auth-session";

export const MAX_DISPLAY_NAME_LENGTH = 40;

export const SIGN_IN_PATH = "/sign-in";

/** An origin no request has: `safeNextPath` resolves a path against it and keeps it only if it stays there. */
const PROBE_ORIGIN = "http://next-path.invalid";

/**
 * Where to go after signing in: a path on this site, as the browser will read
 * it, or "/". Resolved the way a browser resolves a link (which drops tabs and
 * line breaks, reads `\` as `/`, and collapses `/./`), it must stay on this
 * origin and must not start with `//`, so `/%09/evil.example`, `/\evil.example`
 * or `/.//evil.example` cannot make the sign-in an open redirect. Control
 * characters and backslashes are refused outright. The sign-in page itself is
 * never a destination.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith("/") || /[\u0000-\u001F\u007F\\]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== PROBE_ORIGIN || !path.startsWith("/") || path.startsWith("//")) return "/";
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return "/";
  return path;
}
