/** Small checks and answers shared by the local-auth route handlers. */
import { NextResponse } from "next/server";

/**
 * Rejects cross-site form posts (login CSRF): a browser always sends `Origin`
 * on a cross-site POST, and it must then name this very host.
 */
export function isSameOriginPost(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true; // same-origin navigations in some browsers, and non-browser clients
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** True when the request came from a plain HTML form (no JavaScript), which wants a redirect back. */
export function isFormPost(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}

export function isHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto");
  return (forwarded ?? new URL(request.url).protocol.replace(":", "")) === "https";
}

export const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * A 303 to `path` on this site, as a relative `Location`: a route handler's
 * `request.url` names the host Next.js listens on (e.g. `localhost`), not the
 * one the browser used, and a form sent to another origin breaks the session
 * cookie and the CSP's `form-action 'self'`. `path` must be a safe path
 * (`safeNextPath`, or one built here).
 */
export function seeOther(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: path, ...NO_STORE } });
}

/** The answer of every local-auth route while the local sign-in is off (Clerk mode, or not enabled). */
export function localSignInOff(): NextResponse {
  return NextResponse.json(
    { error: "The local sign-in is off (it needs ENABLE_LOCAL_SIGN_IN=1, and no Clerk keys)." },
    { status: 404, headers: NO_STORE },
  );
}
