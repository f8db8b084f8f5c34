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

/**
 * Where to go after signing in: only a path on this site (never `//host` or
 * an absolute URL, so the sign-in page cannot be used as an open redirect).
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  if (raw === SIGN_IN_PATH || raw.startsWith(`${SIGN_IN_PATH}/`) || raw.startsWith(`${SIGN_IN_PATH}?`)) return "/";
  return raw;
}
